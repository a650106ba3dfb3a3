"""Two-argument and value-cleaning elementwise ops with PyTorch's names: atan2, hypot, lerp, logaddexp,
logaddexp2, float_power, copysign, signbit, sgn, positive, frac, remainder, fmod, floor_divide, nan_to_num,
the nan-ignoring fmax / fmin, heaviside, rsub, and the fused addcmul / addcdiv."""
import math

import numpy as np

from ..bf16_dtype import is_bf16
from ..broadcast import unbroadcast
from ..errors import DtypeError, IntegerDivisionError, UnsupportedDtypeError
from .. import complex_forms
from ..function import Function, named
from ..shown_nodes import shown_over
from ..tensor import Tensor
from .deprecated_overloads import scale_first
from .dims import check_tensor
from .elementwise import (_floating, _integral, _promote, abs, add, div, exp, ge, le, logical_or, mul, neg, pow,
                          rounded_div, sub, where)
from .no_grad_op import no_grad_op
from .type_promotion import common_dtype
from .rounding import isinf, isnan, trunc


def _shape(x):
    return getattr(x, "shape", ())


def _both_tensors(op, input, other, floating=False):
    """(input, other) promoted to one dtype, numbers made tensors on the other's device. With `floating` (an op
    whose result is float), an integer tensor beside a number is made float first, so that the number keeps its
    value (PyTorch computes copysign(uint8 tensor, -3) with -3, not with -3 wrapped to 253)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{op}: at least one of input and other must be a Tensor, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    if floating:
        # an integer tensor beside a number or another integer tensor: each goes to float itself, never through
        # a common integer dtype (int64 -3 beside uint8 stays -3); a float tensor beside an integer one promotes
        two_tensors = isinstance(input, Tensor) and isinstance(other, Tensor)
        if not two_tensors or (_integral(input) and _integral(other)):
            input, other = (_floating(v) if isinstance(v, Tensor) else v for v in (input, other))
    a, b = _promote(input, other, op)
    t = a if isinstance(a, Tensor) else b
    a = a if isinstance(a, Tensor) else Tensor(np.asarray(a, dtype=t.dtype), device=t.device)
    b = b if isinstance(b, Tensor) else Tensor(np.asarray(b, dtype=t.dtype), device=t.device)
    return a, b


class Atan2(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        radius2 = a * a + b * b
        at_origin = radius2 == 0   # PyTorch's gradient there is 0 (the angle has no derivative), not nan
        scale = ctx.select(at_origin, 0, gy / ctx.select(at_origin, 1, radius2))
        need = ctx.needs_input_grad
        return (unbroadcast(scale * b, _shape(a)) if need[0] else None,
                unbroadcast(-scale * a, _shape(b)) if need[1] else None)


class Hypot(Function):
    """sqrt(a^2 + b^2) by the library's hypot, which scales first so that squares of large values do not overflow
    (PyTorch's hypot(1e200, 1e200) is 1.4e200, not inf)."""

    def forward(ctx, a, b):
        out = ctx.xp.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, gy):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):   # 0 / 0 at the origin: nan, as PyTorch's
            scale = gy / out
        return (unbroadcast(scale * a, _shape(a)) if need[0] else None,
                unbroadcast(scale * b, _shape(b)) if need[1] else None)


class Logaddexp(Function):
    """log(exp(a) + exp(b)) without overflow; gradient 1 / (1 + exp(b - a)) for a (so 1/2 at a tie, and its own
    derivative there is 1/4, which a max-and-abs composite loses at the kink)."""
    torch_name = "LogaddexpBackward0"

    @staticmethod
    def _exp(xp, v):
        return xp.exp(v)

    #: what the log of the sum is divided by (log 2 for logaddexp2)
    _log_base = 1.0

    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):   # inf - inf: those elements are replaced below
            out = xp.maximum(a, b) + xp.log1p(type(ctx)._exp(xp, -xp.abs(a - b))) * (1 / type(ctx)._log_base)
        # equal infinities: the gap is nan, the sum is that infinity (as PyTorch)
        return ctx.select(xp.isinf(a) & (a == b), a, out)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need, exp = ctx.needs_input_grad, type(ctx)._exp
        return (unbroadcast(gy / (1 + exp(ctx.xp, b - a)), _shape(a)) if need[0] else None,
                unbroadcast(gy / (1 + exp(ctx.xp, a - b)), _shape(b)) if need[1] else None)


