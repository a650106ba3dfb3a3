"""A float16 or bfloat16 tensor beside a Python number, with the number's precision PyTorch gives it.

PyTorch's CPU kernels compute half-precision ops in float32 and round once (as deepgrad's half forms do,
autograd/half_forms.py), and a Python number meets the tensor in one of two ways: `mul` and `div` keep the
number in float32 (`x * 0.1` is float32(x) * float32(0.1), rounded to float16), while every other op first
rounds the number to the tensor's dtype (`x + 0.1` adds float16(0.1)); `add` and `sub` with alpha round alpha
too and the sum once. `rounded_to` does the rounding for those ops; half-precision `mul` and `div` by a number
take the ops here, which keep their float32 arithmetic on every device (CuPy's float16 included).

`+`, `-`, `*` and `/` between tensors run on the half arrays themselves (`half_native`): one ufunc rounds once,
as PyTorch's kernel does, and their gradients then round each step, as PyTorch's formulas do
(`-g * ((a / b) / b)` is three rounded ops in float16).
"""
import numpy as np

from ..bf16_dtype import is_half
from ..broadcast import unbroadcast
from ..function import Function

F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
#: Python number types that take these forms (bool is no number here: x * True stays x's dtype's product)
NUMBERS = (float, int)


def scaled(x, s):
    """The array x times the Python number s: in float32 then rounded when x is float16 or bfloat16, as
    PyTorch's kernels do, else x's own product."""
    if is_half(x.dtype):
        return (x.astype(_F32) * np.float32(s)).astype(x.dtype)
    return x * s


def divided(x, s):
    """The array x over the Python number s, by the same rule as `scaled`."""
    if is_half(x.dtype):
        return (x.astype(_F32) / np.float32(s)).astype(x.dtype)
    return x / s


class _HalfByNumber(Function):
    """A half-precision tensor and a Python number through `apply_number` (a product or a quotient), whose
    gradient is the incoming gradient through the same operation."""
    apply_number = None
    number_edges = True   # PyTorch wraps the number as a tensor: its node lists (None, 0) for it

    def forward(ctx, x, s):
        ctx.s = s
        return type(ctx).apply_number(x, s)

    def backward(ctx, gy):
        return type(ctx).apply_number(gy, ctx.s), None


class HalfTimesNumber(_HalfByNumber):
    """A float16 or bfloat16 tensor times a Python number (the node PyTorch calls MulBackward0)."""
    op_name = "mul"
    torch_name = "MulBackward0"
    apply_number = staticmethod(scaled)


class HalfOverNumber(_HalfByNumber):
    """A float16 or bfloat16 tensor over a Python number (the node PyTorch calls DivBackward0)."""
    op_name = "div"
    torch_name = "DivBackward0"
    apply_number = staticmethod(divided)


def rounded_to(s, half):
    """The Python number s rounded to the half dtype `half` (through float32, as PyTorch converts a number) and
    back, as PyTorch rounds a number for every half-precision op but mul and div; an int that survives the
    rounding stays an int; bools and complex numbers are returned as they are."""
    if type(s) is float or type(s) is int:
        rounded = float(np.asarray(s, dtype=np.float32).astype(half).astype(_F32))
        return rounded if type(s) is float or rounded != s else s
    return s


def fused_sum(a, b, alpha):
    """a + alpha * b rounded once, as PyTorch's add with alpha computes it: float32 through float64 (where
    PyTorch fuses the multiply-add), float16 through float32; alpha is the number already in the arrays'
    precision. Other dtypes take two roundings."""
    dtype = a.dtype
    if dtype == _F32:
        return (a.astype(np.float64) + float(np.float32(alpha)) * b.astype(np.float64)).astype(_F32)
    if dtype == F16:
        return (a.astype(_F32) + np.float32(alpha) * b.astype(_F32)).astype(F16)
    return a + alpha * b


class ScaledSum(Function):
    """a + alpha * b in one rounding (PyTorch's add and sub with alpha; sub passes -alpha)."""
    op_name = "add"
    torch_name = "AddBackward0"

    def forward(ctx, a, b, alpha, grad_alpha):
        ctx.shapes = (a.shape, b.shape)
        ctx.grad_alpha = grad_alpha
        return fused_sum(a, b, alpha)

    def backward(ctx, gy):
        sa, sb = ctx.shapes
        need = ctx.needs_input_grad
        return (unbroadcast(gy, sa) if need[0] else None,
                unbroadcast(scaled(gy, ctx.grad_alpha), sb) if need[1] else None, None, None)


