"""log|Gamma|, digamma and polygamma, written once over `xp` (NumPy and CuPy have none), in float64.

lgamma: for large x Stirling's series; below it the recurrence Gamma(x + 1) = x Gamma(x) carries x to
[1.5, 2.5), where the Taylor series of lgamma(2 + t) (coefficients (-1)^k (zeta(k) - 1) / k) is accurate in
relative terms right up to the zeros at 1 and 2; negative x by reflection, log(pi / |sin(pi x)|) - lgamma(1 - x).
digamma: the recurrence up to x >= 10, then the asymptotic series; negative x by reflection, with
psi(1 - x) - pi cot(pi x). polygamma(n >= 1) = (-1)^(n+1) n! zeta(n + 1, x) for x > 0, and for x < 0 the
n-th derivative of the reflection formula, whose cot(pi x) derivative is a polynomial in cot(pi x).
Special values follow PyTorch: lgamma is +inf at 0, the negative integers and +-inf; digamma is -+inf at
+-0 and nan at the negative integers and -inf.
"""
import math

import numpy as np

from .special import _result, _wide
from .zeta import bernoulli_numbers, hurwitz_zeta_positive

_B = bernoulli_numbers(20)
_STIRLING = [float(_B[2 * k] / (2 * k * (2 * k - 1))) for k in range(1, 9)]   # of x^-(2k-1) in lgamma
_DIGAMMA_TAIL = [float(_B[2 * k] / (2 * k)) for k in range(1, 9)]              # of x^-2k in digamma
_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)
_EULER_GAMMA = 0.57721566490153286061
# lgamma(2 + t) = (1 - gamma) t + sum over k >= 2 of (-1)^k (zeta(k) - 1) t^k / k: at |t| <= 1/2 the
# terms fall like 4^-k, so 30 of them reach float64
_K = np.arange(2, 32, dtype=np.float64)
_LGAMMA2_SERIES = [0.0, 1.0 - _EULER_GAMMA] + list((-1.0) ** _K * hurwitz_zeta_positive(np, _K, np.array(2.0)) / _K)
_STIRLING_FROM = 12.0


def _horner(xp, coefficients, t):
    acc = xp.full_like(t, coefficients[-1])
    for c in coefficients[-2::-1]:
        acc = acc * t + c
    return acc


def _lgamma_positive(xp, y):
    """lgamma of a float64 array y > 0 (nan and inf pass through)."""
    with np.errstate(all="ignore"):
        # carried to 2 + t with t in [-1/2, 1/2): up by one or two steps below 1.5, down by m steps from 2.5
        steps = xp.clip(xp.floor(y - 1.5), 0.0, _STIRLING_FROM)
        product = xp.ones_like(y)
        for k in range(1, int(_STIRLING_FROM) - 1):
            product = product * xp.where(k <= steps, y - k, 1.0)
        down = xp.log(product)
        up = xp.where(y < 0.5, -xp.log(y) - xp.log1p(y), -xp.log1p(y - 1.0))   # log1p: exact near y = 1
        t = xp.where(y < 0.5, y, xp.where(y < 1.5, y - 1.0, y - 2.0 - steps))
        near = _horner(xp, _LGAMMA2_SERIES, xp.clip(t, -0.5, 0.5)) + xp.where(y < 1.5, up, down)
        big = xp.maximum(y, _STIRLING_FROM)
        inv = 1.0 / big
        stirling = (big * (xp.log(big) - 1.0) - 0.5 * xp.log(big) + _HALF_LOG_TWO_PI
                    + inv * _horner(xp, _STIRLING, inv * inv))
        out = xp.where(y < _STIRLING_FROM, near, stirling)
    return xp.where(y == xp.inf, xp.inf, out)


def _fraction_to_nearest(xp, x):
    """x minus its nearest integer, in [-1/2, 1/2] (exact)."""
    return x - xp.round(x)


def _cot_pi(xp, r):
    """cot(pi r) for r in [-1/2, 1/2], through tan where tan is accurate (cos(pi / 2) is not 0 in floats)."""
    small = xp.abs(r) <= 0.25
    return xp.where(small, 1.0 / xp.tan(math.pi * r), xp.copysign(xp.tan(math.pi * (0.5 - xp.abs(r))), r))


