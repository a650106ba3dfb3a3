"""Tensor.unfold as PyTorch makes it: the sliding windows along one dim as a strided view that shares the input's
memory (writing into a window changes the input), with a gradient that sums the windows back where they overlap."""
from ..function import Function
from ..tensor import Tensor


def windows_of(xp, a, d, size, step):
    """The strided view of a's windows of `size` elements, `step` apart, along dim d: that dim becomes the window
    count and the window runs along a new last dim; writable when `a` is."""
    count = (a.shape[d] - size) // step + 1
    shape = a.shape[:d] + (count,) + a.shape[d + 1:] + (size,)
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    return xp.lib.stride_tricks.as_strided(a, shape, strides)


def _summed_back(xp, g, shape, d, size, step):
    """Zeros of `shape` with every window of g added back at its place along dim d (overlaps add up)."""
    out = xp.zeros(shape, dtype=g.dtype)
    count = g.shape[d]
    lead = (slice(None),) * d
    if count <= size:   # fewer windows than window positions: add one window at a time
        for w in range(count):
            out[lead + (slice(w * step, w * step + size),)] += xp.moveaxis(g[lead + (w,)], -1, d)
    else:               # add position j of every window at once
        for j in range(size):
            out[lead + (slice(j, j + step * (count - 1) + 1, step),)] += g[..., j]
    return out


class UnfoldWindows(Function):
    """input.unfold(d, size, step) with d normalised and the arguments checked; the output is a view."""
    torch_name = "UnfoldBackward0"
    complex_ready = True   # a view: its backward sums gradient windows back, complex ones alike

    def forward(ctx, x, d, size, step):
        ctx.shape, ctx.where = x.shape, (d, size, step)
        return windows_of(ctx.device.xp, x, d, size, step)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return (FoldWindows.apply(gy, ctx.shape, *ctx.where), None, None, None)
        return (_summed_back(ctx.device.xp, gy, ctx.shape, *ctx.where), None, None, None)


class FoldWindows(Function):
    """The gradient of UnfoldWindows (the windows summed back into the input's shape), as an op of its own so
    that it can be differentiated again."""
    complex_ready = True

    def forward(ctx, gy, shape, d, size, step):
        ctx.where = (d, size, step)
        return _summed_back(ctx.device.xp, gy, shape, d, size, step)

    def backward(ctx, g):
        if isinstance(g, Tensor):
            return (UnfoldWindows.apply(g, *ctx.where), None, None, None, None)
        return (windows_of(ctx.device.xp, g, *ctx.where).copy(), None, None, None, None)