class _HalfWithScalarTensor(Function):
    """A dimensioned float16/bfloat16 tensor and a 0-d host float tensor, as one node with an edge to each (PyTorch's
    node lists both, the 0-d tensor's too when it requires grad). PyTorch's kernel reads the 0-d tensor's value
    unrounded when it is the second operand and rounds it to the half dtype when it is the first; the half
    operand's gradient takes the value unrounded wherever PyTorch's formula puts it second. The 0-d tensor's
    gradient is summed in the half dtype and then cast to its own dtype, as PyTorch's engine reduces and casts it.
    Under create_graph the formulas run as tensor ops, which take these same forms."""
    half_native = True

    def forward(ctx, a, b):
        ctx.scalar_first = a.ndim == 0 and b.ndim != 0
        s, h = (a, b) if ctx.scalar_first else (b, a)
        ctx.s_dtype = s.dtype
        ctx.value = float(s)
        ctx.save_for_backward(h, s)
        return type(ctx).compute(h, rounded_to(ctx.value, h.dtype) if ctx.scalar_first else ctx.value,
                                 ctx.scalar_first)

    def backward(ctx, gy):
        h, s = ctx.saved_tensors
        need = ctx.needs_input_grad
        on_graph = ctx.xp is not ctx.device.xp
        gh, gs = type(ctx).gradients(ctx, gy, h, s if on_graph else ctx.value, (need[1], need[0]) if
                                     ctx.scalar_first else tuple(need))
        if gs is not None:   # summed in the half dtype, then cast (a Tensor under create_graph)
            gs = gs.sum() if on_graph else gs.sum(dtype=_F32).astype(gs.dtype)
            gs = gs.to(ctx.s_dtype) if on_graph else gs.astype(ctx.s_dtype)
        return (gs, gh) if ctx.scalar_first else (gh, gs)


class HalfTimesScalarTensor(_HalfWithScalarTensor):
    """x * w or w * x for a half tensor x and a 0-d float tensor w (MulBackward0)."""
    op_name = "mul"
    torch_name = "MulBackward0"

    @staticmethod
    def compute(h, value, scalar_first):
        return scaled(h, value)

    @staticmethod
    def gradients(ctx, gy, h, s, need):
        """(h's gradient, the 0-d operand's unreduced one), each None where not needed: both formulas (grad * other,
        grad * self) put the 0-d operand second, so its value is read unrounded."""
        times = (lambda g: g * s) if not isinstance(s, float) else (lambda g: scaled(g, s))
        return (times(gy) if need[0] else None), (gy * h if need[1] else None)


class HalfOverScalarTensor(_HalfWithScalarTensor):
    """x / w or w / x for a half tensor x and a 0-d float tensor w (DivBackward0)."""
    op_name = "div"
    torch_name = "DivBackward0"

    @staticmethod
    def compute(h, value, scalar_first):
        if scalar_first:   # w, already rounded to x's dtype, over x: one rounded quotient
            return (value / h.astype(_F32)).astype(h.dtype)
        return divided(h, value)

    @staticmethod
    def gradients(ctx, gy, h, s, need):
        """(h's gradient, the 0-d operand's unreduced one) by PyTorch's formulas grad / other and
        -grad * ((self / other) / other), each step rounded, the 0-d operand unrounded where it is second."""
        if isinstance(s, float):
            over = (lambda g: divided(g, s))
            quotient = (lambda: HalfOverScalarTensor.compute(h, rounded_to(s, h.dtype), True)) if ctx.scalar_first \
                else (lambda: divided(h, s))
        else:
            over = (lambda g: g / s)
            quotient = (lambda: s / h) if ctx.scalar_first else (lambda: h / s)
        if ctx.scalar_first:   # w / x
            return (-gy * (quotient() / h) if need[0] else None), (gy / h if need[1] else None)
        return (over(gy) if need[0] else None), (-gy * over(quotient()) if need[1] else None)