def lgamma(xp, x):
    """log |Gamma(x)|, elementwise: +inf at 0, at the negative integers and at +-inf."""
    w = _wide(x)
    negative = w < 0
    pos = _lgamma_positive(xp, xp.where(negative, 1.0 - w, w))
    with np.errstate(all="ignore"):
        r = _fraction_to_nearest(xp, w)
        # log(pi / |sin(pi r)|) as -log|r| - log|sin(pi r) / (pi r)|, so that a tiny r keeps its precision
        ratio = xp.where(xp.abs(r) < 1e-8, 1.0, xp.sin(math.pi * r) / (math.pi * xp.where(r == 0, 1.0, r)))
        reflected = -xp.log(xp.abs(r)) - xp.log(xp.abs(ratio)) - pos
    out = xp.where(negative, reflected, pos)
    out = xp.where((w <= 0) & (w == xp.floor(w)), xp.inf, out)   # 0, the negative integers and -inf
    return _result(out, x)


def _digamma_wide(xp, w):
    negative = w < 0
    y = xp.where(negative, 1.0 - w, w)
    with np.errstate(all="ignore"):
        shift = xp.zeros_like(y)
        for _ in range(10):      # any y > 0 reaches 10 in ten steps
            small = y < 10.0
            shift = shift - xp.where(small, 1.0 / y, 0.0)
            y = xp.where(small, y + 1.0, y)
        inv2 = 1.0 / (y * y)
        out = shift + xp.log(y) - 0.5 / y - inv2 * _horner(xp, _DIGAMMA_TAIL, inv2)
        r = _fraction_to_nearest(xp, w)
        out = xp.where(negative, out - math.pi * _cot_pi(xp, r), out)
        out = xp.where(negative & (r == 0) | (w == -xp.inf), xp.nan, out)
        return xp.where(w == 0, xp.copysign(xp.inf, -w), out)


def digamma(xp, x):
    """The digamma function Gamma'(x) / Gamma(x), elementwise (-+inf at +-0, nan at the negative integers)."""
    return _result(_digamma_wide(xp, _wide(x)), x)


def _cot_derivative_polynomial(n):
    """Integer coefficients (constant term first) of P_n with d^n/dt^n cot(t) = P_n(cot t)."""
    p = [0, 1]
    for _ in range(n):
        derivative = [k * p[k] for k in range(1, len(p))] + [0, 0]
        p = [-(derivative[k] + (derivative[k - 2] if k >= 2 else 0)) for k in range(len(p) + 1)]
    return [float(c) for c in p]


def polygamma(xp, n, x):
    """The n-th derivative of digamma (n >= 0 an int), elementwise, with PyTorch's values at the poles."""
    w = _wide(x)
    if n == 0:
        return _result(_digamma_wide(xp, w), x)
    factorial = float(math.factorial(n)) if n <= 170 else math.inf
    sign = 1.0 if n % 2 else -1.0
    negative = (w < 0) & (w != xp.floor(w))
    usable = (w > 0) & (w < xp.inf) | negative
    with np.errstate(all="ignore"):
        # x < 0: psi_n(x) = (-1)^n psi_n(1 - x) - pi^(n+1) P_n(cot(pi x)) (the reflection formula differentiated)
        at = xp.where(negative, 1.0 - w, xp.where(usable, w, 1.0))
        tail = hurwitz_zeta_positive(xp, n + 1.0, at)
        r = xp.where(negative, _fraction_to_nearest(xp, w), 0.5)
        cot = _cot_pi(xp, r)
        reflected = -factorial * tail - math.pi ** (n + 1) * _horner(xp, _cot_derivative_polynomial(n), cot)
        out = xp.where(negative, reflected, sign * factorial * tail)
    # PyTorch's values off the domain: (-1)^(n+1) inf at the poles and -inf, nan at +inf (zeta's), except
    # trigamma's 0 at +inf and nan at -inf
    pole = (w <= 0) & (w == xp.floor(w))
    out = xp.where(pole, sign * xp.inf, xp.where(w == xp.inf, xp.nan, out))
    if n == 1:
        out = xp.where(w == xp.inf, 0.0, xp.where(w == -xp.inf, xp.nan, out))
    return _result(xp.where(xp.isnan(w), xp.nan, out), x)
