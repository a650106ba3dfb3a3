"""torch.segment_reduce: reduce consecutive segments of data along an axis (sum, mean, max/amax, min/amin, prod),
the segments given by their lengths or offsets (per row of the dims before the axis when those are
multi-dimensional), with PyTorch's values for empty segments (0, nan, -inf, inf, 1; `initial` when given, which
also joins every segment's reduction) and its gradients: spread evenly over the tied maxima/minima, the product of
the other elements for prod (zeros handled), 1/length for mean.

The segments are scattered with NumPy's ufunc.at on the host (a CUDA tensor's data makes a round trip).
"""
import numbers

import numpy as np

from ..bf16_dtype import is_bf16
from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor

_REDUCERS = {"sum": "sum", "mean": "mean", "max": "max", "amax": "max", "min": "min", "amin": "min",
             "prod": "prod"}
_EMPTY = {"sum": 0.0, "mean": np.nan, "max": -np.inf, "min": np.inf, "prod": 1.0}
_UFUNC = {"sum": np.add, "mean": np.add, "max": np.maximum, "min": np.minimum, "prod": np.multiply}


def _host(a):
    return a.get() if hasattr(a, "get") else np.asarray(a)


class SegmentReduce(Function):
    """Forward and backward on (rows, n, rest)-shaped data with per-row segment ids (`ids`, S for none)."""
    op_name = "segment_reduce"
    differentiable_backward = False

    def forward(ctx, data, ids, lengths, kind, initial, out_shape, rest):
        x = _host(data)
        rows, n = ids.shape
        segments = lengths.shape[1]
        flat = x.reshape(rows, n, rest)
        valid = ids < segments
        target = (np.arange(rows)[:, None] * segments + ids)[valid]
        start = _EMPTY[kind] if initial is None else initial
        out = np.full((rows * segments, flat.shape[2]), 0.0 if kind == "mean" else start, dtype=x.dtype)
        _UFUNC[kind].at(out, target, flat[valid])
        count = lengths.reshape(-1, 1).astype(x.dtype)
        if kind == "mean":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = (out if initial is None else out + x.dtype.type(initial)) / count
            if initial is not None:
                out[lengths.reshape(-1) == 0] = initial
        ctx.saved = (x, target, valid, count, out)
        ctx.kind, ctx.initial, ctx.rest = kind, initial, rest
        return ctx.xp.asarray(out.reshape(out_shape))

    def backward(ctx, g):
        x, target, valid, count, out = ctx.saved
        rows, n = valid.shape
        flat = x.reshape(rows, n, ctx.rest)
        gflat = _host(g).reshape(out.shape)
        picked, kept = gflat[target], flat[valid]
        kind = ctx.kind
        if kind == "sum":
            part = picked
        elif kind == "mean":
            part = picked / count[target]
        elif kind in ("max", "min"):
            hit = kept == out[target]
            ties = np.zeros_like(out)
            np.add.at(ties, target, hit)
            part = np.where(hit, picked / np.where(hit, ties[target], 1), 0)
        else:
            zero = kept == 0
            zeros = np.zeros_like(out)
            np.add.at(zeros, target, zero)
            others = np.full_like(out, 1.0 if ctx.initial is None else ctx.initial)
            np.multiply.at(others, target, np.where(zero, 1, kept))
            with np.errstate(divide="ignore", invalid="ignore"):
                alone = np.where(zeros[target] == 0, out[target] / np.where(zero, 1, kept), 0)
            part = picked * np.where(zero, np.where(zeros[target] == 1, others[target], 0), alone)
        grad = np.zeros_like(flat)
        grad[valid] = part
        return ctx.xp.asarray(grad.reshape(x.shape)), None, None, None, None, None, None


def _check_lengths(op, lengths, n, unsafe):
    if (lengths < 0).any():
        raise RuntimeError(f"{op}: lengths contains negative value! got {lengths.tolist()}")
    totals = lengths.sum(axis=1)
    if not unsafe and (totals != n).any():
        raise RuntimeError(f"{op}: Expected all rows of lengths along axis to sum to data.size(axis) = {n} when "
                           f"!unsafe, got sums {sorted(set(totals.tolist()))}")
    if (totals > n).any():
        raise RuntimeError(f"{op}: lengths add up to {int(totals.max())}, more than data.size(axis) = {n}")


