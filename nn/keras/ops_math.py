"""Elementwise keras.ops math with Keras's names and result dtypes: trigonometry and hyperbolics, logarithms and
powers of 2 and 10, special functions (`erfc`, `erfinv`, `i0`, `sinc`), float-part tests (`signbit`, `isposinf`),
the real-input forms of the complex functions, and the binary float ops (`arctan2`, `hypot`, `logaddexp`,
`fmax`, `fmod`, `nextafter`, `ldexp`, `isclose`, ...). Integer inputs give float32 where Keras's do; gradients
flow wherever Keras's torch backend gives them. Re-exported by keras.ops."""
import numpy as np

import autograd as ag
from autograd import Tensor

from . import ops_dtype_rules as rules
from .ops_args import _float, _pair, _t


def _float_dtype(*tensors):
    """The float dtype Keras gives a float op on these tensors: the widest float among them, else float32."""
    floats = [t.dtype for t in tensors if t.dtype.kind == "f"]
    return max(floats, key=lambda d: d.itemsize) if floats else np.dtype(np.float32)


def _result_dtype(*tensors):
    """The dtype Keras gives a dtype-keeping op: the widest float if any operand is a float, else NumPy's
    promotion of the integers and booleans."""
    if any(t.dtype.kind == "f" for t in tensors):
        return _float_dtype(*tensors)
    return np.result_type(*[t.dtype for t in tensors])


def _tensors(x1, x2):
    """Both operands as Tensors; a Python number beside a Tensor takes the Tensor's dtype kind (no promotion)."""
    a, b = _pair(x1, x2)
    if not isinstance(a, Tensor):
        a = _number_like(a, b)
    if not isinstance(b, Tensor):
        b = _number_like(b, a)
    return a, b


def _number_like(number, other):
    """A Python number as a tensor of the dtype Keras gives it beside `other`: bools stay bool, a float beside
    integers is float32, an int beside bools is int32, and otherwise it takes other's dtype."""
    if isinstance(number, bool):
        return ag.tensor(np.asarray(number))
    if isinstance(number, float) and other.dtype.kind != "f":
        return ag.tensor(np.float32(number))
    return ag.tensor(np.asarray(number, dtype=np.int32 if other.dtype.kind == "b" else other.dtype))


def _floats(x1, x2):
    """Both operands converted to their common float dtype."""
    a, b = _tensors(x1, x2)
    dtype = _float_dtype(a, b)
    return (a if a.dtype == dtype else a.astype(dtype)), (b if b.dtype == dtype else b.astype(dtype))


def _same(x1, x2):
    """Both operands converted to the dtype a dtype-keeping op gives them."""
    a, b = _tensors(x1, x2)
    dtype = _result_dtype(a, b)
    return (a if a.dtype == dtype else a.astype(dtype)), (b if b.dtype == dtype else b.astype(dtype))


def _unary_float(op, name, doc):
    def function(x):
        return op(_float(x))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


# ----- unary functions that always give floats ----------------------------------------------------------------
arccos = _unary_float(ag.acos, "arccos", "The inverse cosine, elementwise (integers give float32).")
arccosh = _unary_float(ag.acosh, "arccosh", "The inverse hyperbolic cosine, elementwise.")
arcsin = _unary_float(ag.asin, "arcsin", "The inverse sine, elementwise.")
arcsinh = _unary_float(ag.asinh, "arcsinh", "The inverse hyperbolic sine, elementwise.")
arctan = _unary_float(ag.atan, "arctan", "The inverse tangent, elementwise.")
arctanh = _unary_float(ag.atanh, "arctanh", "The inverse hyperbolic tangent, elementwise.")
cosh = _unary_float(ag.cosh, "cosh", "The hyperbolic cosine, elementwise.")
sinh = _unary_float(ag.sinh, "sinh", "The hyperbolic sine, elementwise.")
tan = _unary_float(ag.tan, "tan", "The tangent, elementwise.")
erfc = _unary_float(ag.erfc, "erfc", "The complementary error function 1 - erf(x), elementwise.")
erfinv = _unary_float(ag.erfinv, "erfinv", "The inverse error function, elementwise (NaN outside [-1, 1]).")
exp2 = _unary_float(ag.exp2, "exp2", "2 ** x, elementwise.")
log2 = _unary_float(ag.log2, "log2", "The base-2 logarithm, elementwise.")
log10 = _unary_float(ag.log10, "log10", "The base-10 logarithm, elementwise.")