class Logaddexp2(Logaddexp):
    """log2(2 ** a + 2 ** b) without overflow."""
    torch_name = "Logaddexp2Backward0"
    _log_base = math.log(2)

    @staticmethod
    def _exp(xp, v):
        return 2.0 ** v   # also a recorded op under create_graph, where xp has no exp2


class Modulo(Function):
    """input - rounded(input / other) * other, rounded by floor (remainder) or toward zero (fmod)."""

    def forward(ctx, a, b, floor):
        xp = ctx.xp
        # checked here, on the arrays, so that a jit replay checks each step's values too
        if a.dtype.kind in "iub" and b.dtype.kind in "iub" and a.size and bool((b == 0).any()):   # (False is 0)
            raise IntegerDivisionError(f"{'remainder' if floor else 'fmod'}: integer division by zero (other has a 0); "
                                    "use a float tensor for nan results")
        ctx.shapes = (_shape(a), _shape(b))
        if a.dtype.kind == "f":
            with np.errstate(divide="ignore", invalid="ignore"):
                ctx.quotient = xp.floor(a / b) if floor else xp.trunc(a / b)
        if not floor:
            return xp.fmod(a, b)
        if a.dtype.kind != "f" and getattr(b, "dtype", a.dtype).kind != "f":
            return xp.remainder(a, b)
        # fmod moved into the divisor's sign, as PyTorch computes it: a zero keeps the dividend's sign (NumPy's
        # remainder gives it the divisor's, and -0. prints differently)
        mod = xp.fmod(a, b)
        return xp.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        return (unbroadcast(gy, ctx.shapes[0]) if need[0] else None,
                unbroadcast(-gy * ctx.quotient, ctx.shapes[1]) if need[1] else None, None)


class Heaviside(Function):
    """A step with no derivative: PyTorch refuses to backpropagate through heaviside, and so does this."""

    def forward(ctx, x, values):
        return ctx.xp.where(x == 0, values, (x > 0).astype(x.dtype)).astype(x.dtype)

    def backward(ctx, gy):
        raise RuntimeError("heaviside: PyTorch defines no derivative for the step function; detach the inputs "
                           "(or use a smooth step such as sigmoid(k * x) where a gradient is needed)")


def atan2(input, other):
    """The angle of the point (other, input), elementwise: arctan(input / other) in the right quadrant."""
    a, b = _both_tensors("atan2", input, other, floating=True)
    return Atan2.apply(*_promote(_floating(a), _floating(b), "atan2"))


def hypot(input, other):
    """sqrt(input ** 2 + other ** 2), elementwise."""
    a, b = _both_tensors("hypot", input, other)
    if complex_forms.active:
        complex_forms.refuse("hypot", a, b)
    return Hypot.apply(*_promote(_floating(a), _floating(b), "hypot"))


class Lerp(Function):
    """input + weight * (end - input) with a tensor weight, by PyTorch's two forms forward and its products
    backward (the weight's gradient gy * (end - input) stays infinite at an infinite end)."""
    torch_name = "LerpBackward1"

    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        diff = b - a
        return ctx.select(ctx.xp.abs(w) < 0.5, a + w * diff, b - diff * (1 - w))

    def backward(ctx, gy):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (unbroadcast(gy * (1 - w), a.shape) if need[0] else None,
                unbroadcast(gy * w, b.shape) if need[1] else None,
                unbroadcast(gy * (b - a), w.shape) if need[2] else None)


def _check_lerp_dtypes(input, end, weight):
    """PyTorch's rules: `end`, and a weight tensor with dims, in the input's dtype (a 0-d weight promotes), and
    a float or complex result."""
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and (other.ndim or name == "end") and other.dtype != input.dtype:
            raise DtypeError(f"lerp(): expected dtype {input.dtype} for `{name}` but got dtype {other.dtype} (input "
                             f"of shape {tuple(input.shape)}, {name} of shape {tuple(other.shape)}), as PyTorch "
                             f"requires; convert it first: {name}.to(input.dtype)")
    if isinstance(weight, complex) and input.dtype.kind != "c":
        raise DtypeError(f"lerp(): a complex weight {weight!r} cannot be converted to {input.dtype}, the dtype of "
                         "the input, as in PyTorch; make the input complex first")
    dtype = common_dtype([input, weight]) if isinstance(weight, Tensor) else input.dtype
    if dtype.kind in "biu":
        raise UnsupportedDtypeError(f"lerp(): not implemented for {dtype} (input of shape {tuple(input.shape)}), as "
                                    "in PyTorch: interpolation needs float or complex values; convert first, e.g. "
                                    "torch.lerp(start.float(), end.float(), weight)")


