"""Fused elementwise activations and their gradients as Numba kernels: one vectorised pass over
memory each. At MLP sizes (128 x 256) a pass takes 5-60 us and runs on the calling thread (handing
half of it to a second thread costs about as much as it saves); arrays of MIN_SPLIT_ELEMENTS and
more (a CNN's feature maps) are split into consecutive ranges over the threads (split.py) while that
measures faster than one thread (workers.run_measured)."""
import math

import numpy as np
from numba import types
from numba.extending import overload

from ..numpy_kernels.activation import _ERF_POLY   # the NumPy kernel's erf fits: same erf on both devices
from .. import workers
from . import jit, split
from .vecmath import vexp, vexpm1, vsigmoid, vtanh

#: kernel code of each activation name (the kernels branch once, outside their loops)
CODES = {"relu": 0, "sigmoid": 1, "tanh": 2, "gelu": 3, "gelu_tanh": 4, "silu": 5}

# The constants are tuples of the data's dtype, fixed at compile time (see _constants): a Python
# float literal in the loops would widen float32 arithmetic to float64 (half the SIMD lanes), and
# passing them as arguments cost more than the kernels themselves at MLP sizes (5 us per call).
_CONSTANTS = (0.0, 1.0, 0.5, math.sqrt(0.5), 1.0 / math.sqrt(2.0 * math.pi), math.sqrt(2.0 / math.pi),
              0.044715, 3 * 0.044715, 2.0, 4.0, 6.0)
# erf(x) = x * P(x^2 / 2 - 1) for |x| < 2, else sign(x) (1 - Q(|x| / 2 - 2) exp(-x^2)) up to |x| = 6,
# with the NumPy kernel's power-series coefficients (highest first here, for Horner); as tuples
# their length is a compile-time constant, the Horner loop unrolls, and the element loop vectorises.


def _constants(dtype):
    """(the _CONSTANTS, erf's near fit, erf's far fit) as tuples of `dtype`'s scalar type."""
    t = np.dtype(dtype).type
    near, far = (tuple(t(v) for v in p[::-1]) for p in _ERF_POLY[np.dtype(t)])
    return tuple(t(v) for v in _CONSTANTS), near, far


@overload(_constants)
def _constants_in_numba(dtype):
    table = _constants(np.float32 if dtype.dtype == types.float32 else np.float64)
    return lambda dtype: table


def _horner(coefficients, y):
    """sum(coefficients[k] * y ** (n - 1 - k)): the polynomial with the highest coefficient first."""
    acc = coefficients[0]
    for c in coefficients[1:]:
        acc = acc * y + c
    return acc


@overload(_horner)
def _horner_unrolled(coefficients, y):
    # Written out term by term for this tuple length: a loop indexing the tuple at run time stops
    # the element loop around it from vectorising once the tuple is long (float64's 17 and 23 terms).
    steps = "".join(f"    acc = acc * y + coefficients[{k}]\n" for k in range(1, len(coefficients)))
    namespace = {}
    exec(f"def impl(coefficients, y):\n    acc = coefficients[0]\n{steps}    return acc\n", namespace)
    return namespace["impl"]


@jit.inlined
def _erf(x, small, large, c):
    """erf(x) from the two fits; both are evaluated and one selected, so callers' loops vectorise."""
    one, half, two, four, six = c[1], c[2], c[8], c[9], c[10]
    ax = abs(x)
    near = x * _horner(small, min(x * x, four) * half - one)
    a = min(ax, six)
    far = one - _horner(large, a * half - two) * vexp(-(a * a))
    far = far if x >= 0 else -far
    return near if ax < two else far


@jit.kernel
def _forward(code, x, y):
    c, small, large = _constants(x.dtype)
    zero, one, half, sqrt_half, sqrt_2_over_pi, gelu_c = c[0], c[1], c[2], c[3], c[5], c[6]
    n = x.size
    if code == 0:
        for k in range(n):
            y[k] = zero if x[k] < zero else x[k]    # NaN stays NaN, -0. stays -0., as PyTorch's
    elif code == 1:
        for k in range(n):
            y[k] = vsigmoid(x[k])
    elif code == 2:
        for k in range(n):
            y[k] = vtanh(x[k])
    elif code == 3:
        for k in range(n):
            y[k] = half * x[k] * (one + _erf(x[k] * sqrt_half, small, large, c))
    elif code == 4:
        for k in range(n):
            v = x[k]
            y[k] = half * v * (one + vtanh(sqrt_2_over_pi * (v + gelu_c * v * v * v)))
    else:
        for k in range(n):
            y[k] = x[k] * vsigmoid(x[k])


