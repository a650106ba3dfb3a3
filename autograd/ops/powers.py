"""Powers with a Python-number exponent, computed as PyTorch's kernels compute them, and 1 / x as an op.

For a float32, float64 or bfloat16 tensor PyTorch replaces a few exponents with exact arithmetic: x ** 3 is
x * x * x, x ** -2 is 1 / (x * x), x ** -0.5 is 1 / sqrt(x) (with 2, 1, 0.5 and -1 as the plain products,
copy, square root and reciprocal); NumPy's `power` takes the general path for 3, -2 and -0.5, whose last bit
differs in about a third of the elements. float16 keeps NumPy's power, which already matches PyTorch there
(both compute in float32 and round once). Half-precision powers and reciprocals run on the half arrays
themselves (`half_native`): PyTorch rounds each step of their bfloat16 forms and of their gradients.
"""
import numpy as np

from ..bf16_dtype import is_bf16
from ..function import Function
from ..tensor import Tensor

_F16 = np.dtype(np.float16)


def power(xp, x, p):
    """x ** p for an array x and a Python number p, by PyTorch's exact forms where it has one (a Tensor x,
    under create_graph, takes the pow op, which does the same and keeps PyTorch's graph of nodes)."""
    dtype = x.dtype
    if isinstance(x, Tensor) or dtype == _F16 or not (dtype.kind == "f" or is_bf16(dtype)):
        return x ** p
    if p == 2:
        return x * x
    if p == 3:
        return x * x * x
    if p == -1:
        return 1 / x
    if p == -2:
        return 1 / (x * x)
    if p == 0.5:
        return xp.sqrt(x)
    if p == -0.5:
        if dtype.kind != "f":   # bfloat16: PyTorch's rsqrt rounds once, from float32
            return (1 / xp.sqrt(x.astype(np.float32))).astype(dtype)
        return 1 / xp.sqrt(x)
    return x ** p


def _integer_kind(v):
    """'b', 'i' or 'u' for a bool or integer array or Python number, else ''."""
    if hasattr(v, "dtype"):
        return v.dtype.kind if v.dtype.kind in "biu" else ""
    return "b" if isinstance(v, bool) else "i" if isinstance(v, int) else ""


def exact_integer_power(xp, a, b):
    """a ** b where both are integer or bool (arrays or one a Python number), as PyTorch computes it: a negative
    exponent gives 1 for a base of 1, +-1 for -1 and 0 for every other base (NumPy refuses it), and bools stay
    bool (x ** False is True, x ** True is x; NumPy gives int8). None when a or b is not of that kind."""
    kind_a, kind_b = _integer_kind(a), _integer_kind(b)
    if not kind_a or not kind_b:
        return None
    if kind_a == "b" and kind_b == "b":
        return a | ~xp.asarray(b) if hasattr(a, "dtype") else xp.asarray(a) | ~b
    if kind_b == "b" or not hasattr(b, "dtype") or not (b < 0).any():
        return None
    positive = a ** xp.maximum(b, 0)
    odd_of_minus_one = xp.where(b % 2 == 0, 1, -1).astype(positive.dtype)
    inverse = xp.where(a == 1, 1, xp.where(a == -1, odd_of_minus_one, 0)).astype(positive.dtype)
    return xp.where(b < 0, inverse, positive)


class Reciprocal(Function):
    """1 / x (PyTorch's ReciprocalBackward0)."""
    half_native = True   # PyTorch's gradient rounds each half-precision product: NumPy's half loops do the same

    def forward(ctx, x):
        with np.errstate(divide="ignore"):   # 1 / 0 is inf and 1 / -0. is -inf, silently, as in PyTorch
            out = 1 / x
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return -gy * (out * out)


class Rsqrt(Function):
    """1 / sqrt(x) (PyTorch's RsqrtBackward0, whose gradient is -0.5 * g * y ** 3)."""

    def forward(ctx, x):
        out = 1 / ctx.xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return (-0.5 * gy) * (out * out * out)