def i0(x):
    """The modified Bessel function of the first kind, order 0, elementwise (float64 for int64, as Keras)."""
    x = _t(x)
    return ag.i0(rules.cast(x, rules.float_keeping_int64(x)))


sinc = _unary_float(ag.sinc, "sinc", "The normalised sinc sin(pi x) / (pi x), with sinc(0) = 1.")
fabs = _unary_float(ag.abs, "fabs", "|x| as floats (integers give float32).")


def cbrt(x):
    """The real cube root, elementwise (negative inputs give negative roots; float64 for int64, as Keras)."""
    x = _t(x)
    x = rules.cast(x, rules.float_keeping_int64(x))
    return ag.sign(x) * ag.abs(x) ** (1.0 / 3.0)


def deg2rad(x):
    """Degrees converted to radians (integers give float32, int64 float64, as Keras)."""
    x = _t(x)
    return rules.cast(x, rules.float_keeping_int64(x)) * (np.pi / 180.0)


def rad2deg(x):
    """Radians converted to degrees (integers give float32, int64 float64, as Keras)."""
    x = _t(x)
    return rules.cast(x, rules.float_keeping_int64(x)) * (180.0 / np.pi)


def trunc(x):
    """x rounded towards zero (integers stay integers)."""
    x = _t(x)
    return x if x.dtype.kind in "iub" else ag.trunc(x)


# ----- float parts and tests -----------------------------------------------------------------------------------
def signbit(x):
    """Whether the sign bit is set (True for negatives and -0.0), elementwise."""
    x = _t(x)
    return ag.signbit(x) if x.dtype.kind == "f" else x < 0


def isposinf(x):
    """Whether each value is +inf (bool)."""
    x = _t(x)
    return ag.isposinf(x) if x.dtype.kind == "f" else ag.zeros(*x.shape, dtype=ag.bool_)


def isneginf(x):
    """Whether each value is -inf (bool)."""
    x = _t(x)
    return ag.isneginf(x) if x.dtype.kind == "f" else ag.zeros(*x.shape, dtype=ag.bool_)


# ----- complex functions --------------------------------------------------------------------------------------------
def real(x):
    """The real part of a complex tensor; a real input itself."""
    return ag.real(_t(x))


def imag(x):
    """The imaginary part of a complex tensor; Keras's torch backend refuses real inputs, and so does this."""
    x = _t(x)
    if x.dtype.kind != "c":
        raise TypeError(f"keras.ops.imag: the input has dtype {x.dtype}, not a complex dtype; a real tensor has no "
                        f"imaginary part (Keras's torch backend refuses it too); use zeros_like(x) if you need zeros")
    return ag.imag(x)


def conj(x):
    """The complex conjugate (a real input itself)."""
    return ag.conj(_t(x))


conjugate = conj


def angle(x):
    """The argument of each value in radians: of a complex value, in (-pi, pi]; of a real one, pi for negatives
    and 0 otherwise (float32 for integers)."""
    x = _t(x)
    return ag.angle(x if x.dtype.kind == "c" else _float(x))


def isreal(x):
    """Whether each value's imaginary part is 0 (True everywhere for real tensors)."""
    return ag.isreal(_t(x))


# ----- binary float ops ---------------------------------------------------------------------------------------------
def _keras_floats(x1, x2):
    """Both operands in Keras's result_type of the two and float (Python numbers count as int32 / floatx()
    tensors, as Keras converts them first; float64 gives float32)."""
    a, b = _pair(x1, x2)
    return rules.both_as(a, b, rules.float_result(a, b))


def arctan2(x1, x2):
    """The angle of the point (x2, x1), elementwise, in [-pi, pi], in Keras's result_type of the two and float."""
    return ag.atan2(*_keras_floats(x1, x2))


