"""PyTorch's CPU samplers for the gamma, Dirichlet, binomial and Poisson distributions (torch._standard_gamma,
torch._sample_dirichlet, torch.binomial, torch.poisson), drawing from a TorchStream so that a seed gives PyTorch's
numbers.

PyTorch draws these one element at a time, in memory order, with rejection loops: Marsaglia and Tsang's method
for the gamma (its alpha < 1 boosted by a power of a uniform), for the binomial an inversion of geometric
waiting times when count * p < 10, Hormann's BTRS otherwise, and for the Poisson a product of uniforms below rate
10, Hormann's PTRS from 10 on. Every uniform is a float64 one made of a 64-bit
word; every normal is Box-Muller on two of them with the second value kept for the next normal, in the stream's
own cache. The arithmetic follows PyTorch's types step by step: the element type (float32 or float64) where
PyTorch computes in it, float64 elsewhere, and the C library's log, pow and trigonometric functions (Python's
math module calls the same ones).
"""
import ctypes
import ctypes.util
import math

import numpy as np

_WORD_BLOCK = 256
_MASK53 = (1 << 53) - 1
_THIRD_F32 = float(np.float32(1.0) / np.float32(3.0))   # PyTorch writes 1.0f / 3.0f
_SQUEEZE_F32 = float(np.float32(0.0331))
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
         0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287)


class _Draws:
    """Uniforms and normals read from a TorchStream one at a time (the 64-bit words are fetched in blocks, and on
    close the stream is left just past the words used, with its normal cache as PyTorch's generator keeps it)."""

    def __init__(self, stream):
        self.stream = stream
        self.start = stream.bit_generator.state
        self.words, self.used, self.taken = [], 0, 0
        self.cached_normal = stream._next_normal

    def uniform(self):
        """A float64 uniform in [0, 1) from the next 64-bit word (53 bits kept)."""
        if self.used == len(self.words):
            self.taken += len(self.words)
            self.words, self.used = self.stream.words64(_WORD_BLOCK).tolist(), 0
        word = self.words[self.used]
        self.used += 1
        return (word & _MASK53) * 2.0 ** -53

    def normal(self):
        """A float64 N(0, 1): the cached second value of the last pair, else cos of a new pair (sin kept)."""
        if self.cached_normal is not None:
            value, self.cached_normal = self.cached_normal, None
            return value
        u1, u2 = self.uniform(), self.uniform()
        radius, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
        self.cached_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def close(self):
        """Leave the stream just past the words used."""
        consumed = self.taken + self.used
        self.stream.bit_generator.state = self.start
        if consumed:
            self.stream.words64(consumed)
        self.stream._next_normal = self.cached_normal


def _rounder(dtype):
    """Rounding of a float64 value to the element type (exact for the +, -, *, / and sqrt of float32 values)."""
    return (lambda v: float(np.float32(v))) if np.dtype(dtype) == np.float32 else float


def _gamma(alpha, draws, in_float32):
    """One Gamma(alpha, 1) draw as float64, PyTorch's sample_gamma with its element type float32 or float64."""
    t = _rounder(np.float32 if in_float32 else np.float64)
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= math.pow(1.0 - draws.uniform(), t(1.0 / alpha))
        alpha = t(alpha + 1.0)
    d = t(alpha - _THIRD_F32)
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = draws.normal()
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - draws.uniform()
        xx = x * x
        if u < 1.0 - _SQUEEZE_F32 * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _float_elements(values, op):
    values = np.asarray(values)
    if values.dtype not in (np.float32, np.float64):
        raise TypeError(f"{op}: expects a float32 or float64 array, got {values.dtype}")
    return values


def standard_gamma(stream, alpha):
    """Gamma(alpha, 1) samples of alpha's shape and float dtype, as torch._standard_gamma(alpha) draws them on the
    CPU from `stream` (values below the dtype's smallest normal number become it)."""
    alpha = _float_elements(alpha, "standard_gamma")
    in_float32 = alpha.dtype == np.float32
    tiny = float(np.finfo(alpha.dtype).tiny)
    draws = _Draws(stream)
    try:
        out = [max(tiny, _rounder(alpha.dtype)(_gamma(a, draws, in_float32))) for a in alpha.ravel().tolist()]
    finally:
        draws.close()
    return np.array(out, alpha.dtype).reshape(alpha.shape)


def dirichlet(stream, concentration):
    """Dirichlet samples along the last axis of `concentration` (float32 or float64), as
    torch._sample_dirichlet draws them on the CPU: float64 gammas normalised, then kept inside (0, 1)."""
    concentration = _float_elements(concentration, "dirichlet")
    draws = _Draws(stream)
    try:
        gammas = np.array([max(float(np.finfo(np.float64).tiny), _gamma(a, draws, False))
                           for a in concentration.ravel().tolist()], np.float64).reshape(concentration.shape)
    finally:
        draws.close()
    dtype = concentration.dtype
    values = (gammas / gammas.sum(-1, keepdims=True)).astype(dtype)
    return np.clip(values, np.finfo(dtype).tiny, np.nextafter(dtype.type(1), dtype.type(0)))


