"""The error function family, written once over `xp` (NumPy and CuPy have none): erf, erfc, erfcx, erfinv,
and the standard normal's ndtri and log_ndtr.

erf reuses the NumPy activation kernel's Chebyshev fits (erf(x)/x on |x| < 2, erfc(a) exp(a^2) on
2 <= a <= 6); erfc continues past 6 with the asymptotic series of erfc(a) exp(a^2) (relative error below
1e-12 there), so small tails keep their relative precision instead of cancelling in 1 - erf. erfinv and
ndtri start from Giles' single-precision approximation ("Approximating the erfinv function", GPU Computing
Gems, 2011), or past its range from the leading term of erfc's asymptotic series, and refine it with three
Newton steps (on erf, or on log erfc near +-1, where 1 - |y| is exact). Everything is evaluated in float64
and returned in the input's float dtype.
"""
import math

import numpy as np

from ..numpy_kernels.activation import _ERF_POLY

_SMALL, _LARGE = _ERF_POLY[np.dtype(np.float64)]
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT2 = math.sqrt(2.0)
_GILES_UP_TO = 25.0      # the largest -log(1 - y^2) where Giles' tail fit starts Newton well
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
# Giles' fits of erfinv(y) / y in w = -log(1 - y^2): central (w < 5, in w - 2.5) and tail (in sqrt(w) - 3)
_ERFINV_CENTRAL = (1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087, -4.39150654e-06,
                   -3.5233877e-06, 3.43273939e-07, 2.81022636e-08)
_ERFINV_TAIL = (2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773, -0.00367342844,
                0.00134934322, 0.000100950558, -0.000200214257)


def _horner(xp, coefficients, y):
    acc = xp.full_like(y, coefficients[-1])
    for c in coefficients[-2::-1]:
        acc = acc * y + c
    return acc


def _wide(x):
    return x.astype(np.float64) if x.dtype != np.float64 else x


def _result(y, x):
    if x.dtype.kind == "f" and x.dtype != np.float64:
        with np.errstate(over="ignore"):   # beyond the dtype's range: inf, as PyTorch gives
            return y.astype(x.dtype)
    return y


def _erfcx_far(xp, a):
    """erfc(a) * exp(a^2) for a >= 2 (a float64 array)."""
    fit = _horner(xp, _LARGE, xp.minimum(a, 6.0) * 0.5 - 2.0)
    inv = 1.0 / (2.0 * xp.maximum(a, 6.0) ** 2)
    series, term = xp.ones_like(a), xp.ones_like(a)
    for k in range(1, 21):   # 1 - 1/(2a^2) + 3/(2a^2)^2 - ...: at a = 6 the terms shrink until k = 36
        term = term * (-(2 * k - 1) * inv)
        series = series + term
    asymptotic = series * _INV_SQRT_PI / xp.maximum(a, 6.0)
    return xp.where(a <= 6.0, fit, asymptotic)


def erf(xp, x):
    """The error function, elementwise."""
    w = _wide(x)
    near = _horner(xp, _SMALL, xp.minimum(w * w, 4.0) * 0.5 - 1.0) * w
    a = xp.clip(xp.abs(w), 2.0, 30.0)
    with np.errstate(under="ignore"):
        far = xp.copysign(1.0 - _erfcx_far(xp, a) * xp.exp(-(a * a)), w)
    return _result(xp.where(xp.abs(w) < 2.0, near, far), x)


def erfc(xp, x):
    """1 - erf(x), elementwise, accurate in relative terms for large x."""
    w = _wide(x)
    a = xp.clip(w, 2.0, 30.0)
    with np.errstate(under="ignore"):
        tail = xp.where(w > 27.3, 0.0, _erfcx_far(xp, a) * xp.exp(-(a * a)))
    return _result(xp.where(w < 2.0, 1.0 - erf(xp, w), tail), x)


def erfcx(xp, x):
    """The scaled complement erfc(x) exp(x^2), elementwise (inf below about -26.6, 0 at +inf)."""
    w = _wide(x)
    with np.errstate(all="ignore"):
        near = xp.exp(w * w) * erfc(xp, xp.minimum(w, 2.0))
        out = xp.where(w < 2.0, near, _erfcx_far(xp, xp.maximum(w, 2.0)))
    return _result(out, x)


