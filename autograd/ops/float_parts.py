"""Ops on the parts of floating-point numbers, with PyTorch's names: frexp (mantissa and exponent), ldexp
(input * 2 ** other) and nextafter (the next representable value toward other)."""
import numpy as np

from .. import complex_forms
from ..bf16_dtype import is_bf16
from ..broadcast import unbroadcast
from ..errors import UnsupportedDtypeError
from ..function import Function
from ..return_types import return_type
from .dims import check_tensor
from .elementwise import _floating, _promote, mul, pow
from .no_grad_op import no_grad_op
from .pointwise import _both_tensors

FrexpResult = return_type("frexp", ["mantissa", "exponent"])


class FrexpMantissa(Function):
    torch_name = "FrexpBackward0"
    def forward(ctx, x):
        mantissa, exponent = ctx.xp.frexp(x)
        with np.errstate(over="ignore"):
            ctx.scale = ctx.xp.exp2(-exponent.astype(x.dtype))   # d mantissa / dx = 2 ** -exponent
        return mantissa

    def backward(ctx, gy):
        return gy * ctx.scale


class Ldexp(Function):
    """x * 2 ** exponent for an integer exponent, exact wherever the result is representable (2 ** exponent
    alone may not be: 1e-300 * 2 ** 1500 is)."""
    number_edges = True   # PyTorch's node lists the integer exponent too, as (None, 0)

    def forward(ctx, x, exponent):
        xp = ctx.xp
        exponent = xp.clip(exponent, -4096, 4096).astype(np.int32)   # beyond, every float over- or underflows
        ctx.shape = x.shape
        with np.errstate(over="ignore"):
            ctx.scale = xp.ldexp(xp.ones((), x.dtype), exponent)     # d out / dx = 2 ** exponent
            return xp.ldexp(x, exponent)

    def backward(ctx, gy):
        return unbroadcast(gy * ctx.scale, ctx.shape), None


class Nextafter(Function):
    half_native = True   # the next value of the half dtype itself: through float32 it would round back to a

    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return ctx.xp.nextafter(a, b)

    def backward(ctx, gy):
        # PyTorch's: the step is treated as the identity in input, and other gets zeros
        sa, sb = ctx.shapes
        need = ctx.needs_input_grad
        return (unbroadcast(gy, sa) if need[0] else None, unbroadcast(gy * 0, sb) if need[1] else None)


def frexp(input):
    """(mantissa, exponent) with input = mantissa * 2 ** exponent and 0.5 <= |mantissa| < 1 (mantissa 0 at 0);
    the exponent is int32 and has no gradient."""
    check_tensor("frexp", input)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise TypeError(f"frexp: expects a floating-point tensor, got {input.dtype}")
    exponent = no_grad_op("frexp", lambda xp, v: xp.frexp(v)[1].astype(np.int32), input)
    return FrexpResult(FrexpMantissa.apply(input), exponent)


def ldexp(input, other):
    """input * 2 ** other, elementwise and broadcasting (a float result; other an integer or float tensor)."""
    check_tensor("ldexp", input)
    check_tensor("ldexp", other, "other")
    if other.dtype == np.bool_:
        raise UnsupportedDtypeError(f"ldexp: \"ldexp_cpu_exp\" not implemented for 'Bool' (a bool exponent of shape "
                                    f"{tuple(other.shape)}), as in PyTorch; convert it first, e.g. other.long()")
    # an integer input takes a float other's dtype (float16 stays float16, as PyTorch's input * 2 ** other)
    x = input.astype(other.dtype) if input.dtype.kind in "iub" and other.dtype.kind not in "iub" else _floating(input)
    if complex_forms.active and x.dtype.kind == "c":   # complex: the product itself (the kernel is for reals)
        return mul(x, pow(2.0, other))
    if other.dtype.kind in "iub":
        return Ldexp.apply(x, other)
    return mul(x, pow(2.0, other))


def nextafter(input, other):
    """The next floating-point value after input in the direction of other, elementwise (both float tensors);
    its gradient is PyTorch's: 1 for input, 0 for other."""
    check_tensor("nextafter", input)
    check_tensor("nextafter", other, "other")
    a, b = _both_tensors("nextafter", input, other)
    if a.dtype.kind != "f" and not is_bf16(a.dtype):
        raise UnsupportedDtypeError(f"nextafter: not implemented for {a.dtype} (shape {tuple(a.shape)}); it takes "
                                    "real floating-point tensors: convert with .float() or .double() (of the real "
                                    "part, x.real, for a complex tensor)")
    return Nextafter.apply(*_promote(a, b, "nextafter"))
