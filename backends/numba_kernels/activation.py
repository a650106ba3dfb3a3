"""Fused elementwise activations and their gradients as Numba kernels (one pass over memory each)."""
import math

import numpy as np
from numba import njit, prange

from .vecmath import vexp, vsigmoid, vtanh

#: kernel code of each activation name (the kernels branch once, outside their loops)
CODES = {"relu": 0, "sigmoid": 1, "tanh": 2, "gelu": 3, "gelu_tanh": 4, "silu": 5}

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


@njit(parallel=True, cache=True)
def _forward(code, x, y):
    n = x.size
    if code == 0:
        for k in prange(n):
            y[k] = x[k] if x[k] > 0 else 0
    elif code == 1:
        for k in prange(n):
            y[k] = vsigmoid(x[k])
    elif code == 2:
        for k in prange(n):
            y[k] = vtanh(x[k])
    elif code == 3:
        for k in prange(n):
            y[k] = 0.5 * x[k] * (1.0 + math.erf(x[k] * _SQRT_HALF))
    elif code == 4:
        for k in prange(n):
            v = x[k]
            y[k] = 0.5 * v * (1.0 + vtanh(_SQRT_2_OVER_PI * (v + _GELU_C * v * v * v)))
    else:
        for k in prange(n):
            y[k] = x[k] * vsigmoid(x[k])


@njit(parallel=True, cache=True)
def _backward(code, x, y, gy, gx):
    n = x.size
    if code == 0:
        for k in prange(n):
            gx[k] = gy[k] if x[k] > 0 else 0
    elif code == 1:
        for k in prange(n):
            gx[k] = gy[k] * y[k] * (1.0 - y[k])
    elif code == 2:
        for k in prange(n):
            gx[k] = gy[k] * (1.0 - y[k] * y[k])
    elif code == 3:
        for k in prange(n):
            v = x[k]
            cdf = 0.5 * (1.0 + math.erf(v * _SQRT_HALF))
            gx[k] = gy[k] * (cdf + v * _INV_SQRT_2PI * vexp(-0.5 * v * v))
    elif code == 4:
        for k in prange(n):
            v = x[k]
            t = vtanh(_SQRT_2_OVER_PI * (v + _GELU_C * v * v * v))
            du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_C * v * v)
            gx[k] = gy[k] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du)
    else:
        for k in prange(n):
            s = vsigmoid(x[k])
            gx[k] = gy[k] * s * (1.0 + x[k] * (1.0 - s))


def act_forward(name, x):
    """y = act(x) for name in CODES."""
    y = np.empty(x.shape, x.dtype)
    _forward(CODES[name], np.ascontiguousarray(x).reshape(-1), y.reshape(-1))
    return y


def act_backward(name, x, y, gy):
    """Gradient of act at x (y = act(x) is given too) times gy."""
    code = CODES[name]
    if y is None:  # only sigmoid and tanh read y; the others get x as a placeholder
        y = act_forward(name, x) if code in (1, 2) else x
    gx = np.empty(x.shape, x.dtype)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (x, y, gy)]
    _backward(code, flat[0], flat[1], flat[2], gx.reshape(-1))
    return gx
