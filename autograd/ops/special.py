"""Special functions: erf, erfc, erfinv, expm1, exp2, logit and xlogy (PyTorch's torch.special names)."""
import math

import numpy as np

from backends.array_kernels import special as kernels

from ..dtypes import get_default_dtype
from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor
from .elementwise import _floating, _promote, clip, eq, log, log1p, logical_and, logical_not, mul, pow, sub, where
from .rounding import isnan

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.erf(ctx.xp, x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy * (_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfc(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.erfc(ctx.xp, x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy * (-_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfinv(Function):
    def forward(ctx, y):
        out = kernels.erfinv(ctx.xp, y)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * (ctx.xp.exp(out * out) / _TWO_OVER_SQRT_PI)


class Expm1(Function):
    def forward(ctx, x):
        out = ctx.xp.expm1(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        return gy * (ctx.saved_tensors[0] + 1)


def erf(input):
    """The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to input."""
    check_tensor("erf", input)
    return Erf.apply(_floating(input))


def erfc(input):
    """1 - erf(input), accurate where it is tiny (large input)."""
    check_tensor("erfc", input)
    return Erfc.apply(_floating(input))


def erfinv(input):
    """The inverse of erf: defined on [-1, 1] (+-inf at +-1, nan outside)."""
    check_tensor("erfinv", input)
    return Erfinv.apply(_floating(input))


def expm1(input):
    """exp(input) - 1, accurate for small input."""
    check_tensor("expm1", input)
    return Expm1.apply(_floating(input))


def exp2(input):
    """2 ** input."""
    check_tensor("exp2", input)
    return pow(2.0, _floating(input))


def logit(input, eps=None):
    """log(p / (1 - p)); with eps, p is first clamped to [eps, 1 - eps] (gradient 0 outside)."""
    check_tensor("logit", input)
    p = _floating(input)
    if eps is not None:
        if not 0 <= eps <= 0.5:
            raise ValueError(f"logit: eps must be in [0, 0.5], got {eps!r}")
        p = clip(p, eps, 1.0 - eps)
    return sub(log(p), log1p(-p))


def xlogy(input, other):
    """input * log(other), with 0 where input is 0 (unless other is nan), as torch.xlogy."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy: at least one of input and other must be a Tensor")
    x, y = _promote(input, other, "xlogy")
    t = x if isinstance(x, Tensor) else y
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x, dtype=get_default_dtype() if t.dtype.kind != "f" else t.dtype), device=t.device)
    if not isinstance(y, Tensor):
        y = Tensor(np.asarray(y, dtype=get_default_dtype() if t.dtype.kind != "f" else t.dtype), device=t.device)
    x, y = _floating(x), _floating(y)
    x, y = _promote(x, y, "xlogy")
    zero = logical_and(eq(x, 0), logical_not(isnan(y)))
    # other is replaced by 1 where input is 0, so neither the value nor the gradients see log(0) * 0
    return where(zero, 0.0, mul(x, log(where(zero, 1.0, y))))
