"""The Hurwitz zeta function zeta(s, q) = sum over k >= 0 of (q + k)^-s, written once over `xp`.

For q > 0 the first terms are summed directly and the rest by the Euler-Maclaurin formula at a = q + 9,
whose correction terms use the Bernoulli numbers (computed exactly here, as fractions). `zeta` adds
PyTorch's values off that domain: inf at s = 1 and at q a non-positive integer, nan for s < 1, and for
q < 0 the sum itself when s is an integer (nan otherwise). Evaluated in float64.
"""
import math
from fractions import Fraction

import numpy as np

_DIRECT_TERMS = 9        # terms summed before the Euler-Maclaurin tail starts at a = q + 9
_TAIL_TERMS = 12         # Bernoulli corrections of the tail: below 1e-17 relative at a >= 9


def bernoulli_numbers(count):
    """B_0 ... B_{count-1} as exact fractions (B_1 = -1/2)."""
    numbers = [Fraction(1)]
    for m in range(1, count):
        numbers.append(-sum(math.comb(m + 1, k) * numbers[k] for k in range(m)) / (m + 1))
    return numbers


_B = bernoulli_numbers(2 * _TAIL_TERMS + 2)
# B_2j / (2j)!, the coefficient of (s)_{2j-1} a^(-s-2j+1) in the tail
_TAIL_COEFFICIENTS = [float(_B[2 * j] / math.factorial(2 * j)) for j in range(1, _TAIL_TERMS + 1)]


def hurwitz_zeta_positive(xp, s, q):
    """zeta(s, q) for q > 0 a float64 array and s > 1 a float64 array or a number (faster: a scalar power)."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        total = xp.zeros(np.broadcast_shapes(np.shape(s), q.shape))
        for k in range(_DIRECT_TERMS):
            total = total + (q + k) ** -s
        a = q + _DIRECT_TERMS
        power = a ** -s                                   # a^-s, then a^(-s-2j+1) step by step
        # a^(1-s) on its own: at huge q, a^-s underflows where a^(1-s) does not
        total = total + a ** (1 - s) / (s - 1) + 0.5 * power
        rising = s                                        # s (s + 1) ... (s + 2j - 2)
        power = power / a
        inv_a2 = 1.0 / (a * a)
        for j, coefficient in enumerate(_TAIL_COEFFICIENTS, start=1):
            total = total + coefficient * rising * power
            rising = rising * (s + 2 * j - 1) * (s + 2 * j)
            power = power * inv_a2
    return total


def zeta(xp, s, q):
    """zeta(s, q) elementwise with PyTorch's (Cephes') values everywhere, for float64 arrays."""
    s, q = xp.broadcast_arrays(s, q)
    whole_s = s == xp.floor(s)
    pole = (q <= 0) & (q == xp.floor(q))                 # q a non-positive integer, or -inf
    negative = (q < 0) & ~pole & whole_s
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # for q < 0 and an integer s, with m = ceil(-q) and the term nearest 0 at r = q + m - 1 in (-1, 0):
        # zeta(s, q) = r^-s + (-1)^s (zeta(s, 1 - r) - zeta(s, 1 - q)) + zeta(s, r + 1), the terms between
        # written as a difference of two tails, so that the work does not grow with |q|
        nearest = xp.where(negative, q + (xp.ceil(-q) - 1), 0.5)   # exact (Sterbenz)
        first = xp.where(negative, nearest + 1, q)
        args = xp.stack([first, 1 - nearest, xp.where(negative, 1 - q, 1.0)])
        usable = (s > 1) & xp.isfinite(s)
        args = xp.where(usable & (args > 0) & xp.isfinite(args), args, 1.0)
        z = hurwitz_zeta_positive(xp, xp.where(usable, s, 2.0), args)
        sign = xp.where(xp.fmod(s, 2) == 0, 1.0, -1.0)
        value = xp.where(negative, nearest ** -s + sign * (z[1] - z[2]) + z[0], z[0])
        # Cephes' sum at s = inf: 1 at q = 1, nan above 1, inf below (q^-s); and nan at q = inf
        infinite_s = xp.where(q < 1, xp.inf, xp.where(q == 1, 1.0, xp.nan))
        value = xp.where(xp.isinf(s), infinite_s, value)
        value = xp.where((q == xp.inf) | (q < 0) & ~whole_s, xp.nan, value)
        value = xp.where(pole, xp.inf, value)
        value = xp.where(s < 1, xp.nan, value)
        value = xp.where(s == 1, xp.inf, value)
    return xp.where(xp.isnan(s) & ~pole | xp.isnan(q) & (s != 1), xp.nan, value)
