"""Embedding lookup: rows of a weight matrix picked by integer indices, gradients scattered back (or, with
sparse=True, handed back as a sparse COO gradient of the looked-up rows, as PyTorch's)."""
import numpy as np

from ..function import Function
from ..sparse_storage import SparseCOO


def check_indices(xp, indices, num, op="embedding"):
    """Raise IndexError naming the first bad index unless every index lies in [0, num)."""
    if indices.size:
        low, high = int(indices.min()), int(indices.max())   # the methods: np.min's reduce without its wrapper
        if low < 0 or high >= num:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of range for num_embeddings={num} (valid indices are "
                             f"0 to {num - 1})")


class Embedding(Function):
    """Rows of `weight` at `indices`; on host devices the forward checks the indices itself, so that an
    ag.jit replay checks each step's indices too."""
    op_name = "embedding"
    differentiable_backward = False

    def forward(ctx, indices, weight, padding_idx=None, scale_grad_by_freq=False, sparse=False):
        if ctx.device.host_memory:
            check_indices(ctx.xp, indices, weight.shape[0])
        ctx.save_for_backward(indices)
        ctx.padding_idx, ctx.scale_grad_by_freq, ctx.sparse = padding_idx, scale_grad_by_freq, sparse
        ctx.weight_shape = weight.shape
        return ctx.xp.take(weight, indices, axis=0)

    def backward(ctx, gy):
        indices, = ctx.saved_tensors
        shape = ctx.weight_shape
        if ctx.sparse:
            return None, _sparse_weight_grad(ctx, indices, gy)
        gw = ctx.xp.zeros(shape, gy.dtype)
        flat = indices.reshape(-1)
        ctx.device.index_add(gw, flat, gy.reshape((-1,) + shape[1:]))
        if ctx.scale_grad_by_freq:   # each row's gradient divided by how often its index occurs in the batch
            counts = ctx.xp.bincount(flat, minlength=shape[0])
            gw /= ctx.xp.maximum(counts, 1).astype(gw.dtype)[:, None]
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return None, gw


def _sparse_weight_grad(ctx, indices, gy):
    """The weight's gradient as a sparse COO tensor: one entry per lookup (repeats are summed when it is
    coalesced), the padding row's left out. With scale_grad_by_freq, PyTorch's RuntimeError (it has no sparse
    form of the scaling)."""
    xp, shape = ctx.xp, ctx.weight_shape
    if ctx.scale_grad_by_freq:
        raise RuntimeError(f"embedding_backward: scale_grad_by_freq not supported with sparse gradients (weight "
                           f"{tuple(shape)}); use sparse=False, or scale_grad_by_freq=False")
    flat = indices.reshape(-1).astype(np.int64)
    rows = gy.reshape((-1,) + shape[1:])
    if ctx.padding_idx is not None:
        keep = flat != ctx.padding_idx
        flat, rows = flat[keep], rows[keep]
    return SparseCOO(flat[None, :], xp.ascontiguousarray(rows), shape, flat.size <= 1)
