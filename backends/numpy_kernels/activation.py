"""Fused activations (relu, sigmoid, tanh, gelu, gelu_tanh, silu) and their gradients, plus a vectorised erf.

NumPy has no erf, so `erf` below evaluates two Chebyshev fits: erf(x)/x as a series in x^2 on
|x| < 2, and the scaled complement erfc(a) * exp(a^2) on 2 <= a = |x| <= 6 (beyond 6, erf is
+-1 in float64). The coefficients were computed with mpmath at 40 digits (Chebyshev interpolation
at 17 and 23 first-kind nodes); truncated and evaluated in float64 the error is below 5e-16, and
the float32 path keeps 10 and 12 terms (about 2e-7, one or two float32 ulps). Where SciPy is installed,
its compiled erf runs instead (the same accuracy; 28 against 34 ms over 1M float32 elements on a
2-core Xeon, alternating in one process).
"""
import functools
import importlib.util
import math

import numpy as np
from numpy.polynomial import chebyshev

from ..base import unknown_activation
from . import gelu_float32

# erf(x) / x = sum c_k T_k(y), y = x^2 / 2 - 1, for |x| < 2
_ERF_SMALL = (
    0.7415552820424018, -0.30107107338659495, 0.06899483068983156, -0.013916271264722188,
    0.0024207995224334636, -0.0003658639685848086, 4.862098443231905e-05, -5.749256558035685e-06,
    6.113243578434765e-07, -5.8991015312958435e-08, 5.2070090920686485e-09, -4.23297587996554e-10,
    3.188113506648489e-11, -2.2361550186737396e-12, 1.4673298127654468e-13, -9.043927412488925e-15,
    5.239765863595342e-16)
# erfc(a) * exp(a^2) = sum c_k T_k(y), y = a / 2 - 2, for 2 <= a <= 6
_ERFCX_LARGE = (
    0.15454893254411423, -0.07674006034821483, 0.01849487416970198, -0.004337233595514166,
    0.0009916839077238056, -0.00022144890703087983, 4.836760032122529e-05, -1.034609832664543e-05,
    2.1698719431920526e-06, -4.4664937548784355e-07, 9.031674382673662e-08, -1.7955339488870227e-08,
    3.5120800624763815e-09, -6.763532420163469e-10, 1.2831846446281522e-10, -2.399702370969988e-11,
    4.425938010048966e-12, -8.054583822885605e-13, 1.446990712176459e-13, -2.567169503989327e-14,
    4.499558098264158e-15, -7.788416530112745e-16, 1.2970557746759973e-16)
# power-series coefficients (lowest first) for Horner evaluation, per working precision
_ERF_POLY = {
    np.dtype(np.float64): (chebyshev.cheb2poly(_ERF_SMALL), chebyshev.cheb2poly(_ERFCX_LARGE)),
    np.dtype(np.float32): (chebyshev.cheb2poly(_ERF_SMALL[:10]), chebyshev.cheb2poly(_ERFCX_LARGE[:12])),
}
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_K = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715
#: float32 exact GELU from this many elements on runs gelu_float32's vectorised erf (SciPy's is a scalar loop in
#: double, 18 ns an element); smaller arrays keep SciPy's erf, which costs fewer NumPy calls
_FAST_GELU_MIN = 1 << 14


def _horner(coefficients, y):
    """sum coefficients[k] * y**k, in y's dtype."""
    acc = np.full_like(y, coefficients[-1])
    for c in coefficients[-2::-1]:
        acc *= y
        acc += c
    return acc


def _float(x):
    """x as an array of a float dtype the kernels compute in: float32/float64 kept, others (float16, integers,
    bool) computed in float32, as PyTorch does."""
    x = np.asarray(x)
    return x if x.dtype in _ERF_POLY else x.astype(np.float32)


