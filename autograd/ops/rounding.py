"""Rounding (floor, ceil, round, trunc: gradient zero, as PyTorch's) and value tests (isnan, isinf,
isfinite: bool, no gradient), plus the small composites PyTorch names (rsqrt, square, reciprocal, log2,
log10, clamp) and the one-sided clamps (clamp_min, clamp_max)."""
import math

from ..bf16_dtype import is_bf16
from .. import complex_forms
from ..broadcast import unbroadcast
from ..errors import ArgumentRangeError, ComplexUnsupportedError, UnsupportedDtypeError
from ..function import Function, named
from ..nested_dispatch import nested_dispatch
from .. import autocast_state as autocast, unsigned_limits
from .dims import check_tensor
from .no_grad_op import no_grad_op
from .elementwise import _promote, clip, div, log, mul, sqrt
from .elementwise import _floating, reciprocal as reciprocal_op
from .powers import Rsqrt


class Rounding(Function):
    """A piecewise-constant function: its gradient is zero wherever it is defined."""

    def forward(ctx, x, kind, decimals):
        xp = ctx.xp
        ctx.kind, ctx.decimals = kind, decimals
        if kind == "round":
            return xp.round(x, decimals or 0)
        return getattr(xp, kind)(x)

    def name(self):
        """FloorBackward0, CeilBackward0, TruncBackward0, RoundBackward0 (RoundBackward1 when decimals was passed,
        0 included), as PyTorch names them."""
        return f"{self.kind.capitalize()}Backward{int(self.decimals is not None)}"

    def backward(ctx, gy):
        return ctx.xp.zeros_like(gy), None, None


class ClampBound(Function):
    """max(x, bound) (a lower bound) or min(x, bound), bound a tensor or a number: the gradient goes to x where
    x is kept (ties included) and to the bound where it strictly wins, as PyTorch's; a NaN on either side
    gives NaN."""
    lower = True

    def forward(ctx, x, bound):
        ctx.save_for_backward(x, bound)
        # x first among equals (-0. against a bound of 0. stays -0., as PyTorch's): NumPy keeps its second operand
        return ctx.xp.maximum(bound, x) if ctx.lower else ctx.xp.minimum(bound, x)

    def backward(ctx, gy):
        x, bound = ctx.saved_tensors
        need = ctx.needs_input_grad
        keep, wins = (x >= bound, x < bound) if ctx.lower else (x <= bound, x > bound)
        return (unbroadcast(ctx.select(keep, gy, 0), x.shape) if need[0] else None,
                unbroadcast(ctx.select(wins, gy, 0), bound.shape) if need[1] else None)


class ClampMin(ClampBound):
    lower = True


class ClampMax(ClampBound):
    lower = False


def _rounded(op, x, decimals=None):
    check_tensor(op, x)
    if x.dtype.kind == "c":
        raise ComplexUnsupportedError(f"{op} is not supported for complex inputs (dtype {x.dtype}); round the "
                                      f"parts: ag.complex(x.real.{op}(), x.imag.{op}())")
    if x.dtype.kind == "b":
        raise UnsupportedDtypeError(f"{op}: \"{op}_vml_cpu\" not implemented for 'Bool' (input of shape "
                                    f"{tuple(x.shape)}), as in PyTorch; a mask needs no rounding: convert it first "
                                    f"if you need numbers, x.float().{op}()")
    if x.dtype.kind != "f" and not is_bf16(x.dtype):
        if decimals:   # PyTorch rounds whole numbers to decimal places only in float kernels
            raise UnsupportedDtypeError(f"round: decimals={decimals} is not implemented for {x.dtype} (input of shape "
                                        f"{tuple(x.shape)}), as in PyTorch (\"round_cpu\" not implemented); whole "
                                        f"numbers need no rounding: drop decimals, or convert first, x.double()")
        return x.clone()
    return Rounding.apply(x, op, decimals)


def floor(input):
    """The largest integer value <= each element (gradient 0)."""
    return _rounded("floor", input)


def ceil(input):
    """The smallest integer value >= each element (gradient 0)."""
    return _rounded("ceil", input)


def trunc(input):
    """Each element rounded toward zero (gradient 0)."""
    return _rounded("trunc", input)


def round(input, *, decimals=None):
    """Each element rounded to `decimals` places (None: 0, PyTorch's overload without decimals), halves to even
    (gradient 0)."""
    return _rounded("round", input, decimals)


def _test(op, x, fn):
    check_tensor(op, x)
    return no_grad_op(op, lambda xp, v: fn(xp)(v), x)


def isnan(input):
    """True where an element is NaN."""
    return _test("isnan", input, lambda xp: xp.isnan)


def isinf(input):
    """True where an element is +inf or -inf."""
    return _test("isinf", input, lambda xp: xp.isinf)


def isposinf(input):
    """True where an element is +inf."""
    return _test("isposinf", input, lambda xp: lambda v: v == xp.inf)


def isneginf(input):
    """True where an element is -inf."""
    return _test("isneginf", input, lambda xp: lambda v: v == -xp.inf)


def isfinite(input):
    """True where an element is neither NaN nor infinite."""
    return _test("isfinite", input, lambda xp: xp.isfinite)


@nested_dispatch
def rsqrt(input):
    """1 / sqrt(x)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("rsqrt", rsqrt, input)
    check_tensor("rsqrt", input)
    return Rsqrt.apply(_floating(input))


@nested_dispatch
def square(input):
    """x * x."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("square", square, input)
    check_tensor("square", input)
    unsigned_limits.refuse("pow", input)
    if input.dtype.kind == "b":   # PyTorch squares bools as int64
        input = input.astype("int64")
    return named(mul(input, input), "PowBackward0")


def reciprocal(input):
    """1 / x."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("reciprocal", reciprocal, input)
    return reciprocal_op(input)


def log2(input):
    """Base-2 logarithm."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("log2", log2, input)
    check_tensor("log2", input)
    return named(div(log(input), math.log(2.0)), "Log2Backward0")


def log10(input):
    """Base-10 logarithm."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("log10", log10, input)
    check_tensor("log10", input)
    return named(div(log(input), math.log(10.0)), "Log10Backward0")


@nested_dispatch
def clamp(input, min=None, max=None):
    """Each element limited to [min, max] (either may be None); PyTorch's name for clip."""
    check_tensor("clamp", input)
    if min is None and max is None:
        raise ArgumentRangeError(f"clamp: pass at least one of min and max (got neither, for a tensor of shape "
                                 f"{tuple(input.shape)})")
    return clip(input, min, max)


def _clamp_bound(op, input, bound, cls):
    check_tensor(op, input)
    if complex_forms.active:
        complex_forms.refuse(op, input, bound)
    if bound is None or isinstance(bound, (list, tuple)):
        raise TypeError(f"{op}: the bound must be a number or a Tensor, got {type(bound).__name__}")
    x, bound = _promote(input, bound, op)
    return cls.apply(x, bound)


def clamp_min(input, min):
    """Each element raised to at least `min` (a number or a tensor that broadcasts), as torch.clamp_min."""
    return _clamp_bound("clamp_min", input, min, ClampMin)


def clamp_max(input, max):
    """Each element lowered to at most `max` (a number or a tensor that broadcasts), as torch.clamp_max."""
    return _clamp_bound("clamp_max", input, max, ClampMax)
