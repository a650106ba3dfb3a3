"""The median of all elements (median() and nanmedian() with no dim) as one node whose gradient PyTorch shares
equally among every element equal to the median (every nan, when the result is nan), as it does for max()."""
import numpy as np

from ..function import Function


class MedianAll(Function):
    """The lower median of every element of x: with skip_nan, of its numbers (nan when there are none); without,
    nan when x holds a nan."""
    torch_name = "MedianBackward0"
    torch_saves_result = True   # as PyTorch's node: changing the result in place makes backward refuse

    def forward(ctx, x, skip_nan):
        xp = ctx.xp
        flat = xp.sort(x.reshape(-1))   # nans sort last
        if x.dtype.kind in "fc":
            numbers = int((~xp.isnan(flat)).sum())
            position = max(numbers - 1, 0) // 2 if skip_nan else (
                (flat.size - 1) // 2 if numbers == flat.size else numbers)
        else:
            position = (flat.size - 1) // 2
        out = flat[position]
        mask = x == out
        if x.dtype.kind in "fc" and bool(xp.isnan(out)):
            mask = xp.isnan(x)
        ctx.mask, ctx.count = mask, mask.sum().astype(x.dtype)
        return xp.asarray(out)

    def backward(ctx, gy):
        # +0 where x is not the median (gy * 0 would be -0 beside a negative gy), as PyTorch's
        return ctx.select(ctx.mask, gy / ctx.count, 0), None
