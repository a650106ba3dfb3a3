"""The modified Bessel functions of the first kind of orders 0 and 1, plain (i0, i1) and exponentially scaled
(i0e, i1e), with PyTorch's gradients: i0' = i1, i1' = i0 - i1 / x (1/2 at 0), and the scaled forms' own."""
import numpy as np

from backends.array_kernels import bessel as kernels

from ..function import Function
from .dims import check_tensor
from .elementwise import _floating
from .special import kernel_or_op


class I0(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.i0(ctx.xp, x)

    def backward(ctx, gy):
        return gy * kernel_or_op(ctx, kernels.i1, I1, ctx.saved_tensors[0])


class I0e(Function):
    torch_name = "SpecialI0EBackward0"
    def forward(ctx, x):
        out = kernels.i0e(ctx.xp, x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        return gy * (kernel_or_op(ctx, kernels.i1e, I1e, x) - ctx.xp.sign(x) * out)


class I1(Function):
    torch_name = "SpecialI1Backward0"
    def forward(ctx, x):
        out = kernels.i1(ctx.xp, x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = kernel_or_op(ctx, kernels.i0, I0, x) - out / ctx.select(x == 0, 1, x)
        return gy * ctx.select(x == 0, 0.5, slope)


class I1e(Function):
    torch_name = "SpecialI1EBackward0"
    def forward(ctx, x):
        out = kernels.i1e(ctx.xp, x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = kernel_or_op(ctx, kernels.i0e, I0e, x) - out * (ctx.xp.sign(x) + 1 / ctx.select(x == 0, 1, x))
        return gy * ctx.select(x == 0, 0.5, slope)


def i0(input):
    """The modified Bessel function of the first kind of order 0."""
    check_tensor("i0", input)
    return I0.apply(_floating(input))


def i0e(input):
    """exp(-|input|) * i0(input), finite where i0 overflows."""
    check_tensor("i0e", input)
    return I0e.apply(_floating(input))


def i1(input):
    """The modified Bessel function of the first kind of order 1."""
    check_tensor("i1", input)
    return I1.apply(_floating(input))


def i1e(input):
    """exp(-|input|) * i1(input), finite where i1 overflows."""
    check_tensor("i1e", input)
    return I1e.apply(_floating(input))
