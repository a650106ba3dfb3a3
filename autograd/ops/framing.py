"""Cutting a signal into overlapping frames and adding frames back together (overlap-add), as graph ops.

`Frames` reads `count` windows of `size` samples, `hop` apart, from the last axis; `OverlapAdd` sums frames
laid `hop` apart into one signal. Each is linear and the adjoint of the other (frames read the same sample
several times, so the gradient of framing adds those reads up), so each one's backward is the other op.
Both take complex values as they are: the coefficients are all 1.
"""
import numpy as np

from ..function import Function
from ..tensor import Tensor


def _positions(xp, size, hop, count):
    """The (count, size) sample positions of the frames."""
    return xp.asarray(hop * np.arange(count)[:, None] + np.arange(size))


def overlap_add(xp, frames, hop):
    """Frames (..., count, size) summed into (..., (count - 1) * hop + size) samples on a backend array.

    The frame is cut into pieces of `hop` samples: piece j of every frame lands on the hop-long blocks j,
    j + 1, ... of the output, so the whole sum takes ceil(size / hop) vectorised additions."""
    *lead, count, size = frames.shape
    pieces = -(-size // hop)
    blocks = xp.zeros((*lead, count + pieces - 1, hop), dtype=frames.dtype)
    for j in range(pieces):
        piece = frames[..., j * hop:(j + 1) * hop]
        blocks[..., j:j + count, :piece.shape[-1]] += piece
    natural = max((count - 1) * hop + size, 0)
    return blocks.reshape(*lead, (count + pieces - 1) * hop)[..., :natural]


class Frames(Function):
    """x (..., n) -> (..., count, size): frame t holds x[..., t * hop : t * hop + size]."""
    complex_ready = True
    op_name = "frames"

    def forward(ctx, x, size, hop, count):
        ctx.hop, ctx.length = hop, x.shape[-1]
        return ctx.xp.take(x, _positions(ctx.xp, size, hop, count), axis=-1)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            from .shape import pad
            summed = OverlapAdd.apply(gy, ctx.hop)
            widths = ((0, 0),) * (gy.ndim - 2) + ((0, ctx.length - summed.shape[-1]),)
            return pad(summed, widths), None, None, None
        summed = overlap_add(ctx.xp, gy, ctx.hop)
        widths = [(0, 0)] * (gy.ndim - 2) + [(0, ctx.length - summed.shape[-1])]
        return ctx.xp.pad(summed, widths), None, None, None


class OverlapAdd(Function):
    """frames (..., count, size) -> (..., (count - 1) * hop + size): frame t added in at sample t * hop."""
    complex_ready = True
    op_name = "overlap_add"

    def forward(ctx, frames, hop):
        ctx.hop, ctx.count, ctx.size = hop, frames.shape[-2], frames.shape[-1]
        return overlap_add(ctx.xp, frames, hop)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return Frames.apply(gy, ctx.size, ctx.hop, ctx.count), None
        return ctx.xp.take(gy, _positions(ctx.xp, ctx.size, ctx.hop, ctx.count), axis=-1), None
