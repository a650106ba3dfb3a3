"""The regularized incomplete gamma functions P(a, x) (gammainc) and Q(a, x) = 1 - P (gammaincc), written
once over `xp` in float64, for where SciPy is not installed (scipy_special.py prefers SciPy on the CPU).

Below x = a + 1 the series P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n)) (positive terms);
above it the continued fraction of Q (modified Lentz), each then giving the other as 1 minus it. Both
converge in O(sqrt(a)) steps near x = a; elements stop when their own sum has converged. Special values
follow PyTorch: nan for a < 0, x < 0 or nan; P(0, x > 0) = 1; P(a, 0) = 0; P(inf, x) = 0; P(a, inf) = 1.
"""
import math

import numpy as np

from .gamma import lgamma

_EPS = 1e-17
_TINY = 1e-300
_MAX_STEPS = 100000
_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


def _log_prefactor(xp, a, x):
    """log(x^a e^-x / Gamma(a)). From a = 100 on through Stirling's series, as a (log1p(t) - t) +
    log(a / 2 pi) / 2 - tail(a) with t = (x - a) / a: the direct form cancels two terms of size a log x."""
    direct = a * xp.log(x) - x - lgamma(xp, a)
    big = xp.maximum(a, 100.0)
    t = (x - big) / big
    tail = 1 / (12 * big) - 1 / (360 * big ** 3) + 1 / (1260 * big ** 5) - 1 / (1680 * big ** 7)
    stirling = big * (xp.log1p(t) - t) + 0.5 * xp.log(big) - _HALF_LOG_TWO_PI - tail
    return xp.where(a >= 100.0, stirling, direct)


def _series(xp, a, x):
    """P(a, x) for x < a + 1 (a > 0, x >= 0 finite)."""
    with np.errstate(all="ignore"):
        term = 1.0 / a
        total = term
        n = 0
        live = xp.ones(a.shape, bool)
        while n < _MAX_STEPS and bool(live.any()):
            n += 1
            term = term * x / (a + n)
            total = xp.where(live, total + term, total)
            live = live & (xp.abs(term) > _EPS * xp.abs(total))
        return total * xp.exp(_log_prefactor(xp, a, x))


def _fraction(xp, a, x):
    """Q(a, x) for x >= a + 1 (a > 0, x > 0 finite), by the modified Lentz method."""
    with np.errstate(all="ignore"):
        b = x + 1.0 - a
        c = xp.full_like(x, 1.0 / _TINY)
        d = 1.0 / b
        h = d
        n = 0
        live = xp.ones(a.shape, bool)
        while n < _MAX_STEPS and bool(live.any()):
            n += 1
            an = -n * (n - a)
            b = b + 2.0
            d = an * d + b
            d = xp.where(xp.abs(d) < _TINY, _TINY, d)
            c = b + an / c
            c = xp.where(xp.abs(c) < _TINY, _TINY, c)
            d = 1.0 / d
            delta = d * c
            h = xp.where(live, h * delta, h)
            live = live & (xp.abs(delta - 1.0) > _EPS)
        return h * xp.exp(_log_prefactor(xp, a, x))


def gammainc_pq(xp, a, x):
    """(P(a, x), Q(a, x)) in float64, broadcast together; each accurate where it is small."""
    a, x = xp.broadcast_arrays(a.astype(np.float64), x.astype(np.float64))
    ordinary = xp.isfinite(a) & xp.isfinite(x) & (a > 0) & (x > 0)
    low = ordinary & (x < a + 1)
    high = ordinary & ~low
    p = _series(xp, xp.where(low, a, 1.0), xp.where(low, x, 0.5))
    q = _fraction(xp, xp.where(high, a, 1.0), xp.where(high, x, 3.0))
    lower = xp.where(low, p, 1.0 - q)
    upper = xp.where(low, 1.0 - p, q)
    bad = xp.isnan(a) | xp.isnan(x) | (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | (xp.isinf(a) & xp.isinf(x))
    lower = xp.where(x == 0, 0.0, xp.where(xp.isinf(x) | (a == 0), 1.0, xp.where(xp.isinf(a), 0.0, lower)))
    upper = xp.where(x == 0, 1.0, xp.where(xp.isinf(x) | (a == 0), 0.0, xp.where(xp.isinf(a), 1.0, upper)))
    return xp.where(bad, np.nan, lower), xp.where(bad, np.nan, upper)


def gammainc(xp, a, x):
    """P(a, x), elementwise with broadcasting, in float64."""
    return gammainc_pq(xp, a, x)[0]


def gammaincc(xp, a, x):
    """Q(a, x) = 1 - P(a, x), elementwise with broadcasting, in float64."""
    return gammainc_pq(xp, a, x)[1]
