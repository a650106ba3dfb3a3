"""The one helper every broadcasting gradient goes through."""
from .bf16_dtype import is_half


def unbroadcast(grad, shape):
    """Sum `grad` over the axes that broadcasting added or stretched, so it has `shape` again."""
    gshape = grad.shape
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and gshape[i + extra] != 1)
    if axes:
        grad = sum_axes(grad, axes)
    return grad.reshape(shape)


def sum_axes(grad, axes):
    """grad summed over `axes`; float16 and bfloat16 accumulate in float32 and round once, as PyTorch's sums do,
    so that a gradient summed over a batch (a bias's, under ag.autocast) neither overflows on the way to a total
    that fits nor loses the small terms (bfloat16 keeps 8 bits)."""
    if is_half(grad.dtype):
        return grad.sum(axis=axes, dtype="float32").astype(grad.dtype)
    return grad.sum(axis=axes)
