"""embedding_bag: the sum, mean or max of the embedding rows of each bag of indices, without building
the per-index rows as a separate output.

The bags are laid out as a dense (bags, longest bag) table of positions into the looked-up rows, with
a filler row (0 for sum and mean, -inf for max) for the short bags and the padding_idx entries, so the
reduction is one differentiable sum or max over that table.
"""
import numpy as np

import autograd as ag
from autograd import Tensor, complex_forms
from autograd.errors import ArgumentRangeError, ShapeError, UnsupportedError
from autograd.shown_nodes import shown_over
from autograd.ops.dims import check_tensor

from .embedding import embedding

MODES = ("sum", "mean", "max")


def _host(t):
    """A host NumPy copy of an index tensor (offsets and indices decide the bags' layout)."""
    return np.asarray(t.numpy() if isinstance(t, Tensor) else t)


def _bags(op, input, offsets, include_last_offset):
    """The flat indices and, per bag, its [start, stop) range in them."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: offsets must be None for a 2-D input {input.shape} (each row is one bag); "
                             "pass a 1-D input with offsets for bags of different lengths")
        bags, length = input.shape
        starts = np.arange(bags) * length
        return input.reshape(-1), starts, starts + length
    if input.ndim != 1:
        raise ValueError(f"{op}: input must be 1-D (with offsets) or 2-D (bags, indices per bag), got shape "
                         f"{input.shape}")
    if offsets is None:
        raise ValueError(f"{op}: a 1-D input {input.shape} needs offsets, the start of each bag in it; pass "
                         "offsets=ag.tensor([0, ...]) or a 2-D input")
    bounds = _host(offsets)
    if bounds.ndim != 1 or bounds.dtype.kind not in "iu":
        raise ShapeError(f"{op}: offsets must be a 1-D integer tensor, got shape {bounds.shape} and dtype "
                         f"{bounds.dtype}; pass offsets as int64, e.g. offsets.long()")
    total = input.shape[0]
    if include_last_offset:
        if bounds.size < 1:
            raise ValueError(f"{op}: with include_last_offset=True offsets needs at least one element")
        starts, stops = bounds[:-1], bounds[1:]
    else:
        starts, stops = bounds, np.append(bounds[1:], total)
    if bounds.size and (bounds[0] != 0 or np.any(np.diff(bounds) < 0) or bounds.max() > total):
        raise ArgumentRangeError(f"{op}: offsets {bounds.tolist()} must start at 0, never decrease and stay <= the "
                                 f"input's length {total} (offsets[0] has to be 0: the first bag starts at position "
                                 "0); pass the start position of each bag")
    stops = np.minimum(stops, total)
    return input, starts.astype(np.int64), stops.astype(np.int64)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """(bags, embedding_dim): per bag, the sum, mean or max of the rows weight[i] for its indices i.

    Bags: each row of a 2-D input, or, for a 1-D input, the runs that start at `offsets` (include_last_offset:
    offsets also holds the end of the last bag). Entries equal to padding_idx are left out (also from the
    mean's count); an empty bag gives zeros. per_sample_weights (input's shape, mode 'sum' only) scales
    each row before the sum. max_norm and scale_grad_by_freq act as in F.embedding.
    """
    op = "embedding_bag"
    check_tensor(op, input)
    check_tensor(op, weight, "weight")
    if complex_forms.active:
        complex_forms.refuse(op, weight)
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise UnsupportedError(f"{op}: per_sample_weights is only supported for mode='sum', got mode={mode!r}; "
                                   "weight the bags with mode='sum' (divide by the bag sizes for a weighted mean)")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"{op}: per_sample_weights has shape {tuple(per_sample_weights.shape)}, but it needs "
                             f"the input's shape {tuple(input.shape)} (one weight per index)")
        if per_sample_weights.dtype != weight.dtype:
            raise TypeError(f"{op}: per_sample_weights is {per_sample_weights.dtype} but weight is {weight.dtype}; "
                            "convert one to the other")
    if mode == "max" and sparse:   # PyTorch's ValueError: a bag's max has no sparse gradient there
        raise ValueError(f"max mode does not support sparse weights ({op}, weight {tuple(weight.shape)}); use "
                         "sparse=False, or mode='sum' / 'mean'")
    flat, starts, stops = _bags(op, input, offsets, include_last_offset)
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    total, dim = rows.shape
    filler = ag.full((1, dim), float("-inf") if mode == "max" else 0.0, dtype=rows.dtype, device=rows.device)
    rows = ag.cat([rows, filler], 0)
    lengths = stops - starts
    longest = max(int(lengths.max()) if lengths.size else 0, 1)
    positions = starts[:, None] + np.arange(longest)[None, :]
    inside = positions < stops[:, None]
    index = ag.tensor(np.where(inside, positions, total).astype(np.int64), device=rows.device)
    kept = ag.tensor(inside, device=rows.device)
    if padding_idx is not None:
        num = weight.shape[0]
        if not -num <= padding_idx < num:
            raise ValueError(f"{op}: padding_idx={padding_idx!r} must be an int in [-{num}, {num})")
        if total:   # by tensor ops: a jit replay finds each step's padding entries
            looked_up = flat[ag.tensor(np.minimum(positions, total - 1).astype(np.int64), device=flat.device)]
            kept = kept & (_on_device(looked_up, rows) != padding_idx % num)
            index = ag.where(kept, index, total)
    picked = rows[index]   # (bags, longest, dim)
    counts = kept.sum(1)
    if mode == "sum":
        out = picked.sum(1)
    elif mode == "mean":
        out = picked.sum(1) / ag.maximum(counts, 1).astype(weight.dtype)[:, None]
    else:
        largest = picked.amax(1)
        out = ag.where((counts > 0)[:, None], largest, ag.zeros_like(largest))
    # PyTorch's one node, over the weight's and per_sample_weights' own edges
    return shown_over(out, "EmbeddingBagBackward0", weight, per_sample_weights)


def _on_device(t, like):
    """`t` on `like`'s device (the indices may sit on another device than the weight, as PyTorch allows)."""
    return t if t.device is like.device else t.to(like.device)
