"""Fused activations (relu, sigmoid, tanh, gelu, gelu_tanh, silu) and their gradients, one GPU kernel each.

Same formulas and operation order as backends/numpy_kernels/activation.py; CUDA's erf replaces the
NumPy kernels' Chebyshev fit. float16 arrays compute in float32 inside the kernel; other non-float
inputs are converted to float32 first (relu keeps integers), as on the cpu device and in PyTorch.
"""
import math

import cupy
import numpy as np

from ..base import unknown_activation
from .elementwise import FLOATS, kernel, literal

_SQRT1_2 = literal(math.sqrt(0.5))
_INV_SQRT_2PI = literal(1.0 / math.sqrt(2.0 * math.pi))
_K = literal(math.sqrt(2.0 / math.pi))    # gelu_tanh: u = K (x + C x^3)
_C = literal(0.044715)
_3C = literal(3.0 * 0.044715)

_FORWARD = {
    "relu": kernel("T x", "T y", "A a = (A)x; y = (T)(a < A(0) ? A(0) : a);", "dg_relu_forward"),
    "sigmoid": kernel("T x", "T y", "y = (T)dg_sigmoid((A)x);", "dg_sigmoid_forward"),
    "tanh": kernel("T x", "T y", "y = (T)tanh((A)x);", "dg_tanh_forward"),
    "gelu": kernel("T x", "T y", f"A a = (A)x; y = (T)((erf(a * {_SQRT1_2}) + A(1)) * a * A(0.5));",
                   "dg_gelu_forward"),
    "gelu_tanh": kernel("T x", "T y",
                        f"A a = (A)x; A t = tanh((a * a * {_C} + A(1)) * a * {_K});"
                        "y = (T)((t + A(1)) * a * A(0.5));", "dg_gelu_tanh_forward"),
    "silu": kernel("T x", "T y", "A a = (A)x; y = (T)(dg_sigmoid(a) * a);", "dg_silu_forward"),
}

# sigmoid and tanh differentiate from their output y, the others from their input x
_FROM_OUTPUT = frozenset(("sigmoid", "tanh"))
_BACKWARD = {
    # gy * 0 (not a literal 0) where x <= 0, so a NaN or inf gradient stays NaN as in NumPy
    "relu": kernel("T x, T gy", "T gx", "gx = ((A)x <= A(0)) ? (T)A(0) : gy;", "dg_relu_backward"),
    "sigmoid": kernel("T y, T gy", "T gx", "A s = (A)y; gx = (T)((A(1) - s) * s * (A)gy);",
                      "dg_sigmoid_backward"),
    "tanh": kernel("T y, T gy", "T gx", "A t = (A)y; gx = (T)((A(1) - t * t) * (A)gy);", "dg_tanh_backward"),
    # d/dx x Phi(x) = Phi(x) + x phi(x)
    "gelu": kernel("T x, T gy", "T gx",
                   f"A a = (A)x; A cdf = (erf(a * {_SQRT1_2}) + A(1)) * A(0.5);"
                   f"gx = (T)((exp(a * a * A(-0.5)) * {_INV_SQRT_2PI} * a + cdf) * (A)gy);", "dg_gelu_backward"),
    # 0.5 (1 + t) + 0.5 x (1 - t^2) K (1 + 3 C x^2), t = tanh(K (x + C x^3))
    "gelu_tanh": kernel("T x, T gy", "T gx",
                        f"A a = (A)x; A x2 = a * a; A t = tanh((x2 * {_C} + A(1)) * a * {_K});"
                        f"A du = (x2 * {_3C} + A(1)) * {_K} * a;"
                        "gx = (T)(((A(1) - t * t) * du + t + A(1)) * A(0.5) * (A)gy);", "dg_gelu_tanh_backward"),
    # d/dx x s(x) = s (1 + x (1 - s))
    "silu": kernel("T x, T gy", "T gx",
                   "A a = (A)x; A s = dg_sigmoid(a); gx = (T)(((A(1) - s) * a + A(1)) * s * (A)gy);",
                   "dg_silu_backward"),
}


def _float(x):
    """x as an array the kernels take (float16/32/64 kept, integers and bool converted to float32, the dtype
    PyTorch gives them)."""
    return x if x.dtype in FLOATS else x.astype(np.float32)


def act_forward(name, x):
    """y = act(x) for name in ACTIVATIONS."""
    forward = _FORWARD.get(name)
    if forward is None:
        raise unknown_activation(name)
    if name == "relu" and x.dtype not in FLOATS:
        return cupy.maximum(x, 0)
    return forward(_float(x))


def act_backward(name, x, y, gy):
    """Gradient of act at x (y = act(x) is given too; None recomputes it) times gy."""
    backward = _BACKWARD.get(name)
    if backward is None:
        raise unknown_activation(name)
    if name == "relu" and not (x.dtype == gy.dtype and x.dtype in FLOATS):
        return cupy.multiply(gy, x > 0, dtype=cupy.result_type(gy, x))
    x = _float(x)
    gy = gy.astype(x.dtype, copy=False)     # the gradient takes x's dtype, as on the cpu device
    if name in _FROM_OUTPUT:
        y = _FORWARD[name](x) if y is None else y.astype(x.dtype, copy=False)
        return backward(y, gy)
    return backward(x, gy)