def hypot(x1, x2):
    """sqrt(x1 ** 2 + x2 ** 2), elementwise, in Keras's result_type of the two (float32 for 32-bit integers,
    float64 for int64)."""
    a, b = _pair(x1, x2)
    return ag.hypot(*rules.both_as(a, b, rules.float_or_float64(a, b)))


def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), computed stably, in Keras's result_type of the two and float (float16 computed in
    float32, as Keras on the CPU)."""
    a, b = _keras_floats(x1, x2)
    if a.dtype == np.float16:
        return ag.logaddexp(a.float(), b.float()).astype(np.float16)
    return ag.logaddexp(a, b)


def logaddexp2(x1, x2):
    """log2(2 ** x1 + 2 ** x2), computed stably, in Keras's result_type of the two and float."""
    return ag.logaddexp2(*_keras_floats(x1, x2))


def true_divide(x1, x2):
    """x1 / x2 as floats (true division; integers give float32)."""
    a, b = _floats(x1, x2)
    return a / b


def heaviside(x1, x2):
    """The step function: 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0 (no gradient, as PyTorch), in the dtype
    rule of `hypot` (two bools give bool)."""
    a, b = _pair(x1, x2)
    dtype = rules.float_or_float64(a, b)
    a, b = rules.both_as(a, b, np.float32 if dtype == np.bool_ else dtype)
    return rules.cast(ag.heaviside(a, b), dtype)


def nextafter(x1, x2):
    """The next float after x1 towards x2, in Keras's result_type of the two and float. Keras's torch backend
    steps in float64 and casts back, so a float32 input usually comes back unchanged; this follows it."""
    a, b = _pair(x1, x2)
    dtype = rules.float_result(a, b)
    a, b = rules.both_as(a, b, np.float64)
    return ag.nextafter(a, b).astype(dtype)


def ldexp(x1, x2):
    """x1 * 2 ** x2, with x2 an integer tensor, in Keras's result_type of the two and float (float32 for
    float64)."""
    a, b = _tensors(x1, x2)
    if b.dtype.kind not in "iu":
        raise TypeError(f"keras.ops.ldexp: the exponent x2 must have an integer dtype, got {b.dtype}; cast it "
                        f"with keras.ops.cast(x2, 'int32')")
    dtype = rules.float_result(a, b)
    a = _float(a)
    return rules.cast(a * ag.exp2(b.astype(a.dtype)), dtype)


def fmax(x1, x2):
    """The elementwise larger of x1 and x2, ignoring a NaN when the other value is a number, in Keras's result_type
    of the two (Python numbers counting weakly)."""
    a, b = _pair(x1, x2)
    return ag.fmax(*rules.both_as(a, b, rules.promoted(a, b, weak=True)))


def fmin(x1, x2):
    """The elementwise smaller of x1 and x2, ignoring a NaN when the other value is a number, in Keras's result_type
    of the two (Python numbers counting weakly)."""
    a, b = _pair(x1, x2)
    return ag.fmin(*rules.both_as(a, b, rules.promoted(a, b, weak=True)))


def fmod(x1, x2):
    """The remainder of x1 / x2 with the sign of x1 (C's fmod; integers stay integers)."""
    a, b = _same(x1, x2)
    if a.dtype.kind in "iub":
        if bool((b == 0).any()):
            raise ZeroDivisionError(f"keras.ops.fmod: integer division by zero in x2 (dtype {b.dtype}); use float "
                                    f"inputs to get NaN instead")
    return ag.fmod(a, b)


# ----- comparisons ---------------------------------------------------------------------------------------------------
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether |x1 - x2| <= atol + rtol * |x2|, elementwise (bool); NaNs match each other when equal_nan."""
    a, b = _floats(x1, x2)
    return ag.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether isclose holds everywhere, as a 0-d bool tensor."""
    return ag.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def logical_xor(x1, x2):
    """Exactly one of x1, x2 true (non-zero), elementwise (bool)."""
    return (_t(x1) != 0) ^ (_t(x2) != 0)