def lerp(input, end, weight):
    """input + weight * (end - input): linear interpolation, broadcasting (weight a number or a tensor)."""
    check_tensor("lerp", input)
    if complex_forms.active and isinstance(weight, Tensor) and weight.dtype != input.dtype:
        complex_forms.refuse("lerp (a weight tensor of another dtype than the complex input)", input, weight)
    _check_lerp_dtypes(input, end, weight)
    # PyTorch's two forms: from the nearer end, so that weight 1 gives `end` exactly and an infinite input
    # stays infinite (input + w * (end - input) gives inf - inf there)
    if isinstance(weight, Tensor) and isinstance(end, Tensor) and "c" not in (input.dtype.kind, end.dtype.kind,
                                                                               weight.dtype.kind):
        a, b = _promote(input, end, "lerp")
        a, w = _promote(a, weight, "lerp")
        if b.dtype != a.dtype:   # the weight widened the input: end follows
            a, b = _promote(a, b, "lerp")
        return Lerp.apply(a, b, w)
    half = (input.dtype.itemsize == 2 and input.dtype.kind not in "iub" and isinstance(end, Tensor)
            and end.dtype == input.dtype and not isinstance(weight, Tensor))
    if half:   # PyTorch interpolates float16/bfloat16 in float32 and rounds once (a bf16 EMA's lerp_ was 10 ulps off)
        start, stop = input.to(np.float32), end.to(np.float32)
    else:
        start, stop = input, end
    diff = sub(stop, start)
    if isinstance(weight, Tensor):
        out = where(abs(weight) < 0.5, add(start, mul(weight, diff)), sub(stop, mul(diff, 1 - weight)))
    elif -0.5 < weight < 0.5:
        out = add(start, mul(weight, diff))
    else:
        out = sub(stop, mul(diff, 1 - weight))
    if half:
        out = out.to(input.dtype)
    if isinstance(weight, Tensor):
        return shown_over(out, "LerpBackward1", input, end, weight)
    return shown_over(out, "LerpBackward0", input, end)


def logaddexp(input, other):
    """log(exp(input) + exp(other)) without overflow."""
    a, b = _both_tensors("logaddexp", input, other, floating=True)
    a, b = _promote(_floating(a), _floating(b), "logaddexp")
    if complex_forms.active and a.dtype.kind == "c":
        from .complex_extra import logaddexp as complex_logaddexp
        return complex_logaddexp(a, b)
    return Logaddexp.apply(a, b)


def logaddexp2(input, other):
    """log2(2 ** input + 2 ** other) without overflow."""
    a, b = _both_tensors("logaddexp2", input, other, floating=True)
    return Logaddexp2.apply(*_promote(_floating(a), _floating(b), "logaddexp2"))


