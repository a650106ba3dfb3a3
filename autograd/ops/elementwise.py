"""Elementwise ops: arithmetic, unary math, comparisons, where."""
import numbers
import warnings

import numpy as np

from .. import complex_forms, type_objects
from ..broadcast import unbroadcast
from ..bf16_dtype import is_bf16, is_half
from ..dtypes import complex_dtype_of, get_default_complex_dtype, get_default_dtype, is_floating, promoted
from ..errors import ArgumentRangeError, DtypeError, IntegerDivisionError, UnsupportedDtypeError, not_a_tensor
from ..function import Function, named
from ..func_levels import dual_nodes
from ..int_fit import fitted
from ..tensor import Tensor
from ..nested_kind import NestedBase, is_nested
from ..nested_dispatch import nested_dispatch
from ..numpy_operands import torch_number
from .torch_layout import torch_order
from .deprecated_overloads import scale_first
from .dims import check_tensor
from .half_scalars import (F16, NUMBERS, HalfOverNumber, HalfOverScalarTensor, HalfTimesNumber, HalfTimesScalarTensor,
                           ScaledSum, rounded_to, scaled)
from .powers import Reciprocal, exact_integer_power, power
from .no_grad_op import no_grad_op


def _shape(x):
    return getattr(x, "shape", ())


class Add(Function):
    half_native = True   # one rounding forward, PyTorch's rounded steps backward (ops/half_scalars.py)
    number_edges = True

    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        out = a + b
        return torch_order(out, a, b) if out.ndim > 3 else out   # PyTorch's layout (torch_layout.py)

    def backward(ctx, gy):
        sa, sb = ctx.shapes
        need = ctx.needs_input_grad
        return (unbroadcast(gy, sa) if need[0] else None, unbroadcast(gy, sb) if need[1] else None)


class Sub(Function):
    half_native = True   # one rounding forward, PyTorch's rounded steps backward (ops/half_scalars.py)
    number_edges = True

    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        out = a - b
        return torch_order(out, a, b) if out.ndim > 3 else out

    def backward(ctx, gy):
        sa, sb = ctx.shapes
        need = ctx.needs_input_grad
        return (unbroadcast(gy, sa) if need[0] else None, unbroadcast(-gy, sb) if need[1] else None)


class Mul(Function):
    half_native = True   # one rounding forward, PyTorch's rounded steps backward (ops/half_scalars.py)
    number_edges = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = a * b
        return torch_order(out, a, b) if out.ndim > 3 else out

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (unbroadcast(gy * b, _shape(a)) if need[0] else None,
                unbroadcast(gy * a, _shape(b)) if need[1] else None)


class Div(Function):
    half_native = True   # one rounding forward, PyTorch's rounded steps backward (ops/half_scalars.py)
    number_edges = True
    torch_saves_result = False   # PyTorch's DivBackward0 keeps self and other: the result may change in place

    def forward(ctx, a, b):
        out = a / b
        if out.ndim > 3:
            out = torch_order(out, a, b)
        # out serves only b's gradient; a too is kept for it, as PyTorch saves it (grad_fn._saved_self)
        need_b = ctx.needs_input_grad[1]
        ctx.save_for_backward(b, out if need_b else None, a if need_b else None)
        ctx.a_shape = _shape(a)
        return out

    def backward(ctx, gy):
        # PyTorch's formulas: gy / b, and -gy * ((a / b) / b), with a / b the output
        b, out, _ = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (unbroadcast(gy / b, ctx.a_shape) if need[0] else None,
                unbroadcast(-gy * (out / b), _shape(b)) if need[1] else None)


class Pow(Function):
    half_native = True   # see ops/powers.py: PyTorch rounds each half-precision step here

    def forward(ctx, a, b):
        if type(b) in (int, float) and hasattr(a, "dtype") and a.dtype.kind not in "biu":
            out = power(ctx.xp, a, b)
        elif type(a) is complex and a != 0 and hasattr(b, "dtype"):
            # 2j ** t: PyTorch's complex power, exp(t * log(2j)) in the result's dtype (NumPy's is exact for
            # whole exponents, where PyTorch's rounds)
            dtype = ctx.xp.result_type(b, a)
            out = ctx.xp.exp(b.astype(dtype) * ctx.xp.log(ctx.xp.asarray(a, dtype=dtype)))
        else:
            out = exact_integer_power(ctx.xp, a, b)
            out = a ** b if out is None else out
        if not hasattr(a, "dtype"):  # a Python number (2 ** t): keep it in out's dtype, so b's gradient is too
            a = ctx.xp.asarray(a, dtype=out.dtype)
        # out serves only the exponent's gradient: unsaved otherwise, as PyTorch, so that x.pow_(2) followed by
        # an in-place change of x (or of a view of it) leaves the graph usable
        # (a tensor exponent: kept always, as PyTorch's PowBackward1/2 keep their result)
        keep_out = ctx.needs_input_grad[1] or not isinstance(b, numbers.Number)
        ctx.save_for_backward(a, b, out if keep_out else None)
        return out

    def backward(ctx, gy):
        # PyTorch's order: gy * (b * a ** (b - 1)) and gy * (out * log(a)), each power by its exact forms
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        xp = ctx.xp
        ga = gb = None
        if need[0]:
            # d(a^b)/da is 0 where b == 0 (PyTorch's rule), not 0 * a^-1, which is nan at a == 0: the third
            # derivative of x ** 2 at 0 goes through x ** 0
            if isinstance(b, numbers.Number):
                ga = gy * scaled(power(xp, a, b - 1), b) if b != 0 else xp.zeros_like(gy)   # +0, as PyTorch
            else:
                ga = ctx.select(b == 0, 0, gy * (b * a ** (b - 1)))
            ga = unbroadcast(ga, _shape(a))
        if need[1]:
            # PyTorch's rule at a == 0: 0 where b >= 0, else out * log(0) = inf * -inf = -inf
            a_zero = a == 0
            upper = a_zero & ((b.real if b.dtype.kind == "c" else b) >= 0)
            logs = ctx.select(a_zero & ~upper, -np.inf, xp.log(ctx.select(a_zero, 1, a)))
            gb = unbroadcast(ctx.select(upper, 0, gy * (out * logs)), _shape(b))
        return ga, gb