def _index_tensor(op, name, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be Tensor, not {type(t).__name__}")
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: {name} must be an integer tensor (int64 or int32), got {t.dtype}; convert it "
                           f"with .long()")
    return t.detach().numpy().astype(np.int64)


def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False, initial=None):
    """Reduce data along `axis` over consecutive segments given by `lengths` (shape data.shape[:axis] + (S,))
    or `offsets` (shape data.shape[:axis] + (S + 1,), segment i = offsets[i]:offsets[i + 1]); reduce is 'sum',
    'mean', 'max' ('amax'), 'min' ('amin') or 'prod'. Returns data.shape[:axis] + (S,) + data.shape[axis + 1:].
    `initial` joins every segment (and is an empty segment's value). Differentiable in data."""
    op = "segment_reduce"
    check_tensor(op, data, "data")
    if reduce not in _REDUCERS:
        raise RuntimeError(f"{op}: reduce argument must be either sum, prod, mean, amax or amin (or max, min), got "
                           f"{reduce!r}")
    if indices is not None:
        raise RuntimeError(f"{op}: indices based reduction is not supported yet (as in PyTorch); pass lengths or "
                           f"offsets")
    if lengths is None and offsets is None:
        raise RuntimeError(f"{op}: Either lengths or offsets must be defined.")
    if data.dtype.kind != "f" and not is_bf16(data.dtype):
        raise TypeError(f"{op}: data must be a floating-point tensor, got {data.dtype}; convert it with .double()")
    if initial is not None and (isinstance(initial, bool) or not isinstance(initial, numbers.Real)):
        raise TypeError(f"{op}: initial must be a number, got {type(initial).__name__}")
    given = _index_tensor(op, "lengths", lengths) if lengths is not None else _index_tensor(op, "offsets", offsets)
    if given.ndim == 0 or data.ndim < given.ndim:
        raise RuntimeError(f"{op}: Expected data.dim() >= lengths.dim() >= 1, got data of shape "
                           f"{tuple(data.shape)} and {'lengths' if lengths is not None else 'offsets'} of shape "
                           f"{tuple(given.shape)}")
    if not isinstance(axis, numbers.Integral) or not -data.ndim <= axis < data.ndim:
        raise IndexError(f"{op}: axis {axis!r} is out of range for data of shape {tuple(data.shape)}")
    axis = axis % data.ndim
    if axis != given.ndim - 1:
        raise RuntimeError(f"{op}: Expected axis to be the last dimension of lengths but got {axis} (lengths/offsets "
                           f"of shape {tuple(given.shape)} cover data dims 0..{given.ndim - 1})")
    if tuple(given.shape[:-1]) != tuple(data.shape[:axis]):
        raise RuntimeError(f"{op}: lengths/offsets shape {tuple(given.shape)} must start with data.shape[:axis] = "
                           f"{tuple(data.shape[:axis])}")
    n = data.shape[axis]
    rows = given.reshape(-1, given.shape[-1])
    if lengths is None:
        if rows.shape[1] == 0:
            raise RuntimeError(f"{op}: offsets must hold at least one value (S + 1 for S segments)")
        if (np.diff(rows, axis=1) < 0).any() or rows.min() < 0 or rows.max() > n:
            raise RuntimeError(f"{op}: offsets must be non-decreasing and within [0, {n}], got {given.tolist()}")
        starts, rows = rows[:, 0], np.diff(rows, axis=1)
    else:
        _check_lengths(op, rows, n, unsafe)
        starts = np.zeros(rows.shape[0], dtype=np.int64)
    ids = np.stack([_shifted(r, start, n) for r, start in zip(rows, starts)]) if rows.size else \
        np.full((rows.shape[0], n), rows.shape[1], dtype=np.int64)
    segments = rows.shape[1]
    out_shape = tuple(data.shape[:axis]) + (segments,) + tuple(data.shape[axis + 1:])
    rest = int(np.prod(data.shape[axis + 1:], dtype=np.int64))
    return SegmentReduce.apply(data, ids, rows, _REDUCERS[reduce], None if initial is None else float(initial),
                               out_shape, rest)


def _shifted(lengths, start, n):
    """Segment ids of the n positions for segments of `lengths` that begin at position `start`."""
    ids = np.full(n, lengths.shape[0], dtype=np.int64)
    ends = start + np.cumsum(lengths)
    inside = (np.arange(n) >= start) & (np.arange(n) < (ends[-1] if lengths.size else start))
    ids[inside] = np.searchsorted(ends, np.arange(n)[inside], side="right")
    return ids
