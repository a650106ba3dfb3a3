"""The diagonal of a tensor as a view that shares its memory (PyTorch's diagonal), so that writing into it in
place (`cov.diagonal().add_(eps)`, `sim.diagonal().fill_(0)`) changes the tensor, and its gradient."""
from ..function import Function
from ..tensor import Tensor


def diagonal_of(xp, a, offset, d1, d2):
    """The strided view of a's diagonal in the plane (d1, d2) (offset > 0 above the main one), as a last dim;
    writable when `a` is."""
    plane = xp.moveaxis(a, (d1, d2), (-2, -1))
    start = plane[..., :, offset:] if offset >= 0 else plane[..., -offset:, :]
    length = max(0, min(start.shape[-2], start.shape[-1]))
    strides = start.strides[:-2] + (start.strides[-2] + start.strides[-1],)
    return xp.lib.stride_tricks.as_strided(start, start.shape[:-2] + (length,), strides)


def _embedded(xp, g, shape, offset, d1, d2):
    out = xp.zeros(shape, dtype=g.dtype)
    diagonal_of(xp, out, offset, d1, d2)[...] = g
    return out


class Diagonal(Function):
    """input.diagonal(offset, dim1, dim2) with dims already normalised; the output is a view of the input."""

    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.where = x.shape, (offset, d1, d2)
        return diagonal_of(ctx.device.xp, x, offset, d1, d2)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return (DiagonalEmbed.apply(gy, ctx.shape, *ctx.where), None, None, None)
        return (_embedded(ctx.device.xp, gy, ctx.shape, *ctx.where), None, None, None)


class DiagonalEmbed(Function):
    """The gradient of Diagonal (zeros of the input's shape with the gradient on that diagonal), as an op of its
    own so that it can be differentiated again."""

    def forward(ctx, gy, shape, offset, d1, d2):
        ctx.where = (offset, d1, d2)
        return _embedded(ctx.device.xp, gy, shape, offset, d1, d2)

    def backward(ctx, g):
        if isinstance(g, Tensor):
            return (Diagonal.apply(g, *ctx.where), None, None, None, None)
        return (diagonal_of(ctx.device.xp, g, *ctx.where).copy(), None, None, None, None)
