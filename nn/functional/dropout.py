"""Dropout: zero each element with probability p during training, scaling the rest by 1 / (1 - p)."""
from autograd import Function, Tensor


class DropoutOp(Function):
    op_name = "dropout"
    differentiable_backward = False

    def forward(ctx, x, p):
        keep = ctx.device.rand(x.shape, x.dtype) >= p
        mask = keep * x.dtype.type(1.0 / (1.0 - p)) if p < 1 else ctx.xp.zeros(x.shape, x.dtype)
        ctx.save_for_backward(mask)
        return x * mask

    def backward(ctx, gy):
        mask, = ctx.saved_tensors
        return gy * mask, None


def dropout(input, p=0.5, training=True):
    """During training, zero each element independently with probability p (from the device's random
    generator) and scale the others by 1 / (1 - p), so the expected value is unchanged; otherwise, and
    for p = 0, return the input itself."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout: input must be a Tensor, got {type(input).__name__}")
    if not training or p == 0.0:
        return input
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: input must be a float tensor, got {input.dtype} (shape {input.shape})")
    return DropoutOp.apply(input, float(p))
