"""Dropout: zero each element with probability p, scaling the rest by 1 / (1 - p), as one graph node."""
from ..function import Function


def memory_order(x):
    """The axes of array x from outermost to innermost in memory (largest stride first), or None when that is
    x's own order or cannot be told (a broadcast axis): PyTorch lays a dropout mask out as its input
    (empty_like) and draws it in memory order, so a transposed input gets its draws transposed."""
    axes = [d for d in range(x.ndim) if x.shape[d] > 1]
    strides = [abs(x.strides[d]) for d in axes]
    if 0 in strides or strides == sorted(strides, reverse=True):
        return None
    inner = sorted(axes, key=lambda d: -abs(x.strides[d]))
    ones = [d for d in range(x.ndim) if x.shape[d] <= 1]
    return tuple(ones + inner)


def draw_in_memory_order(draw, x):
    """draw(shape), the array of values for x's elements, with the k-th value drawn at x's k-th place in memory."""
    order = memory_order(x)
    if order is None:
        return draw(x.shape)
    values = draw(tuple(x.shape[d] for d in order))
    inverse = sorted(range(x.ndim), key=order.__getitem__)
    return values.transpose(inverse)


class Dropout(Function):
    op_name = "dropout"

    def forward(ctx, x, p):
        # PyTorch's draw: one float64 uniform per element, in x's memory order
        keep = draw_in_memory_order(lambda shape: ctx.device.bernoulli(1.0 - p, shape), x)
        mask = keep * x.dtype.type(1.0 / (1.0 - p)) if p < 1 else ctx.xp.zeros(x.shape, x.dtype)
        ctx.save_for_backward(mask)
        return x * mask

    def backward(ctx, gy):
        mask, = ctx.saved_tensors
        return gy * mask, None   # under create_graph: the same product, recorded, with the mask a constant