def _as_result(y, x):
    """An activation's result in PyTorch's dtype for input x: float16 stays float16 (computed in float32),
    float32/float64 stay, integers and bool give float32."""
    return y.astype(np.float16) if x.dtype == np.float16 else y


@functools.lru_cache(maxsize=None)
def _compiled_erf():
    """scipy.special.erf when SciPy is installed, else None (imported on first use)."""
    if importlib.util.find_spec("scipy") is None:
        return None
    from scipy import special
    return special.erf


def erf(x):
    """The error function, elementwise, for float32 or float64 arrays (other dtypes compute in float32)."""
    x = _float(x)
    compiled = _compiled_erf()
    if compiled is not None:
        return np.asarray(compiled(x), dtype=x.dtype)
    return polynomial_erf(x)


def polynomial_erf(x):
    """erf by this module's Chebyshev fits, for float32 or float64 arrays (others compute in float32)."""
    x = _float(x)
    if x.ndim == 0:
        return polynomial_erf(x.reshape(1)).reshape(())
    small, large = _ERF_POLY[x.dtype]
    y = np.multiply(x, x)
    np.minimum(y, 4.0, out=y)          # |x| >= 2 is overwritten below; keeps the polynomial bounded
    y *= 0.5
    y -= 1.0
    out = _horner(small, y)
    out *= x
    far = np.abs(x) >= 2.0
    if far.any():
        a = np.minimum(np.abs(x[far]), 6.0)
        tail = _horner(large, a * 0.5 - 2.0)
        tail *= np.exp(-(a * a))
        out[far] = np.copysign(1.0 - tail, x[far])
    return out


def sigmoid(x, out=None):
    """1 / (1 + exp(-x)), elementwise, without overflow warnings, rounded in x's precision at every step as
    PyTorch's kernel is (float32 sigmoid(17) is 1.0), whatever the array's size."""
    if out is None:   # an array even for 0-d x, where ufuncs would return a scalar; C order for an expanded x
        out = np.empty(x.shape, x.dtype) if 0 in getattr(x, "strides", ()) else np.empty_like(x)
    np.negative(x, out=out)
    with np.errstate(over="ignore"):         # exp(-x) = inf for x << 0 gives the right 0
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def act_forward(name, x):
    """y = act(x) for name in ACTIVATIONS."""
    if np.ndim(x) == 0:   # the in-place steps below need arrays; ufuncs turn 0-d results into scalars
        return act_forward(name, np.reshape(x, 1)).reshape(())
    if name == "relu":
        return np.maximum(0, x)   # -0. stays -0., as PyTorch's (NumPy returns its second operand on a tie)
    return _as_result(_act_forward(name, _float(x)), np.asarray(x))


def _act_forward(name, x):
    if name == "sigmoid":
        return sigmoid(x)
    if name == "tanh":
        return np.tanh(x)
    if name == "gelu":
        if x.dtype == np.float32 and x.size >= _FAST_GELU_MIN:
            return gelu_float32.gelu_forward(x)
        y = erf(x * _SQRT1_2)
        y += 1.0
        y *= x
        y *= 0.5
        return y
    if name == "gelu_tanh":
        y = x * x
        y *= _GELU_TANH_C
        y += 1.0
        y *= x
        y *= _GELU_TANH_K
        np.tanh(y, out=y)
        y += 1.0
        y *= x
        y *= 0.5
        return y
    if name == "silu":   # x / (1 + exp(-x)), PyTorch's CPU formula: one rounding fewer than x * sigmoid(x), and
        y = np.negative(x)   # equal to PyTorch's float32 result on 83% of [-20, 20] (x * sigmoid(x): 71%)
        with np.errstate(over="ignore"):   # exp(-x) = inf for x << 0 gives the right -0.
            np.exp(y, out=y)
        y += 1.0
        return np.divide(x, y, out=y)
    raise unknown_activation(name)


#: gradients up to this size select with np.where / copyto (fewer NumPy calls); larger ones multiply (faster)
_SMALL_SELECT = 4096