class Neg(Function):
    op_name = "neg"

    def forward(ctx, x):
        return -x

    def backward(ctx, gy):
        return -gy


class Clone(Function):
    """A copy, row-major unless `layout` says otherwise: "preserve" keeps the input's axis order in memory (a
    transposed input stays transposed, as PyTorch's clone), a channels-last memory format arranges it so."""
    def forward(ctx, x, layout=None):
        ctx.plain = layout is None
        if layout is None:
            return x.copy()
        if layout == "preserve":   # a broadcast (stride-0) axis: row-major, where NumPy's 'K' would put it innermost
            broadcast = any(st == 0 and n > 1 for st, n in zip(x.strides, x.shape))
            return x.copy() if broadcast else x.copy(order="K")
        return type_objects.arranged(ctx.xp, x, layout)

    def backward(ctx, gy):
        return gy if ctx.plain else (gy, None)


class Exp(Function):
    def forward(ctx, x):
        out = ctx.xp.exp(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        return gy * ctx.saved_tensors[0]


class Log(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    def backward(ctx, gy):
        return gy / ctx.saved_tensors[0]


class Log1p(Function):
    torch_name = "Log1PBackward0"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log1p(x)

    def backward(ctx, gy):
        return gy / (ctx.saved_tensors[0] + 1)


class Sqrt(Function):
    def forward(ctx, x):
        out = ctx.xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        return gy / (2 * ctx.saved_tensors[0])


class Abs(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        sign = ctx.xp.sign(x)
        # PyTorch's sgn(NaN) is 0 (NumPy's is NaN); arrays are checked first, so a NaN-free one costs one pass
        if sign.dtype.kind == "f" and (ctx.xp is not ctx.device.xp or ctx.xp.isnan(sign).any()):
            sign = ctx.select(x != x, 0, sign)
        return gy * sign


class Sin(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    def backward(ctx, gy):
        return gy * ctx.xp.cos(ctx.saved_tensors[0])


class Cos(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    def backward(ctx, gy):
        return -gy * ctx.xp.sin(ctx.saved_tensors[0])


class Tanh(Function):
    def forward(ctx, x):
        out = ctx.xp.tanh(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * (1 - out * out)


class Sign(Function):
    def forward(ctx, x):
        ctx.shape = x.shape
        out = ctx.xp.sign(x)
        if out.dtype.kind in "biu":
            return out
        return ctx.xp.nan_to_num(out, nan=0.0)   # PyTorch's sign of nan is 0 (NumPy's is nan)

    def backward(ctx, gy):
        return ctx.xp.zeros_like(gy)   # PyTorch's zeros: +0 even where gy is negative, NaN or infinite


class Clip(Function):
    torch_name = "ClampBackward1"   # PyTorch's clamp/clip with number bounds

    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        mask = xp.ones(x.shape, dtype=bool)
        if lo is not None:
            mask &= x >= lo
        if hi is not None:
            mask &= x <= hi
        ctx.save_for_backward(mask)
        # not xp.clip: on a tie (-0. against 0.) PyTorch keeps x, and NumPy's maximum/minimum their second operand
        out = x if lo is None else xp.maximum(lo, x)
        return out if hi is None else xp.minimum(hi, out)

    def backward(ctx, gy):
        # select, not multiply: an inf/NaN gradient arriving where the input was clamped must become 0
        return ctx.select(ctx.saved_tensors[0], gy, 0), None, None


class _Extremum(Function):
    """maximum / minimum: the gradient goes to the winner; ties split it in half, as PyTorch does."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.pick(ctx.xp, a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        tie = a == b
        half = gy * 0.5
        need = ctx.needs_input_grad
        # PyTorch's masks: each side loses only where the other beats it, so both take gy where either is NaN
        ga = unbroadcast(ctx.select(tie, half, ctx.select(ctx.beats(b, a), 0, gy)), _shape(a)) if need[0] else None
        gb = unbroadcast(ctx.select(tie, half, ctx.select(ctx.beats(a, b), 0, gy)), _shape(b)) if need[1] else None
        return ga, gb


class Maximum(_Extremum):
    @staticmethod
    def pick(xp, a, b):
        return xp.maximum(b, a)   # a on a tie (-0. against 0.), as PyTorch's; NumPy returns its second operand

    @staticmethod
    def beats(a, b):
        return a > b


class Minimum(_Extremum):
    @staticmethod
    def pick(xp, a, b):
        return xp.minimum(b, a)

    @staticmethod
    def beats(a, b):
        return a < b


class Where(Function):
    def forward(ctx, cond, a, b):
        if cond.dtype != bool:
            cond = cond.astype(bool)
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        out = ctx.select(cond, a, b)
        return torch_order(out, cond, a, b) if out.ndim > 3 else out

    def backward(ctx, gy):
        cond = ctx.saved_tensors[0]
        need = ctx.needs_input_grad
        ga = unbroadcast(ctx.select(cond, gy, 0), ctx.shapes[0]) if need[1] else None
        gb = unbroadcast(ctx.select(cond, 0, gy), ctx.shapes[1]) if need[2] else None
        return None, ga, gb


# ----- the functions users call ------------------------------------------------------------------

def _promote(a, b, op):
    """Make int/bool operands follow the float operand's dtype (Python scalars never widen floats).

    One operand must be a Tensor; the other may be a Tensor, a number or a NumPy array (as PyTorch's
    operators take them), never a list (`op` names the op in the error)."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype is b._data.dtype:
                return a, b
        elif (type(b) is float or type(b) is int) and a._data.dtype.kind == "f" and a._data.dtype is not F16:
            return a, b
    return _promote_slow(a, b, op)


#: ops whose forward-mode derivative only moves the tangents: a constant operand's dtype decides the tangent's
_TANGENT_MOVERS = frozenset(("add", "sub", "where"))
_SINGLE_DOUBLE = (np.dtype(np.float32), np.dtype(np.float64))


def _constant_kept(op, a, b, wide):
    """Whether d + c (float64 d, float32 c without a gradient) runs on c as it is while a dual level is open, so that
    Function.apply notes float32 as the constant's dtype: PyTorch's tangent of d + c is then float32 (the tangent's
    plus the zero tangent's dtype), where a cast copy would make it float64. NumPy gives the same values."""
    if op not in _TANGENT_MOVERS or a.dtype not in _SINGLE_DOUBLE or b.dtype not in _SINGLE_DOUBLE:
        return False
    narrow = b if a.dtype == wide else a
    return narrow.dtype != wide and not narrow.requires_grad and np.result_type(a.dtype, b.dtype) == wide


def _is_cpu_scalar_of_half(a, b):
    """Whether `b` is a 0-d host tensor without a gradient (int or float) beside a float16/bfloat16 tensor `a` whose
    dtype the result keeps: PyTorch's mul and div then compute with b's own value in float32, as with a Python
    number, where converting b to a's dtype first would round it (x * tensor(0.1) differed on a third of x)."""
    half = a._data.dtype
    if not (half is F16 or half.kind == "V") or b._data.ndim != 0 or b._rg or b._device is not a._device:
        return False
    kind = b._data.dtype.kind
    return a._device.host_memory and (kind in "iu" or kind == "f" and a._data.ndim > 0)


def _is_float_scalar_beside_half(a, b):
    """Whether one of a, b is a 0-d host float tensor and the other a dimensioned float16/bfloat16 tensor on the
    same device (asked after `_is_cpu_scalar_of_half`): mul and div then run as one node over both, with the
    roundings PyTorch's kernels and formulas give the 0-d value in each place (half_scalars.py)."""
    s, h = (a, b) if a._data.ndim == 0 else (b, a)
    half = h._data.dtype
    return ((half is F16 or half.kind == "V") and h._data.ndim > 0 and s._data.ndim == 0 and s._data.dtype.kind == "f"
            and s._device is h._device and h._device.host_memory)


class _ScalarBesideHalf:
    """What _promote hands mul and div, with None as the other operand, for `_is_float_scalar_beside_half`: both
    tensors as they are."""
    __slots__ = ("pair",)

    def __init__(self, a, b):
        self.pair = (a, b)


def _promote_slow(a, b, op):
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if not (ta or tb):
        raise not_a_tensor(op, a)
    if is_nested(a) or is_nested(b):   # a dense tensor on the left of a nested one
        raise RuntimeError(f"{op}: a dense tensor cannot take a nested tensor as its right operand; put the "
                           "nested tensor first (nt + dense, nt * dense, nt @ matrix), which broadcasts the dense "
                           "tensor over the nested one's trailing dims")
    for name, value in (("input", a), ("other", b)):
        if value is None or isinstance(value, (list, tuple, str)):
            hint = "wrap it with ag.tensor(...)" if isinstance(value, (list, tuple)) else "pass a Tensor or a number"
            raise TypeError(f"{op}: {name} must be a Tensor or a number, got {type(value).__name__}; {hint}")
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if op == "mul" or op == "div":
            if _is_cpu_scalar_of_half(a, b):
                return a, b._data.item()   # PyTorch's kernel reads a 0-d CPU tensor's value unrounded, as a number's
            if da is not db and _is_float_scalar_beside_half(a, b):
                return _ScalarBesideHalf(a, b), None
        if op == "sub" and np.bool_ in (da, db):
            raise _bool_subtraction()
        if da is not db and da != db:
            if da.kind == "c" or db.kind == "c":
                if da.kind == "u" or db.kind == "u":
                    promoted(da, db)   # uint16/32/64 with complex: refused, as in PyTorch
                return _complex_pair(a, b)
            fa, fb = is_floating(da), is_floating(db)
            if fa and not fb:
                b = b.astype(da)
            elif fb and not fa:
                a = a.astype(db)
            elif fa == fb:   # same category: a 0-d tensor beside a dimensioned one takes its dtype (PyTorch)
                wide = da if (b.ndim == 0 < a.ndim) else db if (a.ndim == 0 < b.ndim) else promoted(da, db)
                if dual_nodes and _constant_kept(op, a, b, wide):
                    pass   # under forward AD: the operand keeps its dtype, which PyTorch's tangent promotes with
                elif fa or wide.kind in "iu":   # the converted float keeps its gradient's dtype (cast in the graph)
                    a, b = a.astype(wide), b.astype(wide)
        return a, b
    t, other = (a, b) if ta else (b, a)
    if isinstance(other, np.generic):
        other = torch_number(other)  # NumPy scalars act as Python numbers: t / np.sqrt(d) must not widen float32
    elif isinstance(other, (int, float)) and type(other) not in (int, float, bool):
        other = float(other) if isinstance(other, float) else int(other)   # subclasses (t.size) act as numbers
    if isinstance(other, (int, float, bool)):
        if type(other) not in (int, float, bool):   # a subclass (e.g. t.size) would act as a NumPy scalar
            other = int(other) if isinstance(other, int) else float(other)
        if op == "sub" and (type(other) is bool or t._data.dtype == np.bool_):
            raise _bool_subtraction()   # PyTorch refuses a bool on either side of `-`, a number or a tensor
        if isinstance(other, float) and not is_floating(t._data.dtype):
            t = t.astype(get_default_dtype())
        elif type(other) is int and t._data.dtype == np.bool_:
            t = t.astype(np.int64)   # bool with an int: int64, as PyTorch (NumPy would give int8)
        elif type(other) is int and t._data.dtype.kind in "iu" and op != "div":
            other = _wrapped(other, t._data.dtype)
        elif op != "mul" and op != "div" and is_half(t._data.dtype):
            other = rounded_to(other, t._data.dtype)   # PyTorch rounds the number to the half dtype (half_scalars.py)
    elif isinstance(other, complex):   # a Python complex: the tensor turns complex, the number keeps its precision
        kind = t._data.dtype.kind
        if op == "sub" and kind == "b":
            raise _bool_subtraction()
        if kind != "c":
            t = t.astype(complex_dtype_of(t._data.dtype) if kind == "f" else get_default_complex_dtype())
    elif isinstance(other, np.ndarray) and other.dtype.kind in "biuf" and t._data.dtype.kind in "biuf":
        # never a weak operand, even 0-d: PyTorch hands `t + array` to NumPy, whose promotion decides the dtype
        # (float32 + np.array(1.0) is float64; an integer quotient is float64)
        wide = np.result_type(t._data.dtype, other.dtype)
        if op == "div" and wide.kind in "biu":
            wide = np.dtype(np.float64)
        t = t if t._data.dtype == wide else t.astype(wide)
        other = Tensor(other.astype(wide, copy=False), device=t._device)
        return _promote(t, other, op) if ta else _promote(other, t, op)
    elif not isinstance(other, Tensor):
        other = Tensor(other, device=t._device)
        return _promote(t, other, op) if ta else _promote(other, t, op)
    return (t, other) if ta else (other, t)


def _bool_subtraction():
    return RuntimeError("sub: subtraction, the `-` operator, with a bool tensor is not supported, as in PyTorch; to "
                        "invert a mask use `~` or logical_not(), for where two masks differ `a ^ b` (logical_xor), "
                        "or convert it with .long()")


def _wrapped(n, dtype):
    """The Python int n as the integer dtype holds it: wrapped around as PyTorch converts it (uint8 + -1 adds 255,
    int8 * 200 multiplies by -56), where NumPy 2 refuses a number out of the dtype's range."""
    info = np.iinfo(dtype)
    if info.min <= n <= info.max:
        return n
    return int(np.array(n % (1 << (8 * dtype.itemsize)), dtype=np.uint64).astype(dtype))


def _complex_pair(a, b):
    """Two tensors, one complex, in their common dtype by PyTorch's rules: a float beside a complex widens
    it to the float's precision (float64 with complex64 gives complex128), except that a 0-d tensor of a
    lower category leaves a dimensioned one's dtype alone."""
    da, db = a._data.dtype, b._data.dtype
    low, high = (a, b) if db.kind == "c" and da.kind != "c" else (b, a)
    if low._data.dtype.kind == "c":   # both complex
        wide = da if (b.ndim == 0 < a.ndim) else db if (a.ndim == 0 < b.ndim) else np.promote_types(da, db)
    elif low._data.dtype.kind == "f" and not (low.ndim == 0 < high.ndim):
        # a 0-d complex beside a dimensioned float takes the float's precision; otherwise the wider one
        wide = low._data.dtype if high.ndim == 0 < low.ndim else np.promote_types(high._data.dtype, low._data.dtype)
        wide = complex_dtype_of(wide)
    else:
        wide = high._data.dtype
    return (a if da == wide else a.astype(wide)), (b if db == wide else b.astype(wide))


def _floating(x):
    """x itself when it holds floats; integer and bool tensors in the default float dtype (float32 unless
    set_default_dtype changed it), the dtype PyTorch's float-valued ops (exp, log, sin, ...) give them."""
    kind = x._data.dtype.kind
    return x if kind == "f" or kind == "c" or is_bf16(x._data.dtype) else x.astype(get_default_dtype())


def _nested_binary(func, input, other, kwargs):
    """func(input, other) handed to whichever operand is a nested tensor (a dense one on the left broadcasts
    over it, as in PyTorch). add/sub/mul/div test for one inline instead of through @nested_dispatch: they are the
    operators' path, where its wrapper's frame would cost every `a + b`, and they read their arguments first
    (add/sub's deprecated alpha-first form, an alpha of 1 left out, div's rounding_mode not handed over)."""
    return (input if is_nested(input) else other).nested_call(func, (input, other), kwargs)


def add(input, other, _other=None, *, alpha=1):
    """input + alpha * other, broadcasting (PyTorch's deprecated add(input, alpha, other) too)."""
    if _other is not None:
        return add(input, _other, alpha=_alpha_first("add", other, _other, alpha))
    if isinstance(input, NestedBase) or isinstance(other, NestedBase):   # (is_nested's test, inlined: hot path)
        return _nested_binary(add, input, other, {} if alpha == 1 else {"alpha": alpha})
    if alpha != 1:
        return _scaled_sum(input, other, alpha, "add")
    return Add.apply(*_promote(input, other, "add"))


def sub(input, other, _other=None, *, alpha=1):
    """input - alpha * other, broadcasting (PyTorch's deprecated sub(input, alpha, other) too)."""
    if _other is not None:
        return sub(input, _other, alpha=_alpha_first("sub", other, _other, alpha))
    if isinstance(input, NestedBase) or isinstance(other, NestedBase):   # (is_nested's test, inlined: hot path)
        return _nested_binary(sub, input, other, {} if alpha == 1 else {"alpha": alpha})
    if alpha != 1:
        return _scaled_sum(input, other, alpha, "sub")
    a, b = _promote(input, other, "sub")
    if isinstance(a, Tensor) and a._data.dtype == np.bool_:   # two masks: _promote's fast path leaves them alone
        raise _bool_subtraction()
    return Sub.apply(a, b)


def _alpha_first(op, alpha, other, keyword_alpha):
    """The alpha of PyTorch's deprecated op(input, alpha, other) (a keyword alpha beside it is PyTorch's TypeError)."""
    if keyword_alpha != 1:
        raise TypeError(f"{op}() received an invalid combination of arguments - got unrecognized keyword arguments: "
                        "alpha")
    return scale_first(op, alpha, (other,), "Tensor other, *, Number alpha = 1", "Number alpha, Tensor other")


def _scaled_sum(input, other, alpha, op):
    """input + alpha * other (alpha negated for sub) rounded once, as PyTorch's kernel fuses it, for two
    floating tensors and a real alpha; other operands take a product and a sum."""
    a, b = _promote(input, other, op)
    sign = 1 if op == "add" else -1
    _check_alpha(a, b, alpha, op)
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        # a number as `other` is PyTorch's wrapped 0-d tensor of input's dtype; two numbers have no product op
        b = Tensor(np.asarray(b, dtype=a._data.dtype), device=a._device)
    dtype = a._data.dtype if isinstance(a, Tensor) else None
    if isinstance(b, Tensor) and type(alpha) in NUMBERS and dtype is not None and (dtype.kind == "f" or is_half(dtype)):
        scale = rounded_to(alpha, dtype) if is_half(dtype) else alpha   # PyTorch rounds alpha to a half dtype
        out = ScaledSum.apply(a, b, sign * scale, sign * alpha)
        return out if op == "add" else named(out, "SubBackward0")
    other = mul(b, bool(alpha) if b.dtype == np.bool_ else alpha)
    return (Add if op == "add" else Sub).apply(*_promote(a, other, op))


def _check_alpha(a, b, alpha, op):
    """PyTorch's refusals of an alpha that the result's dtype cannot hold."""
    dtype = next((t._data.dtype for t in (a, b) if isinstance(t, Tensor)), None)
    if dtype is None:
        return
    if isinstance(alpha, complex) and dtype.kind != "c":
        raise RuntimeError(f"{op}: alpha={alpha} is complex but the inputs are {dtype}; for non-complex input tensors "
                           "alpha must not be a complex number (pass a real alpha or complex inputs)")
    if isinstance(alpha, float) and dtype.kind in "iub":
        raise RuntimeError(f"{op}: alpha={alpha} is a float but the inputs are {dtype}; for integral input tensors "
                           "alpha must not be a floating point number (pass an int alpha or convert the inputs with "
                           ".float())")


def mul(input, other):
    """input * other, broadcasting."""
    if isinstance(input, NestedBase) or isinstance(other, NestedBase):   # (is_nested's test, inlined: hot path)
        return _nested_binary(mul, input, other, {})
    a, b = _promote(input, other, "mul")
    # a half-precision tensor times a number: in float32 (half_scalars.py); bfloat16's dtype kind is "V"
    if b.__class__ in NUMBERS and (a._data.dtype is F16 or a._data.dtype.kind == "V"):
        return HalfTimesNumber.apply(a, b)
    if a.__class__ in NUMBERS and (b._data.dtype is F16 or b._data.dtype.kind == "V"):
        return HalfTimesNumber.apply(b, a)
    if b is None:   # a 0-d float tensor beside a half one (_ScalarBesideHalf)
        return HalfTimesScalarTensor.apply(*a.pair)
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):
    """input / other (true division), broadcasting; rounding_mode 'trunc' or 'floor' rounds the quotient (no
    gradient through the rounding, as in PyTorch's floor division)."""
    if (isinstance(input, NestedBase) or isinstance(other, NestedBase)) and rounding_mode is None:
        return _nested_binary(div, input, other, {})
    if rounding_mode is not None:
        return rounded_div(input, other, rounding_mode)
    a, b = _promote(input, other, "div")
    if b is None:   # a 0-d float tensor beside a half one (_ScalarBesideHalf)
        return HalfOverScalarTensor.apply(*a.pair)
    if _integral(a) and _integral(b):   # true division of integers gives the default float, as in PyTorch
        if isinstance(a, Tensor):
            a = a.astype(get_default_dtype())
        if isinstance(b, Tensor):
            b = b.astype(get_default_dtype())
    if b.__class__ in NUMBERS and (a._data.dtype is F16 or a._data.dtype.kind == "V"):   # see mul
        return HalfOverNumber.apply(a, b)
    return Div.apply(a, b)


def rdiv(a, b):
    """b / a for a tensor a and a number or array b, as PyTorch's `b / a`: a's reciprocal times b (so
    `0.1 / x` rounds as PyTorch's does; a tensor b takes plain division)."""
    if isinstance(b, Tensor):
        return div(b, a)
    return mul(reciprocal(a), b)


def reciprocal(input):
    """1 / x (integer and bool tensors in the default float dtype)."""
    check_tensor("reciprocal", input)
    if _integral(input):
        input = input.astype(get_default_dtype())
    return Reciprocal.apply(input)


def _integral(x):
    """True for an int/bool tensor or a Python int (a float or complex one is not)."""
    return not is_floating(x._data.dtype) if isinstance(x, Tensor) else isinstance(x, int)


@nested_dispatch
def pow(input, exponent):
    """input ** exponent, broadcasting."""
    if getattr(exponent, "dtype", None) == np.bool_ and isinstance(exponent, Tensor) and (
            type(input) is bool or getattr(input, "dtype", None) == np.bool_):
        raise UnsupportedDtypeError(f"pow: \"pow\" not implemented for 'Bool' (a bool base raised to a bool tensor "
                                    f"of shape {tuple(exponent.shape)}), as in PyTorch; convert first, e.g. "
                                    f"a.long() ** b.long()")
    if (isinstance(exponent, numbers.Integral) and not isinstance(exponent, (bool, np.bool_)) and exponent < 0
            and isinstance(input, Tensor) and input._data.dtype.kind in "iub"):
        # refused as PyTorch refuses it (a uint8 base took -3 as 253 and gave x ** 253 wrapped)
        raise ArgumentRangeError(f"pow: Integers to negative integer powers are not allowed ({input.dtype} base of "
                                 f"shape {tuple(input.shape)}, exponent {exponent}), as in PyTorch; convert the base "
                                 "with .float() first")
    out = Pow.apply(*_promote(input, exponent, "pow"))
    if isinstance(exponent, Tensor):   # PyTorch's node for a tensor exponent, and for a number raised to one
        return named(out, "PowBackward1" if isinstance(input, Tensor) else "PowBackward2")
    return out


@nested_dispatch
def neg(x):
    """-x (refused for a bool tensor, as in PyTorch)."""
    check_tensor("neg", x)
    if x._data.dtype == np.bool_:
        raise RuntimeError(f"neg: negation, the `-` operator, on a bool tensor (shape {tuple(x.shape)}) is not "
                           "supported, as in PyTorch; to invert a mask use `~mask` or mask.logical_not(), or "
                           "convert it first: -mask.long()")
    return Neg.apply(x)


@nested_dispatch
def exp(x):
    """e ** x."""
    check_tensor("exp", x)
    return Exp.apply(_floating(x))


@nested_dispatch
def log(x):
    """Natural logarithm."""
    check_tensor("log", x)
    return Log.apply(_floating(x))


@nested_dispatch
def log1p(x):
    """log(1 + x), accurate for small x."""
    check_tensor("log1p", x)
    return Log1p.apply(_floating(x))


@nested_dispatch
def sqrt(x):
    """Square root."""
    check_tensor("sqrt", x)
    return Sqrt.apply(_floating(x))


@nested_dispatch
def abs(x):
    """Absolute value (gradient sign(x), 0 at 0)."""
    check_tensor("abs", x)
    if x.dtype == np.bool_:
        raise UnsupportedDtypeError(f"abs(): not implemented for bool tensors (shape {tuple(x.shape)}), as in "
                                    "PyTorch; a bool is never negative, so use x itself, or x.long().abs() for "
                                    "integers")
    return Abs.apply(x)


@nested_dispatch
def sin(x):
    """Sine."""
    check_tensor("sin", x)
    return Sin.apply(_floating(x))


@nested_dispatch
def cos(x):
    """Cosine."""
    check_tensor("cos", x)
    return Cos.apply(_floating(x))


@nested_dispatch
def tanh(x):
    """Hyperbolic tangent."""
    check_tensor("tanh", x)
    return Tanh.apply(_floating(x))


def sign(x):
    """-1, 0 or 1 by the sign of x (zero gradient)."""
    check_tensor("sign", x)
    if x._data.dtype == np.bool_:   # the sign of a bool is itself, as in PyTorch
        return no_grad_op("sign", lambda xp, v: v.copy(), x)
    return Sign.apply(x)


def clip(input, min=None, max=None, *, a_min=None, a_max=None):
    """input limited to [min, max] (either may be None; NumPy's a_min/a_max accepted); gradient 1 inside
    the range, 0 outside."""
    check_tensor("clip", input)
    low = min if a_min is None else a_min
    high = max if a_max is None else a_max
    if complex_forms.active:   # complex numbers have no order: refused, as PyTorch does, not cast to real
        complex_forms.refuse("clamp", input, *(b for b in (low, high) if isinstance(b, Tensor)))
    if isinstance(low, Tensor) or isinstance(high, Tensor):
        # tensor bounds: PyTorch's result dtype, and gradients to the bounds where they win
        out = input
        if low is not None:
            out, low = _promote(out, low, "clamp")
        if high is not None:
            out, high = _promote(out, high, "clamp")
            if low is not None and low.dtype != out.dtype:   # high widened the input: low follows
                out, low = _promote(out, low, "clamp")
        return ClipTensor.apply(out, low, high)
    low, high = (b.item() if isinstance(b, np.generic) else b for b in (low, high))   # NumPy scalars act as numbers
    integral = input._data.dtype.kind != "f" and not is_bf16(input._data.dtype)
    if integral and any(isinstance(b, float) for b in (low, high)):
        input = input.astype(get_default_dtype())   # a float bound makes an integer result float, as in PyTorch
    elif integral and input._data.dtype.kind in "iu":   # int bounds in the tensor's dtype (-1 for uint8 is 255)
        low, high = (fitted(b, input._data.dtype, "clamp") if type(b) is int else b for b in (low, high))
    return Clip.apply(input, low, high)


class ClipTensor(Function):
    """x limited to tensor bounds (either may be None), NaN in any of them giving NaN; gradients by PyTorch's
    masks, so a NaN input passes its gradient to none of them."""
    torch_name = "ClampBackward0"

    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_for_backward(x, lo, hi)
        ctx.shapes = (x.shape, _shape(lo), _shape(hi))
        out = x if lo is None else xp.maximum(lo, x)   # x kept on a tie, as PyTorch's (see Clip)
        return out if hi is None else xp.minimum(hi, out)

    def backward(ctx, gy):
        x, lo, hi = ctx.saved_tensors
        need = ctx.needs_input_grad
        inside = (x >= lo if lo is not None else None)
        if hi is not None:
            inside = x <= hi if inside is None else inside & (x <= hi)
        gx = unbroadcast(ctx.select(inside, gy, 0), ctx.shapes[0]) if need[0] else None
        glo = ghi = None
        if need[1]:
            below = x < lo if hi is None else (x < lo) & (lo < hi)
            glo = unbroadcast(ctx.select(below, gy, 0), ctx.shapes[1])
        if need[2]:
            above = x > hi if lo is None else (x > hi) | (hi < lo)
            ghi = unbroadcast(ctx.select(above, gy, 0), ctx.shapes[2])
        return gx, glo, ghi


class RoundedDiv(Function):
    """a / b rounded down ('floor') or toward zero ('trunc'): piecewise constant, so its gradients are zeros, as
    PyTorch's DivBackward2 gives them."""
    torch_name = "DivBackward2"

    def forward(ctx, x, y, mode):
        ctx.shapes = (x.shape, getattr(y, "shape", ()))
        return _float_quotient(ctx.xp, x, y, mode)

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        zero = ctx.xp.zeros_like(gy)
        return (unbroadcast(zero, ctx.shapes[0]) if need[0] else None,
                unbroadcast(zero, ctx.shapes[1]) if need[1] else None, None)


def rounded_div(a, b, mode, differentiable=True):
    """a / b rounded by `mode`; with `differentiable` a float result of inputs that require grad takes part in the
    graph with zero gradients (torch.div's rounding modes), without it never (torch.floor_divide and //, whose
    derivative PyTorch leaves unimplemented)."""
    if mode not in ("trunc", "floor"):
        raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {mode!r}")
    a, b = _promote(a, b, "div")
    if b is None:   # _ScalarBesideHalf: as without a gradient: the 0-d value unrounded second, rounded first
        a, b = a.pair
        a, b = (a.astype(b._data.dtype), b) if a.ndim == 0 else (a, b._data.item())
    t = a if isinstance(a, Tensor) else b
    if all(getattr(v, "dtype", None) == np.bool_ or type(v) is bool for v in (a, b)):
        raise UnsupportedDtypeError(f"div: rounding_mode={mode!r} (// and floor_divide) is not implemented for bool "
                                    f"operands (shape {tuple(t.shape)}), as in PyTorch (\"div_{mode}_cpu\" not "
                                    f"implemented for 'Bool'); convert them first, e.g. a.long() // b.long()")
    integral = t.dtype.kind in "iub" and (not isinstance(b, Tensor) or b.dtype.kind in "iub")
    if differentiable and not integral and any(isinstance(v, Tensor) and v.requires_grad for v in (a, b)):
        a = a if isinstance(a, Tensor) else Tensor(np.asarray(a, dtype=t.dtype), device=t.device)
        return RoundedDiv.apply(a, b, mode)
    if integral and t.dtype.kind in "iu":   # a Python int in the tensor's dtype, wrapped (uint8 // -3 is // 253)
        a, b = (_wrapped(v, t._data.dtype) if type(v) is int else v for v in (a, b))

    def compute(xp, x, y):
        # checked on the arrays, so that a jit replay checks each step's values too; NumPy gives 0 with a warning
        if integral and t.dtype.kind in "iu" and xp.asarray(x).size and bool((xp.asarray(y) == 0).any()):
            raise IntegerDivisionError(f"div: integer division by zero (the divisor has a 0, rounding_mode={mode!r}); "
                                       "divide float tensors for inf and nan results")
        if integral:
            return xp.floor_divide(x, y) if mode == "floor" else xp.trunc(xp.true_divide(x, y)).astype(t.dtype)
        return _float_quotient(xp, x, y, mode)
    return no_grad_op("div", compute, a, b, rounding_mode=mode)


def _float_quotient(xp, x, y, mode):
    """x / y of floats rounded by `mode`: 'floor' is Python's floor division, as PyTorch's (1.0 // 0.1 is 9, not
    floor(10.0)); inf and nan from a zero divisor come silently, as in PyTorch."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "floor":
            return xp.floor_divide(x, y)
        return xp.trunc(xp.true_divide(x, y))


@nested_dispatch
def maximum(input, other):
    """Elementwise maximum, broadcasting."""
    return Maximum.apply(*_promote(input, other, "maximum"))


@nested_dispatch
def minimum(input, other):
    """Elementwise minimum, broadcasting."""
    return Minimum.apply(*_promote(input, other, "minimum"))


def clone(input, *, memory_format=None):
    """A copy of input's values that stays in the graph (its gradient flows back to input), laid out as input is
    (PyTorch's preserve_format) or as `memory_format` (ag.contiguous_format, ag.channels_last, ...)."""
    check_tensor("clone", input)
    if input.is_sparse or input.is_sparse_csr:   # their own clone, which has no layout to keep
        return Clone.apply(input)
    if memory_format is None or memory_format is type_objects.preserve_format:
        return Clone.apply(input, "preserve")
    type_objects.check_format("clone", memory_format, input.shape)
    return Clone.apply(input) if memory_format.order is None else Clone.apply(input, memory_format)


@nested_dispatch(operands=3)
def where(condition, input=None, other=None):
    """input where condition is true, else other (broadcasting; gradients flow to the chosen side); where(condition)
    alone is condition.nonzero(as_tuple=True), the indices of its True elements, as in PyTorch."""
    a, b = input, other
    if a is None and b is None and isinstance(condition, Tensor):
        return condition.nonzero(as_tuple=True)
    if a is None or b is None:
        raise TypeError("where: takes where(condition) or where(condition, input, other); got one of input and "
                        "other without the other")
    cond = condition._data if isinstance(condition, Tensor) else condition
    if isinstance(condition, Tensor) and cond.dtype.kind != "b":
        _check_condition_dtype(condition)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor) and isinstance(condition, Tensor):
        a = Tensor(a, device=condition._device)   # where(mask, 1.0, 0.0): two numbers, as PyTorch allows
    a, b = _promote(a, b, "where")
    if not isinstance(a, Tensor):
        a = Tensor(a, device=b.device, dtype=b.dtype if isinstance(a, (int, float)) else None)
    elif isinstance(b, (int, float)):   # a tensor, as PyTorch wraps the number: next_functions lists it (None)
        b = Tensor._make(a._device.xp.asarray(b, dtype=a._data.dtype), a._device, None, 0, False)
    elif not isinstance(b, Tensor):
        b = Tensor(b, device=a.device)
    cond = a._device.asarray(cond)      # a host array or list onto the op's device (no copy if there)
    return Where.apply(Tensor._make(cond, a._device, None, 0, False), a, b)


def _check_condition_dtype(condition):
    """where's condition must be bool, as PyTorch's: a float or int mask would select by 'nonzero' and hide a
    mask built the wrong way (uint8 still passes with PyTorch's deprecation warning)."""
    if condition.dtype == np.uint8:
        warnings.warn("where: received a uint8 condition tensor; this is deprecated in PyTorch, use a bool "
                      "condition (e.g. mask.bool())", UserWarning, stacklevel=4)   # past where's wrapper
        return
    raise DtypeError(f"where: condition must be a bool tensor, got {condition.dtype} (shape "
                     f"{tuple(condition.shape)}); compare first (e.g. x > 0) or convert with mask.bool()")


def _laid_out(op):
    """op's kernel, its result laid out as PyTorch's (torch_layout.py)."""
    def compute(xp, x, y):
        out = op(x, y)
        return torch_order(out, x, y) if out.ndim > 3 else out
    return compute


def _compare(op, name):
    compute = _laid_out(op)

    def compare(input, other):
        a, b = _promote(input, other, name)
        return no_grad_op(name, compute, a, b)   # bad shapes or devices: apply names the op
    compare.__name__ = name
    compare.__doc__ = f"Elementwise {op.__name__} comparison as a bool tensor (no gradient)."
    return compare


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
logical_and = _compare(np.logical_and, "logical_and")
logical_or = _compare(np.logical_or, "logical_or")
logical_xor = _compare(np.logical_xor, "logical_xor")


def logical_not(x):
    """Elementwise not of a bool tensor (no gradient)."""
    check_tensor("logical_not", x)
    return no_grad_op("logical_not", lambda xp, v: xp.logical_not(v), x)