def float_power(input, exponent):
    """input ** exponent computed in float64 whatever the dtypes (a float64 result, as torch.float_power; the
    gradients come back in each input's own dtype)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power: at least one of input and exponent must be a Tensor, got "
                        f"{type(input).__name__} and {type(exponent).__name__}")

    def double(x):
        if isinstance(x, Tensor):   # complex in complex128 (as PyTorch's)
            return x if x.dtype == np.float64 else x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
        return float(x) if isinstance(x, (int, float, np.number, np.bool_)) else x   # pow converts arrays
    return pow(double(input), double(exponent))


def signbit(input):
    """True where the sign bit is set (negative numbers and -0.0), as a bool tensor."""
    check_tensor("signbit", input)
    return no_grad_op("signbit", lambda xp, v: xp.signbit(v), input)


class SignSource(Function):
    """copysign's result passed through, joining its sign source `other` to the graph with gradient 0 (PyTorch
    gives other.grad zeros rather than None)."""

    def forward(ctx, out, other):
        ctx.other_shape, ctx.other_dtype = other.shape, other.dtype
        return out.copy()

    def backward(ctx, gy):
        # the device's own namespace: under create_graph ctx.xp records ops and has no constant constructors
        return gy, ctx.device.xp.zeros(ctx.other_shape, ctx.other_dtype)


def copysign(input, other):
    """|input| with the sign of other (the sign bit, so -0.0 counts as negative); other's gradient is 0."""
    if complex_forms.active:   # refused under its own name (its signbit would name that op)
        complex_forms.refuse("copysign", input, other)
    a, b = _both_tensors("copysign", input, other, floating=True)
    a = _floating(a)
    flip = signbit(b)
    out = where(flip, neg(abs(a)), abs(a))
    if isinstance(other, Tensor) and other.requires_grad:
        out = SignSource.apply(out, b)
    if isinstance(other, Tensor):
        return shown_over(out, "CopysignBackward0", input, other)
    return shown_over(out, "CopysignBackward1", input)


def sgn(input):
    """The sign of each element (-1, 0 or 1) of a real tensor; z / |z| (0 at 0) of a complex one, as torch.sgn."""
    from .complex_ops import sgn as complex_sgn   # complex_ops registers ops of this floor: import it late
    return complex_sgn(input)


def positive(input):
    """input itself, as torch.positive (a bool tensor is refused, as PyTorch's unary + refuses it)."""
    check_tensor("positive", input)
    if input.dtype == np.bool_:
        raise TypeError("positive: the unary + is not supported on a bool tensor; convert it first (e.g. .int())")
    return input


def frac(input):
    """The fractional part, input - trunc(input) (with input's sign)."""
    check_tensor("frac", input)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise UnsupportedDtypeError(f"frac: expects a float tensor, got {input.dtype}; convert it with .float()")
    return named(sub(input, trunc(input)), "FracBackward0")


def _modulo(op, input, other, floor):
    if complex_forms.active:
        complex_forms.refuse(op, input, other)
    a, b = _both_tensors(op, input, other)
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        raise UnsupportedDtypeError(f"{op}: not implemented for two bool operands (shapes {tuple(a.shape)} and "
                                    f"{tuple(b.shape)}), as in PyTorch (\"{op}_cpu\" not implemented for 'Bool'); "
                                    f"convert them first, e.g. a.long() % b.long()")
    # PyTorch's node: RemainderBackward0 / FmodBackward0 for a number divisor (with the input's edge alone),
    # ...Backward1 for a tensor
    if isinstance(other, Tensor):
        return named(Modulo.apply(a, b, floor), f"{op.capitalize()}Backward1")
    return shown_over(Modulo.apply(a, b, floor), f"{op.capitalize()}Backward0", input)


def remainder(input, other):
    """input modulo other with the sign of other (Python's %), elementwise."""
    return _modulo("remainder", input, other, True)


def fmod(input, other):
    """input modulo other with the sign of input (C's fmod), elementwise."""
    return _modulo("fmod", input, other, False)


def floor_divide(input, other):
    """input / other rounded down (no gradient), as torch.floor_divide."""
    if complex_forms.active:
        complex_forms.refuse("floor_divide", input, other)
    return rounded_div(input, other, "floor", differentiable=False)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """input with nan, +inf and -inf replaced by `nan`, `posinf` and `neginf` (default: the dtype's largest and
    smallest finite values); the gradient passes where the input was finite."""
    check_tensor("nan_to_num", input)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        if input.dtype.kind == "c":   # each part on its own, as PyTorch
            from .complex_ops import complex as make_complex, imag, real
            return make_complex(nan_to_num(real(input), nan, posinf, neginf),
                                nan_to_num(imag(input), nan, posinf, neginf))
        return input.clone()
    info = np.finfo(input.dtype)
    high = float(info.max) if posinf is None else posinf
    low = float(info.min) if neginf is None else neginf
    def constant(value):
        return Tensor(np.asarray(value, dtype=input.dtype), device=input.device)
    positive = no_grad_op("isposinf", lambda xp, v: xp.isposinf(v), input)
    out = where(isnan(input), constant(nan), input)
    return shown_over(where(isinf(input), where(positive, constant(high), constant(low)), out), "NanToNumBackward0",
                      input)