def relu_live(x, out=None):
    """The mask of units relu passes a gradient through: not x <= 0, so NaN counts as live, as in PyTorch's
    threshold_backward (x > 0 would stop the gradient at a NaN input)."""
    live = np.less_equal(x, 0, out=out)
    return np.logical_not(live, out=live)


def relu_grad(gy, live, dtype, out=None):
    """gy where `live` (the unit's input > 0), else +0: PyTorch's threshold_backward, a select, so an inf or NaN
    gradient stops at a dead unit. On large gradients a product with the mask and `+ 0` (which makes its -0s +0)
    runs 2-4x faster than np.where; the rare NaN that the product makes of an inf or NaN at a dead unit is zeroed
    afterwards. Small ones take the select itself, which makes fewer NumPy calls."""
    zero = dtype.type(0)
    if gy.size <= _SMALL_SELECT:
        if out is None:
            return np.where(live, gy, zero).astype(dtype, copy=False)
        np.copyto(out, np.where(live, gy, zero))
        return out
    with np.errstate(invalid="ignore"):   # inf * 0 at a dead unit: zeroed below
        out = np.multiply(gy, live, dtype=dtype, out=out)
    out += zero
    if np.isnan(out).any():
        np.copyto(out, zero, where=~live)
    return out


def act_backward(name, x, y, gy):
    """Gradient of act at x (y = act(x) is given too; None recomputes it) times gy."""
    if np.ndim(x) == 0:
        y = None if y is None else np.reshape(y, 1)
        return act_backward(name, np.reshape(x, 1), y, np.reshape(gy, 1)).reshape(())
    if name == "relu":
        return relu_grad(gy, relu_live(x), np.result_type(gy, x))
    x = np.asarray(x)
    computed = _float(x)
    if y is not None and y.dtype != computed.dtype:
        y = y.astype(computed.dtype)
    return _as_result(_act_backward(name, computed, y, np.asarray(gy, dtype=computed.dtype)), x)


def _act_backward(name, x, y, gy):
    if name == "sigmoid":
        s = sigmoid(x) if y is None else y
        g = np.subtract(1.0, s, dtype=x.dtype)
        g *= s
        g *= gy
        return g
    if name == "tanh":
        t = np.tanh(x) if y is None else y
        g = np.multiply(t, t, dtype=x.dtype)
        np.subtract(1.0, g, out=g)
        g *= gy
        return g
    if name == "gelu":
        # d/dx x * Phi(x) = Phi(x) + x * phi(x)
        if x.dtype == np.float32 and x.size >= _FAST_GELU_MIN:
            return gelu_float32.gelu_backward(x, gy)
        g = np.multiply(x, x)
        g *= -0.5
        np.exp(g, out=g)
        g *= _INV_SQRT_2PI
        g *= x
        cdf = erf(x * _SQRT1_2)
        cdf += 1.0
        cdf *= 0.5
        g += cdf
        g *= gy
        return g
    if name == "gelu_tanh":
        # u = k (x + c x^3); d/dx 0.5 x (1 + tanh u) = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2)
        x2 = x * x
        t = x2 * _GELU_TANH_C
        t += 1.0
        t *= x
        t *= _GELU_TANH_K
        np.tanh(t, out=t)
        du = x2
        du *= 3.0 * _GELU_TANH_C
        du += 1.0
        du *= _GELU_TANH_K
        du *= x
        g = np.multiply(t, t)
        np.subtract(1.0, g, out=g)
        g *= du
        g += t
        g += 1.0
        g *= 0.5
        g *= gy
        return g
    if name == "silu":
        # d/dx x s(x) = s (1 + x (1 - s))
        s = sigmoid(x)
        g = np.subtract(1.0, s)
        g *= x
        g += 1.0
        g *= s
        g *= gy
        return g
    raise unknown_activation(name)
