"""The per-element rejection loops of PyTorch's CPU gamma, binomial and Poisson samplers, over a buffer of words.

Written once for two runners: backends/numba_kernels/sampler_loops.py compiles them with Numba (the fast path),
and Python runs them as they are where Numba cannot load (then `u`, `pos`, `cache` and `out` may be lists).

`u` holds the stream's 32-bit words in order; each uniform in [0, 1) takes two (one 64-bit word, 53 bits kept),
as PyTorch's double uniforms; `pos` is [index of the next uniform, 1 once a draw asked for more uniforms than `u`
holds]; `cache` is [1 if a normal is waiting, its value]: the second value of the last Box-Muller pair, as
PyTorch's generator keeps it. The arithmetic follows PyTorch's types step by step (`rounded` to float32 where PyTorch computes in float), with
the C library's log, pow, trigonometric and lgamma functions.
"""
import ctypes
import ctypes.util
import math

import numpy as np

_THIRD_F32 = float(np.float32(1.0) / np.float32(3.0))   # PyTorch writes 1.0f / 3.0f
_SQUEEZE_F32 = float(np.float32(0.0331))
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
         0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287)
_INT64_MIN = -9223372036854775808.0


def _c_lgamma():
    """The C library's lgamma (Python's math.lgamma is its own and differs in the last bit on about 40% of the
    integers); math.lgamma where the library cannot be loaded."""
    try:
        function = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").lgamma
    except (OSError, AttributeError, TypeError):
        return math.lgamma
    function.restype, function.argtypes = ctypes.c_double, [ctypes.c_double]
    return function


_LGAMMA = _c_lgamma()


def log_factorial(k):
    """log(k!) for a whole float k >= 0, by the C library's lgamma (Numba's lgamma is the library's too)."""
    return _LGAMMA(k + 1.0)


def rounded(x, in_float32):
    """x rounded to float32 where PyTorch computes in float (exact for +, -, *, / and sqrt of float32 values)."""
    return float(np.float32(x)) if in_float32 else x


def uniform(u, pos):
    """The next uniform (0.5 once the buffer is spent, with pos[1] set: the caller redraws that element)."""
    i = pos[0]
    if 2 * i + 1 >= len(u):
        pos[1] = 1
        return 0.5
    pos[0] = i + 1
    # the 53 low bits of the 64-bit word whose high half comes first, times 2**-53 (both terms exact)
    return (u[2 * i] & 0x1FFFFF) * 4.76837158203125e-07 + u[2 * i + 1] * 1.1102230246251565e-16


def normal(u, pos, cache):
    """A N(0, 1) draw: the cached second value of the last pair, else the cosine of a new pair (sine kept)."""
    if cache[0] != 0.0:
        cache[0] = 0.0
        return cache[1]
    u1 = uniform(u, pos)
    u2 = uniform(u, pos)
    radius = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    cache[0] = 1.0
    cache[1] = radius * math.sin(theta)
    return radius * math.cos(theta)


def gamma(alpha, in_float32, u, pos, cache):
    """One Gamma(alpha, 1) draw (Marsaglia and Tsang; alpha < 1 boosted by a power of a uniform)."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= math.pow(1.0 - uniform(u, pos), rounded(1.0 / alpha, in_float32))
        alpha = rounded(alpha + 1.0, in_float32)
    d = rounded(alpha - _THIRD_F32, in_float32)
    c = 1.0 / math.sqrt(9.0 * d)
    while pos[1] == 0:
        x = normal(u, pos, cache)
        y = 1.0 + c * x
        while y <= 0.0 and pos[1] == 0:
            x = normal(u, pos, cache)
            y = 1.0 + c * x
        v = y * y * y
        w = 1.0 - uniform(u, pos)
        xx = x * x
        if w < 1.0 - _SQUEEZE_F32 * xx * xx or math.log(w) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v
    return 0.0


def _stirling_tail(k):
    if k < 10.0:
        return _TAIL[int(k)]
    kp1sq = (k + 1.0) * (k + 1.0)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1.0)


def _inversion(count, prob, in_float32, u, pos):
    """Binomial by summing geometric waiting times (count * prob < 10)."""
    logprob = rounded(math.log1p(-prob), in_float32)
    total, successes = 0.0, 0.0
    while pos[1] == 0:
        w = uniform(u, pos)
        total += np.ceil(math.log(w) / logprob) if w > 0.0 else math.inf
        if total > count:
            return successes
        successes = rounded(successes + 1.0, in_float32)
    return 0.0


def _btrs(count, prob, in_float32, u, pos):
    """Binomial by Hormann's transformed rejection with squeeze (count * prob >= 10)."""
    stddev = rounded(math.sqrt(rounded(rounded(count * prob, in_float32) * rounded(1.0 - prob, in_float32),
                                       in_float32)), in_float32)
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = rounded(count * prob, in_float32) + 0.5
    v_r = 0.92 - 4.2 / b
    r = rounded(prob / rounded(1.0 - prob, in_float32), in_float32)
    alpha = (2.83 + 5.1 / b) * stddev
    m = np.floor(rounded(rounded(count + 1.0, in_float32) * prob, in_float32))
    while pos[1] == 0:
        x = uniform(u, pos) - 0.5
        v = uniform(u, pos)
        us = 0.5 - abs(x)
        k = rounded(np.floor((2.0 * a / us + b) * x + c), in_float32)
        if k < 0.0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        rest = rounded(rounded(count - k, in_float32) + 1.0, in_float32)
        upper = ((m + 0.5) * math.log((m + 1.0) / (r * (count - m + 1.0)))
                 + rounded(count + 1.0, in_float32) * math.log((count - m + 1.0) / rest)
                 + (k + 0.5) * math.log(r * rest / rounded(k + 1.0, in_float32))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k)
                 - _stirling_tail(rounded(count - k, in_float32)))
        if v <= upper:
            return k
    return 0.0


