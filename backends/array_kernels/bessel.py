"""The modified Bessel functions of the first kind, orders 0 and 1 (i0, i1) and their exponentially scaled
forms (i0e = exp(-|x|) i0, i1e = exp(-|x|) i1), written once over `xp` in float64.

Below |x| = 20 the power series sum over k of (x/2)^(2k + nu) / (k! (k + nu)!), whose terms are all positive
(36 terms reach float64 at 20); from 20 on the asymptotic series exp(x) / sqrt(2 pi x) times sum over k of
(-1)^k prod_{j <= k} (4 nu^2 - (2j - 1)^2) / (k! (8x)^k), whose terms shrink until k = 2x (28 terms there).
Infinite input gives PyTorch's values: nan for i0 and i1, +-0 for the scaled forms.
"""
import math

import numpy as np

from .special import _result, _wide

_SERIES_UP_TO = 20.0
_SERIES_TERMS = 36
_ASYMPTOTIC_TERMS = 28


def _series(xp, a, nu):
    """sum over k of (a/2)^(2k) / (k! (k + nu)!) for a float64 array a <= 20."""
    quarter = 0.25 * a * a
    term = xp.full_like(a, 1.0 / math.factorial(nu))
    total = term
    for k in range(1, _SERIES_TERMS):
        term = term * quarter / (k * (k + nu))
        total = total + term
    return total


def _asymptotic(xp, a, nu):
    """sqrt(2 pi a) exp(-a) I_nu(a) for a float64 array a >= 20."""
    mu = 4.0 * nu * nu
    inv = 1.0 / (8.0 * a)
    term = xp.ones_like(a)
    total = term
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = term * (-(mu - (2 * k - 1) ** 2) / k) * inv
        total = total + term
    return total


def _scaled(xp, a, nu):
    """exp(-a) I_nu(a) for a float64 array a >= 0 (inf allowed)."""
    with np.errstate(all="ignore"):
        near = xp.minimum(a, _SERIES_UP_TO)
        small = _series(xp, near, nu) * (0.5 * near) ** nu * xp.exp(-near)
        far = xp.maximum(a, _SERIES_UP_TO)
        large = _asymptotic(xp, far, nu) / xp.sqrt(2.0 * math.pi * far)
    return xp.where(a < _SERIES_UP_TO, small, large)


def _unscaled(xp, a, nu):
    with np.errstate(all="ignore"):
        half = xp.exp(0.5 * a)   # two halves: i0 stays finite up to a = 713.98, exp(a) overflows from 709.78
        return xp.where(xp.isinf(a), xp.nan, _scaled(xp, a, nu) * half * half)


def i0(xp, x):
    """I_0(x), elementwise (nan at +-inf, as PyTorch)."""
    w = _wide(x)
    return _result(_unscaled(xp, xp.abs(w), 0), x)


def i0e(xp, x):
    """exp(-|x|) I_0(x), elementwise."""
    w = _wide(x)
    return _result(_scaled(xp, xp.abs(w), 0), x)


def i1(xp, x):
    """I_1(x), elementwise (odd; nan at +-inf, as PyTorch)."""
    w = _wide(x)
    return _result(xp.where(w == 0, 0.0, xp.copysign(_unscaled(xp, xp.abs(w), 1), w)), x)


def i1e(xp, x):
    """exp(-|x|) I_1(x), elementwise (odd)."""
    w = _wide(x)
    return _result(xp.where(w == 0, 0.0, xp.copysign(_scaled(xp, xp.abs(w), 1), w)), x)