def _erfc_inverse(xp, size, q):
    """The r >= 0 with erf(r) = size and erfc(r) = q, from both (each exact where it matters: size where it is
    small, q = 1 - size where it is); size in [0, 1), q in (0, 1]."""
    with np.errstate(all="ignore"):
        s = -xp.log(q * (1.0 + size))
        central = _horner(xp, _ERFINV_CENTRAL, s - 2.5)
        tail = _horner(xp, _ERFINV_TAIL, xp.sqrt(xp.clip(s, 5.0, _GILES_UP_TO)) - 3.0)
        # past Giles' float32 range, erfc(r) ~ exp(-r^2) / (r sqrt(pi)) solved for r^2 to first order
        t = xp.maximum(-xp.log(q), 1.0)
        asymptotic = xp.sqrt(t - 0.5 * xp.log(t) - math.log(math.sqrt(math.pi)))
        r = xp.where(s < 5.0, central * size, xp.where(s < _GILES_UP_TO, tail * size, asymptotic))
        # Newton: on erf(r) = size near 0; near 1 on log erfc(r) = log q, exact there (erf - size would cancel
        # away) and nearly linear in r, written as log erfcx(r) - r^2 so that no tail underflows. Each element
        # runs only its own branch's steps (the same arithmetic as evaluating both and choosing), which spares
        # erfcx's tail series where r < 2: the inverse of a million values took 1.2 s, most of it there.
        far = size > 0.5
        log_q = xp.log(xp.where(far, q, 1.0))
        near = ~far
        r_near, size_near = r[near], size[near]
        r_far, log_q_far = r[far], log_q[far]
        for _ in range(3):
            slope = _TWO_OVER_SQRT_PI * xp.exp(-r_near * r_near)
            r_near = r_near - (_erf_split(xp, r_near) - size_near) / slope
            scaled = _erfcx_split(xp, r_far)
            r_far = r_far + (xp.log(scaled) - r_far * r_far - log_q_far) * scaled / _TWO_OVER_SQRT_PI
        r = r.copy()
        r[near], r[far] = r_near, r_far
    return r


def _erf_split(xp, w):
    """erf of a float64 array, evaluating the far formula only where |w| >= 2 (the same values as erf)."""
    small = xp.abs(w) < 2.0
    if bool(small.all()):
        return _horner(xp, _SMALL, xp.minimum(w * w, 4.0) * 0.5 - 1.0) * w
    return erf(xp, w)


def _erfcx_split(xp, w):
    """erfcx of a float64 array, evaluating its tail series only where w >= 2 (the same values as erfcx)."""
    out = xp.empty_like(w)
    small = w < 2.0
    below = w[small]
    with np.errstate(all="ignore"):
        out[small] = xp.exp(below * below) * (1.0 - _erf_split(xp, below))
    if not bool(small.all()):
        out[~small] = erfcx(xp, w[~small])
    return out


def erfinv(xp, y):
    """The inverse of erf on [-1, 1] (+-inf at +-1, nan outside)."""
    w = _wide(y)
    size = xp.abs(w)
    inside = size < 1.0
    size = xp.where(inside, size, 0.0)
    r = _erfc_inverse(xp, size, 1.0 - size)
    out = xp.where(inside, xp.copysign(r, w), xp.where(xp.abs(w) == 1.0, xp.copysign(xp.inf, w), xp.nan))
    return _result(out, y)


def ndtri(xp, p):
    """The inverse of the standard normal CDF on [0, 1] (-inf at 0, inf at 1, nan outside)."""
    w = _wide(p)
    lower = w < 0.5
    inside = (w > 0.0) & (w < 1.0)
    # with y = 2p - 1, both |y| and 1 - |y| = 2 min(p, 1 - p) are exact where each is used
    q = xp.where(inside, xp.where(lower, 2.0 * w, 2.0 - 2.0 * w), 1.0)
    r = _erfc_inverse(xp, 1.0 - q, q) * _SQRT2
    out = xp.where(inside, xp.where(lower, -r, r), xp.where(w == 0.0, -xp.inf, xp.where(w == 1.0, xp.inf, xp.nan)))
    return _result(out, p)


def log_ndtr(xp, x):
    """log of the standard normal CDF, accurate in both tails: log1p(-erfc(x / sqrt 2) / 2) above -1, and
    log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 below, where the CDF itself would underflow."""
    w = _wide(x)
    with np.errstate(all="ignore"):
        upper = xp.log1p(-0.5 * erfc(xp, xp.maximum(w, -1.0) / _SQRT2))
        low = xp.minimum(w, -1.0)
        lower = xp.log(0.5 * erfcx(xp, -low / _SQRT2)) - 0.5 * low * low
    return _result(xp.where(w < -1.0, lower, upper), x)