def binomial(count, prob, in_float32, u, pos):
    """One Binomial(count, prob) draw (prob above 1/2 drawn as count minus the draw at 1 - prob)."""
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        if rounded(count * prob, in_float32) >= 10.0:
            return _btrs(count, prob, in_float32, u, pos)
        return _inversion(count, prob, in_float32, u, pos)
    if prob > 0.5:
        q = rounded(1.0 - prob, in_float32)
        if rounded(count * q, in_float32) >= 10.0:
            return rounded(count - _btrs(count, q, in_float32, u, pos), in_float32)
        return rounded(count - _inversion(count, q, in_float32, u, pos), in_float32)
    return math.nan


def _as_count(k):
    """k as PyTorch's 64-bit count holds it: -2**63 where k is beyond that range (a rate near 2**63 or more; there
    PyTorch's compiled tests still see the floating-point value, which the loop keeps using)."""
    return k if -9.2233720368547758e18 <= k < 9.2233720368547758e18 else _INT64_MIN


def poisson(rate, u, pos):
    """One Poisson(rate) draw: Hormann's PTRS (1993) from rate 10 on, the count of uniforms whose running product
    stays above exp(-rate) below it."""
    if rate >= 10.0:
        log_rate = math.log(rate)
        b = 0.931 + 2.53 * math.sqrt(rate)
        a = -0.059 + 0.02483 * b
        log_inv_alpha = math.log(1.1239 + 1.1328 / (b - 3.4))
        v_r = 0.9277 - 3.6224 / (b - 2.0)
        while pos[1] == 0:
            x = uniform(u, pos) - 0.5
            v = uniform(u, pos)
            us = 0.5 - abs(x)
            k = np.floor((2.0 * a / us + b) * x + rate + 0.43)
            if us >= 0.07 and v <= v_r:
                return _as_count(k)
            if k < 0.0 or (us < 0.013 and v > us):
                continue
            if math.log(v) + log_inv_alpha - math.log(a / (us * us) + b) <= -rate + k * log_rate - log_factorial(k):
                return _as_count(k)
        return 0.0
    if rate == 0.0:
        return 0.0
    threshold, product, count = math.exp(-rate), 1.0, 0.0
    while pos[1] == 0:
        product *= uniform(u, pos)
        if product <= threshold:
            return count
        count += 1.0
    return 0.0


# The loops: each draws out[i] for i = start, start + 1, ... and returns the first i it did not draw: at the end,
# or where fewer than `margin` uniforms are left, or where a draw ran past the buffer (its element is then undone,
# pos[0] and cache left as they were before it, and pos[1] cleared), so that the caller refills and goes on.

def gamma_loop(alpha, in_float32, out, start, u, pos, cache, margin):
    """Gamma(alpha[i], 1) draws into out."""
    for i in range(start, len(alpha)):
        if len(u) // 2 - pos[0] < margin:
            return i
        before, cached, value = pos[0], cache[0], cache[1]
        draw = gamma(alpha[i], in_float32, u, pos, cache)
        if pos[1] != 0:
            pos[0], pos[1], cache[0], cache[1] = before, 0, cached, value
            return i
        out[i] = draw
    return len(alpha)


def binomial_loop(count, prob, in_float32, out, start, u, pos, margin):
    """Binomial(count[i], prob[i]) draws into out."""
    for i in range(start, len(count)):
        if len(u) // 2 - pos[0] < margin:
            return i
        before = pos[0]
        draw = binomial(count[i], prob[i], in_float32, u, pos)
        if pos[1] != 0:
            pos[0], pos[1] = before, 0
            return i
        out[i] = draw
    return len(count)


def poisson_loop(rate, out, start, u, pos, margin):
    """Poisson(rate[i]) draws into out."""
    for i in range(start, len(rate)):
        if len(u) // 2 - pos[0] < margin:
            return i
        before = pos[0]
        draw = poisson(rate[i], u, pos)
        if pos[1] != 0:
            pos[0], pos[1] = before, 0
            return i
        out[i] = draw
    return len(rate)
