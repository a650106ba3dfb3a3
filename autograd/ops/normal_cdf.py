"""The standard normal distribution's CDF and its relatives with torch.special's names: ndtr, its inverse
ndtri, and log_ndtr (accurate far into both tails)."""
import math

import numpy as np

from backends.array_kernels import special as kernels

from ..function import Function, named
from .dims import check_tensor
from .elementwise import _floating, mul
from .special import Erfcx, erfc, kernel_or_op

_SQRT_TWO_PI = math.sqrt(2 * math.pi)
_SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)
_SQRT_HALF = math.sqrt(0.5)


class Ndtri(Function):
    torch_name = "SpecialNdtriBackward0"
    def forward(ctx, p):
        out = kernels.ndtri(ctx.xp, p)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        with np.errstate(over="ignore"):
            return gy * (_SQRT_TWO_PI * ctx.xp.exp(out * out * 0.5))


class LogNdtr(Function):
    torch_name = "SpecialLogNdtrBackward0"
    def forward(ctx, x):
        out = kernels.log_ndtr(ctx.xp, x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        # the normal density over the CDF: exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi) above -1; below, where that
        # difference cancels, the same ratio as sqrt(2 / pi) / erfcx(-x / sqrt 2)
        with np.errstate(over="ignore", invalid="ignore"):
            upper = ctx.xp.exp(-(x * x) * 0.5 - out) / _SQRT_TWO_PI
            lower = _SQRT_TWO_OVER_PI / kernel_or_op(ctx, kernels.erfcx, Erfcx, x * -_SQRT_HALF)
        return gy * ctx.select(x < -1, lower, upper)


def ndtr(input):
    """The standard normal CDF, the area under the Gaussian density from -inf to input (as erfc, so that the
    lower tail keeps its relative precision)."""
    check_tensor("ndtr", input)
    return named(mul(erfc(mul(_floating(input), -_SQRT_HALF)), 0.5), "MulBackward1")


def ndtri(input):
    """The inverse of ndtr: the x with ndtr(x) = input (-inf at 0, inf at 1, nan outside [0, 1])."""
    check_tensor("ndtri", input)
    return Ndtri.apply(_floating(input))


def log_ndtr(input):
    """log(ndtr(input)), accurate where ndtr underflows (large negative input) and where it rounds to 1."""
    check_tensor("log_ndtr", input)
    return LogNdtr.apply(_floating(input))
