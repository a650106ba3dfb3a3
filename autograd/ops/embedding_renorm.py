"""Renormalising embedding rows in place (torch.embedding_renorm_, and F.embedding's max_norm): each looked-up row
whose norm exceeds max_norm is scaled down to it, outside any graph."""
import functools

import numpy as np

from .. import arrays
from .dims import check_tensor
from .embedding import check_indices
from .no_grad_op import no_grad_op


def renorm_rows_(weight, input, max_norm, norm_type=2.0):
    """Rescale in place (outside any graph) each row of `weight` named in `input` whose norm_type-norm
    exceeds max_norm, to norm max_norm (PyTorch's embedding_renorm_, with its 1e-7 guard). It runs as a
    no-gradient op, so an `ag.jit` replay renormalises the rows of that replay's indices. A max_norm <= 0 is taken
    as PyTorch takes it: every looked-up row is scaled by max_norm / norm."""
    if input.size == 0:
        return
    no_grad_op("embedding_renorm", functools.partial(_renorm_rows, max_norm=float(max_norm),
                                                     norm_type=float(norm_type)), weight, input)
    arrays.mark_changed(weight)


def _renorm_rows(xp, table, indices, *, max_norm, norm_type):
    """Writes the renormalised rows into `table`; returns their norms before the change. Every looked-up
    row is written back (unchanged where within max_norm, duplicates with equal values): no host read of
    which rows changed, so the op has fixed shapes and no synchronisation."""
    rows = indices.reshape(-1)
    picked = table[rows]
    magnitude = xp.abs(picked)
    if norm_type == float("inf"):
        norms = magnitude.max(axis=1)
    elif norm_type == 0:
        norms = (magnitude != 0).sum(axis=1).astype(table.dtype)
    else:
        norms = (magnitude ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = (max_norm / (norms + 1e-7)).astype(table.dtype)
    table[rows] = xp.where((norms > max_norm)[:, None], picked * scale[:, None], picked)
    return norms


def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale in place each row of the 2-D `input` named in `indices` whose norm_type-norm exceeds max_norm to
    norm max_norm; returns input (torch.embedding_renorm_)."""
    op = "embedding_renorm_"
    check_tensor(op, input)
    check_tensor(op, indices)
    if indices.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}: expected indices of dtype int64 or int32, got {indices.dtype}; convert them with "
                           ".long()")
    if input.ndim != 2:
        raise RuntimeError(f"{op}: expected a 2-D weight (rows to renormalise), got shape {tuple(input.shape)}")
    if input.dtype.kind not in "fc" and input.dtype.name != "bfloat16":
        raise RuntimeError(f"{op}: norm(): input dtype should be either floating point or complex, got "
                           f"{input.dtype}; convert the weight with .float()")
    if input.is_leaf and input.requires_grad:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation; "
                           "renormalise under torch.no_grad() or on weight.data")
    check_indices(input._device.xp, indices._data, input.shape[0], op)
    renorm_rows_(input, indices, max_norm, norm_type)
    return input
