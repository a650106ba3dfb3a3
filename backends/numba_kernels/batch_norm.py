"""Batch normalisation's passes as compiled loops, one channel at a time (its N x L values stay in
cache between the passes over them): statistics in two passes with float64 sums, the affine map in
one, and the backward's sums and input gradient in two, with no temporary arrays.

The sums may be reassociated (fastmath 'reassoc'), which lets LLVM keep several vector accumulators;
nothing else is relaxed (NaN and inf propagate as in NumPy).
"""
import numpy as np

from . import jit

_sums = jit.kernel_sums_fma
_map = jit.kernel_fma


@_sums
def stats(x):
    """Per-channel mean and biased variance of x (N, C, L), both float64 (C,)."""
    n, c, length = x.shape
    count = n * length
    mean = np.empty(c, np.float64)
    var = np.empty(c, np.float64)
    for ch in range(c):
        s = 0.0
        for i in range(n):
            for j in range(length):
                s += x[i, ch, j]
        m = s / count
        ss = 0.0
        for i in range(n):
            for j in range(length):
                d = x[i, ch, j] - m
                ss += d * d
        mean[ch] = m
        var[ch] = ss / count
    return mean, var


@_map
def normalize(x, mean, scale, shift):
    """(x - mean) * scale + shift per channel of x (N, C, L) (vectors (C,) in x's dtype)."""
    n, c, length = x.shape
    y = np.empty_like(x)
    for i in range(n):
        for ch in range(c):
            m, a, b = mean[ch], scale[ch], shift[ch]
            for j in range(length):
                y[i, ch, j] = (x[i, ch, j] - m) * a + b
    return y


@_sums
def _sums_of(gy, x, mean):
    n, c, length = x.shape
    sum_gy = np.empty(c, np.float64)
    sum_gyd = np.empty(c, np.float64)
    for ch in range(c):
        m = mean[ch]
        s, sd = 0.0, 0.0
        for i in range(n):
            for j in range(length):
                g = gy[i, ch, j]
                s += g
                sd += g * (x[i, ch, j] - m)
        sum_gy[ch] = s
        sum_gyd[ch] = sd
    return sum_gy, sum_gyd


@_map
def _input_grad(gy, x, mean, a, b, c0):
    """gy * a + (x - mean) * b + c0 per channel."""
    n, c, length = x.shape
    gx = np.empty_like(x)
    for i in range(n):
        for ch in range(c):
            m, ka, kb, kc = mean[ch], a[ch], b[ch], c0[ch]
            for j in range(length):
                gx[i, ch, j] = gy[i, ch, j] * ka + (x[i, ch, j] - m) * kb + kc
    return gx


def backward(gy, x, mean, scale, invstd, training, need_input):
    """The numba twin of array_kernels.batch_norm.backward (same arguments and results)."""
    sum_gy, sum_gyd = _sums_of(gy, x, mean)
    gx = None
    if need_input:
        if training:
            count = x.shape[0] * x.shape[2]
            b = (-scale * invstd * invstd * (sum_gyd / count)).astype(x.dtype)
            c0 = (-scale * (sum_gy / count)).astype(x.dtype)
            gx = _input_grad(gy, x, mean, scale, b, c0)
        else:
            gx = gy * scale[:, None]
    return gx, sum_gy, sum_gyd