@jit.kernel
def _backward(code, x, y, gy, gx):
    c, small, large = _constants(x.dtype)
    zero, one, half, sqrt_half, inv_sqrt_2pi, sqrt_2_over_pi, gelu_c, gelu_3c = c[:8]
    n = x.size
    if code == 0:
        for k in range(n):
            gx[k] = zero if x[k] <= zero else gy[k]   # a select: an inf or NaN gradient stops at a dead unit
    elif code == 1:
        for k in range(n):
            gx[k] = gy[k] * y[k] * (one - y[k])
    elif code == 2:
        for k in range(n):
            gx[k] = gy[k] * (one - y[k] * y[k])
    elif code == 3:
        for k in range(n):
            v = x[k]
            cdf = half * (one + _erf(v * sqrt_half, small, large, c))
            gx[k] = gy[k] * (cdf + v * inv_sqrt_2pi * vexp(-half * v * v))
    elif code == 4:
        for k in range(n):
            v = x[k]
            t = vtanh(sqrt_2_over_pi * (v + gelu_c * v * v * v))
            du = sqrt_2_over_pi * (one + gelu_3c * v * v)
            gx[k] = gy[k] * (half * (one + t) + half * v * (one - t * t) * du)
    else:
        for k in range(n):
            s = vsigmoid(x[k])
            gx[k] = gy[k] * s * (one + x[k] * (one - s))


#: flat arrays of at least this many elements are split over the threads. A pass is bound by memory
#: (and by first-touch page faults on its new output), so two threads gain little: ReLU forward +
#: backward, best of 20 alternating, 64x16x32x32 1.14 against 1.28 ms, 32x64x56x56 8.3 against 9.2;
#: at 2^18 elements (64x64x8x8) nothing
MIN_SPLIT_ELEMENTS = 2 ** 20


def _over_ranges(kernel, code, flat):
    """kernel(code, *flat), or the same over consecutive ranges of the flat arrays on several threads
    (while that measures faster)."""
    size = flat[0].size
    count = split.parts(size, size, MIN_SPLIT_ELEMENTS)
    if count == 1:
        kernel(code, *flat)
        return

    def part(first, last):
        kernel(code, *(a[first:last] for a in flat))
    workers.run_measured(kernel.__name__ + "_activation", part, size, size, count)


def act_forward(name, x):
    """y = act(x) for name in CODES."""
    y = np.empty(x.shape, x.dtype)
    _over_ranges(_forward, CODES[name], (np.ascontiguousarray(x).reshape(-1), y.reshape(-1)))
    return y


def act_backward(name, x, y, gy):
    """Gradient of act at x (y = act(x) is given too) times gy."""
    code = CODES[name]
    if y is None:  # only sigmoid and tanh read y; the others get x as a placeholder
        y = act_forward(name, x) if code in (1, 2) else x
    gx = np.empty(x.shape, x.dtype)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (x, y, gy)]
    _over_ranges(_backward, code, (*flat, gx.reshape(-1)))
    return gx


@jit.kernel
def _leaky_forward(slope, x, y):
    for k in range(x.size):
        v = x[k]
        y[k] = v if v > 0 else v * slope       # PyTorch's formula: its bits on NaN, inf and signed zeros


@jit.kernel
def _leaky_backward(slope, ref, gy, gx):
    for k in range(ref.size):
        gx[k] = gy[k] if ref[k] > 0 else gy[k] * slope


@jit.kernel
def _elu_forward(alpha, x, y):
    for k in range(x.size):
        v = x[k]
        clamped = v if v > -60.0 else -60.0      # expm1 is -1 in float64 below; keeps vexpm1 in range
        negative = alpha * vexpm1(clamped)        # in float64, rounded once to y's dtype
        y[k] = v if (v >= 0 or v != v) else negative    # zeros keep their sign, NaN stays NaN


@jit.kernel
def _elu_backward(alpha, x, gy, gx):
    for k in range(x.size):
        gx[k] = gy[k] if x[k] > 0 else gy[k] * (alpha * vexp(min(x[k], 0)))


def _one_pass(kernel, parameter, *inputs):
    """kernel(parameter, *flat inputs, flat output) over arrays of one shape and float dtype (the last
    input's), the parameter in that dtype -> the output array."""
    out = np.empty(inputs[-1].shape, inputs[-1].dtype)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in inputs]
    _over_ranges(kernel, out.dtype.type(parameter), (*flat, out.reshape(-1)))
    return out


def leaky_relu(x, slope):
    """x where x > 0, else slope * x, in one pass (float32/float64 x)."""
    return _one_pass(_leaky_forward, slope, x)


def leaky_relu_backward(ref, gy, slope):
    """gy where ref > 0, else slope * gy, in one pass (ref and gy of one float dtype and shape)."""
    return _one_pass(_leaky_backward, slope, ref, gy)


def elu(x, alpha):
    """x where x > 0, else alpha * (exp(x) - 1), in one pass (float32/float64 x)."""
    return _one_pass(_elu_forward, alpha, x)


def elu_backward(x, gy, alpha):
    """gy where x > 0, else gy * alpha * exp(x), in one pass."""
    return _one_pass(_elu_backward, alpha, x, gy)
