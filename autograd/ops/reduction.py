"""Reductions: sum, mean, var, std, max, min, argmax, argmin, logsumexp, prod."""
import builtins

import numpy as np

from ..function import Function
from ..tensor import Tensor


def _axes(axis, ndim):
    """axis (None, int or tuple, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        if ndim:  # a 0-d tensor accepts axis 0 or -1 (as PyTorch does) and has nothing to reduce
            out.append(a % ndim)
    return tuple(sorted(out))


def _expand(g, shape, axes, keepdims):
    """Reshape a reduced gradient so that it broadcasts against the input of shape `shape`."""
    if keepdims or not axes:
        return g
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    return g.reshape(kept)


class Sum(Function):
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape = x.shape
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        return x.sum(axis=ctx.axes, keepdims=keepdims)

    def backward(ctx, gy):
        g = _expand(gy, ctx.shape, ctx.axes, ctx.keepdims)
        return ctx.xp.broadcast_to(g, ctx.shape)


class Mean(Function):
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape = x.shape
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes])) if ctx.axes else 1
        return x.mean(axis=ctx.axes, keepdims=keepdims)

    def backward(ctx, gy):
        g = _expand(gy, ctx.shape, ctx.axes, ctx.keepdims) / builtins.max(ctx.count, 1)
        return ctx.xp.broadcast_to(g, ctx.shape)


def _denominator(x, axes, ddof):
    """count - ddof as a float, at least 0 (dividing arrays by it then gives inf/nan, as in NumPy and PyTorch)."""
    count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    return float(builtins.max(count - ddof, 0))


class Var(Function):
    def forward(ctx, x, axis=None, ddof=0, keepdims=False):
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        mean = x.mean(axis=ctx.axes, keepdims=True)
        centered = x - mean
        ctx.denom = _denominator(x, ctx.axes, ddof)
        ctx.save_for_backward(x)
        return (centered * centered).sum(axis=ctx.axes, keepdims=keepdims) / ctx.denom

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        return g * centered * (2.0 / ctx.denom if ctx.denom else float("inf"))


class Std(Function):
    """sqrt(var) as one op, so that a constant input gets gradient 0 (as in PyTorch) rather than 0 * inf."""

    def forward(ctx, x, axis=None, ddof=0, keepdims=False):
        xp = ctx.xp
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        ctx.denom = _denominator(x, ctx.axes, ddof)
        out = xp.sqrt((centered * centered).sum(axis=ctx.axes, keepdims=keepdims) / ctx.denom)
        ctx.save_for_backward(x, out)  # the returned array itself, so create_graph can differentiate through it
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        xp = ctx.xp
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        out = _expand(out, x.shape, ctx.axes, ctx.keepdims)
        safe = xp.where(out == 0, 1, out * ctx.denom)
        return xp.where(out == 0, 0, g * centered / safe)


class Extremum(Function):
    """max / min over axes; the gradient is shared equally among tied extreme values."""

    def forward(ctx, x, axis=None, keepdims=False, largest=True):
        ctx.axes = _axes(axis, x.ndim)
        if x.size == 0 and (not ctx.axes or builtins.any(x.shape[a] == 0 for a in ctx.axes)):
            raise ValueError(f"{'max' if largest else 'min'} over an empty axis (shape {x.shape}, axis {axis}) "
                             "has no value")
        ctx.keepdims = keepdims
        out = (x.max if largest else x.min)(axis=ctx.axes, keepdims=True)
        ctx.save_for_backward(x, out)
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in ctx.axes])

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        mask = x == out
        count = mask.sum(axis=ctx.axes, keepdims=True).astype(x.dtype)  # an int count would widen float32
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        return ctx.xp.where(mask, g / count, 0)


class LogSumExp(Function):
    def forward(ctx, x, axis=None, keepdims=False):
        xp = ctx.xp
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        m = x.max(axis=ctx.axes, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(x - m).sum(axis=ctx.axes, keepdims=True)) + m
        out = out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in ctx.axes])
        ctx.save_for_backward(x, out)  # the returned array itself, so create_graph can differentiate through it
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        return g * ctx.xp.exp(x - _expand(out, x.shape, ctx.axes, ctx.keepdims))


class Prod(Function):
    differentiable_backward = False

    def forward(ctx, x, axis=None, keepdims=False):
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        ctx.save_for_backward(x)
        return x.prod(axis=ctx.axes, keepdims=keepdims)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        xp = ctx.xp
        if x.size == 0:
            return xp.zeros_like(x)
        axes = ctx.axes
        g = _expand(gy, x.shape, axes, ctx.keepdims)
        # product of all other elements, exact when x has zeros: exclusive cumulative products
        keep = [i for i in range(x.ndim) if i not in axes]
        perm = keep + list(axes)
        moved = x.transpose(perm)
        flat = moved.reshape(moved.shape[:len(keep)] + (-1,))
        ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
        left = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1)
        others = (left * right).reshape(moved.shape).transpose(np.argsort(perm))
        return g * others


def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (None: all axes)."""
    return Sum.apply(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`."""
    if x.dtype.kind != "f":
        x = x.astype(np.float32)
    return Mean.apply(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, ddof=0, keepdims=False):
    """Variance over `axis` with `ddof` delta degrees of freedom (NumPy's default 0)."""
    return Var.apply(x, axis=axis, ddof=ddof, keepdims=keepdims)


def std(x, axis=None, ddof=0, keepdims=False):
    """Standard deviation over `axis` (square root of var; gradient 0 where it is 0)."""
    return Std.apply(x, axis=axis, ddof=ddof, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    """Largest value over `axis`."""
    return Extremum.apply(x, axis=axis, keepdims=keepdims, largest=True)


def min(x, axis=None, keepdims=False):
    """Smallest value over `axis`."""
    return Extremum.apply(x, axis=axis, keepdims=keepdims, largest=False)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed without overflow."""
    return LogSumExp.apply(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over `axis` (gradient exact even with zeros)."""
    return Prod.apply(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (flat index when axis is None), as int64; no gradient."""
    return _arg(x, axis, keepdims, x._device.xp.argmax)


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (flat index when axis is None), as int64; no gradient."""
    return _arg(x, axis, keepdims, x._device.xp.argmin)


def _arg(x, axis, keepdims, fn):
    if x.size == 0:
        raise ValueError(f"argmax/argmin of an empty tensor (shape {x.shape})")
    out = fn(x._data, axis=axis, keepdims=keepdims).astype(np.int64)
    return Tensor._make(out, x._device, None, 0, False)


def any(x, axis=None, keepdims=False):
    """True where any element along `axis` is non-zero (bool tensor)."""
    return Tensor._make(x._data.any(axis=axis, keepdims=keepdims), x._device, None, 0, False)


def all(x, axis=None, keepdims=False):
    """True where every element along `axis` is non-zero (bool tensor)."""
    return Tensor._make(x._data.all(axis=axis, keepdims=keepdims), x._device, None, 0, False)