def _stirling_tail(k):
    if k < len(_TAIL):
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(count, prob, draws, t):
    """Binomial by summing geometric waiting times (count * prob < 10)."""
    logprob = t(math.log1p(-prob))
    total, successes = 0.0, 0.0
    while True:
        u = draws.uniform()
        total += math.ceil(math.log(u) / logprob) if u > 0 else math.inf
        if total > count:
            return successes
        successes = t(successes + 1)


def _btrs(count, prob, draws, t):
    """Binomial by Hormann's transformed rejection with squeeze (count * prob >= 10)."""
    stddev = t(math.sqrt(t(t(count * prob) * t(1 - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = t(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = t(prob / t(1 - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = float(math.floor(t(t(count + 1) * prob)))
    while True:
        u = draws.uniform() - 0.5
        v = draws.uniform()
        us = 0.5 - abs(u)
        k = t(math.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        rest = t(t(count - k) + 1)
        upper = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + t(count + 1) * math.log((count - m + 1) / rest)
                 + (k + 0.5) * math.log(r * rest / t(k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k) - _stirling_tail(t(count - k)))
        if v <= upper:
            return k


def _binomial(count, prob, draws, t):
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        return (_btrs if t(count * prob) >= 10.0 else _inversion)(count, prob, draws, t)
    if prob > 0.5:
        q = t(1.0 - prob)
        return t(count - (_btrs if t(count * q) >= 10.0 else _inversion)(count, q, draws, t))
    return math.nan


def binomial(stream, count, prob):
    """Binomial(count, prob) samples (count and prob float arrays of one shape and dtype), as torch.binomial
    draws them on the CPU from `stream`."""
    count, prob = _float_elements(count, "binomial"), _float_elements(prob, "binomial")
    if count.shape != prob.shape or count.dtype != prob.dtype:
        raise ValueError(f"binomial: count {count.shape} {count.dtype} and prob {prob.shape} {prob.dtype} must "
                         "have one shape and dtype (broadcast and cast them first)")
    t = _rounder(count.dtype)
    draws = _Draws(stream)
    try:
        out = [_binomial(n, p, draws, t) for n, p in zip(count.ravel().tolist(), prob.ravel().tolist())]
    finally:
        draws.close()
    return np.array(out, count.dtype).reshape(count.shape)


def _c_lgamma():
    """The C library's lgamma, which PyTorch calls (Python's math.lgamma is its own and may differ in the last
    bit); math.lgamma where the library cannot be loaded."""
    try:
        lgamma = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").lgamma
    except (OSError, AttributeError, TypeError):
        return math.lgamma
    lgamma.restype, lgamma.argtypes = ctypes.c_double, [ctypes.c_double]
    return lgamma


_lgamma = _c_lgamma()


def _poisson(rate, draws):
    """One Poisson(rate) draw (rate a float64 >= 0)."""
    if rate >= 10.0:    # Hormann's transformed rejection with squeeze (PTRS), 1993
        root, log_rate = math.sqrt(rate), math.log(rate)
        b = 0.931 + 2.53 * root
        a = -0.059 + 0.02483 * b
        log_inv_alpha = math.log(1.1239 + 1.1328 / (b - 3.4))
        v_r = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = draws.uniform() - 0.5
            v = draws.uniform()
            us = 0.5 - abs(u)
            k = math.floor(x) if math.isfinite(x := (2 * a / us + b) * u + rate + 0.43) else x
            if us >= 0.07 and v <= v_r:
                return _int64(k)
            if k < 0 or (us < 0.013 and v > us):
                continue
            if math.log(v) + log_inv_alpha - math.log(a / (us * us) + b) <= -rate + k * log_rate - _lgamma(k + 1.0):
                return _int64(k)
    if rate == 0.0:
        return 0
    # the count of uniforms whose running product stays above exp(-rate)
    threshold, product, count = math.exp(-rate), 1.0, 0
    while True:
        product *= draws.uniform()
        if product <= threshold:
            return count
        count += 1


def _int64(k):
    """k as PyTorch's 64-bit count holds it: -2**63 where k is beyond that range (a rate near 2**63 or more; there
    PyTorch's compiled tests still see the floating-point value, which the loop above keeps using)."""
    return k if -2.0 ** 63 <= k < 2.0 ** 63 else -(1 << 63)


def poisson(stream, rates):
    """Poisson samples with the given rates (a float array; float16 and bfloat16 too), as torch.poisson draws them
    on the CPU from `stream`, in rates' dtype."""
    rates = np.asarray(rates)
    if rates.dtype.kind != "f" and rates.dtype.name != "bfloat16":
        raise TypeError(f"poisson: expects a float array of rates, got {rates.dtype}")
    draws = _Draws(stream)
    try:
        out = [_poisson(r, draws) for r in rates.astype(np.float64).ravel().tolist()]
    finally:
        draws.close()
    return np.array(out, np.float64).astype(rates.dtype).reshape(rates.shape)
