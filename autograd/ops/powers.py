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


class Reciprocal(Function):
    """1 / x (PyTorch's ReciprocalBackward0)."""
    half_native = True   # PyTorch's gradient rounds each half-precision product: NumPy's half loops do the same

    def forward(ctx, x):
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
