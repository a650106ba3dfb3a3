"""Trigonometric and hyperbolic functions beyond sin, cos and tanh: tan, their inverses (asin ... atanh, with
NumPy's arc- names as aliases), angle conversion (deg2rad, rad2deg) and the normalised sinc.

Outside an inverse's domain the value is NaN, as in PyTorch; the gradients use PyTorch's formulas, so they
agree with it there too (acosh's is finite below -1, atanh's is finite beyond +-1)."""
import math

from .. import complex_forms
from ..function import Function, named
from .dims import check_tensor
from .elementwise import _floating, mul


class Tan(Function):
    def forward(ctx, x):
        out = ctx.xp.tan(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * (1 + out * out)


class Asin(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsin(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy / ctx.xp.sqrt(1 - x * x)


class Acos(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccos(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return -gy / ctx.xp.sqrt(1 - x * x)


class Atan(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy / (x * x + 1)


class Sinh(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    def backward(ctx, gy):
        return gy * ctx.xp.cosh(ctx.saved_tensors[0])


class Cosh(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    def backward(ctx, gy):
        return gy * ctx.xp.sinh(ctx.saved_tensors[0])


class Asinh(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsinh(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy / ctx.xp.sqrt(x * x + 1)


class Acosh(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccosh(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy / ctx.xp.sqrt(x * x - 1)


class Atanh(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctanh(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy / (1 - x * x)


class Sinc(Function):
    # not xp.sinc: NumPy's stands 1e-20 in for 0, which float16 flushes to 0, giving 0 / 0 = NaN at 0
    def forward(ctx, x):
        zero = x == 0
        y = ctx.select(zero, 1, x) * math.pi
        ctx.save_for_backward(x)
        return ctx.select(zero, 1, ctx.xp.sin(y) / y)

    def backward(ctx, gy):
        xp = ctx.xp
        x = ctx.saved_tensors[0]
        zero = x == 0
        safe = ctx.select(zero, 1, x)
        y = safe * math.pi
        return ctx.select(zero, 0, gy * ((y * xp.cos(y) - xp.sin(y)) / (y * safe)))


def tan(input):
    """Tangent."""
    check_tensor("tan", input)
    return Tan.apply(_floating(input))


def asin(input):
    """Inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1]."""
    check_tensor("asin", input)
    return Asin.apply(_floating(input))


def acos(input):
    """Inverse cosine, in [0, pi]; NaN outside [-1, 1]."""
    check_tensor("acos", input)
    return Acos.apply(_floating(input))


def atan(input):
    """Inverse tangent, in (-pi/2, pi/2)."""
    check_tensor("atan", input)
    return Atan.apply(_floating(input))


def sinh(input):
    """Hyperbolic sine."""
    check_tensor("sinh", input)
    return Sinh.apply(_floating(input))


def cosh(input):
    """Hyperbolic cosine."""
    check_tensor("cosh", input)
    return Cosh.apply(_floating(input))


def asinh(input):
    """Inverse hyperbolic sine."""
    check_tensor("asinh", input)
    return Asinh.apply(_floating(input))


def acosh(input):
    """Inverse hyperbolic cosine, >= 0; NaN below 1."""
    check_tensor("acosh", input)
    return Acosh.apply(_floating(input))


def atanh(input):
    """Inverse hyperbolic tangent; +-inf at +-1, NaN outside [-1, 1]."""
    check_tensor("atanh", input)
    return Atanh.apply(_floating(input))


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def deg2rad(input):
    """Angles in degrees converted to radians."""
    check_tensor("deg2rad", input)
    if complex_forms.active:
        complex_forms.refuse("deg2rad", input)
    return named(mul(_floating(input), math.pi / 180), "Deg2RadBackward0")


def rad2deg(input):
    """Angles in radians converted to degrees."""
    check_tensor("rad2deg", input)
    if complex_forms.active:
        complex_forms.refuse("rad2deg", input)
    return named(mul(_floating(input), 180 / math.pi), "Rad2DegBackward0")


def sinc(input):
    """The normalised sinc, sin(pi * x) / (pi * x), and 1 at 0 (where its gradient is 0)."""
    check_tensor("sinc", input)
    return Sinc.apply(_floating(input))