def _nan_ignoring(op, keep, input, other):
    a, b = _both_tensors(op, input, other)
    # input wins where keep(input, other) holds or other is nan (both nan: input, a nan): PyTorch's gradient routing
    return named(where(logical_or(keep(a, b), isnan(b)), a, b), f"{op.capitalize()}Backward0")


def fmax(input, other):
    """The elementwise maximum, ignoring nan: the other value where one is nan (nan only where both are)."""
    return _nan_ignoring("fmax", ge, input, other)


def fmin(input, other):
    """The elementwise minimum, ignoring nan: the other value where one is nan (nan only where both are)."""
    return _nan_ignoring("fmin", le, input, other)


def heaviside(input, values):
    """The step function: 0 where input < 0, 1 where input > 0, and values (a tensor of input's dtype,
    broadcast) where input is 0; no gradient, as in PyTorch."""
    check_tensor("heaviside", input)
    check_tensor("heaviside", values, "values")
    if input.dtype != values.dtype:
        raise DtypeError(f"heaviside: input ({input.dtype}) and values ({values.dtype}) must have the same dtype, "
                         "as PyTorch requires (it raises RuntimeError); convert one, e.g. values.to(input.dtype)")
    return Heaviside.apply(input, values)


def rsub(input, other, *, alpha=1):
    """other - alpha * input: sub with its operands swapped."""
    check_tensor("rsub", input)
    return sub(other, input, alpha=alpha)


def _in_one_dtype(*operands):
    """The operands (Tensors and numbers) with every Tensor in their PyTorch result dtype."""
    common = common_dtype([t for t in operands if isinstance(t, Tensor)])
    return [t.astype(common) if isinstance(t, Tensor) and t._data.dtype != common else t for t in operands]


def _value_first(op, value, tensor1, tensor2, keyword_value):
    """The value of PyTorch's deprecated op(input, value, tensor1, tensor2) (a keyword value beside it is PyTorch's
    TypeError)."""
    if keyword_value != 1:
        raise TypeError(f"{op}() received an invalid combination of arguments - got unrecognized keyword arguments: "
                        "value")
    return scale_first(op, value, (tensor1, tensor2), "Tensor tensor1, Tensor tensor2, *, Number value = 1",
                       "Number value, Tensor tensor1, Tensor tensor2")


def addcmul(input, tensor1, tensor2, _tensor2=None, *, value=1):
    """input + value * tensor1 * tensor2, broadcasting (the three in one dtype first, as PyTorch; its deprecated
    addcmul(input, value, tensor1, tensor2) too)."""
    if _tensor2 is not None:
        return addcmul(input, tensor2, _tensor2, value=_value_first("addcmul", tensor1, tensor2, _tensor2, value))
    check_tensor("addcmul", input)
    input, tensor1, tensor2 = _in_one_dtype(input, tensor1, tensor2)
    product = mul(tensor1, tensor2)
    return shown_over(add(input, product if value == 1 else mul(product, value)), "AddcmulBackward0", input, tensor1,
                      tensor2)


def addcdiv(input, tensor1, tensor2, _tensor2=None, *, value=1):
    """input + value * tensor1 / tensor2, broadcasting (two integer tensors are refused, as in PyTorch; its
    deprecated addcdiv(input, value, tensor1, tensor2) too)."""
    if _tensor2 is not None:
        return addcdiv(input, tensor2, _tensor2, value=_value_first("addcdiv", tensor1, tensor2, _tensor2, value))
    check_tensor("addcdiv", input)
    if all(isinstance(t, Tensor) and t.dtype.kind in "iub" for t in (tensor1, tensor2)):
        raise DtypeError(f"addcdiv: integer division of tensor1 ({tensor1.dtype}) by tensor2 ({tensor2.dtype}) is not "
                         "supported, as in PyTorch (a RuntimeError there); convert them to a float dtype first, "
                         "e.g. tensor1.float()")
    input, tensor1, tensor2 = _in_one_dtype(input, tensor1, tensor2)
    quotient = div(tensor1, tensor2)
    return shown_over(add(input, quotient if value == 1 else mul(quotient, value)), "AddcdivBackward0", input, tensor1,
                      tensor2)
