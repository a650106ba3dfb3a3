"""Batch normalisation's passes as compiled loops, one channel at a time (its N x L values stay in
cache between the passes over them): statistics in two passes with float64 sums, the affine map in
one, and the backward's sums and input gradient in two, with no temporary arrays. Each pass splits
its channels over the threads (split.py) above MIN_SPLIT_ELEMENTS while that measures faster than
one thread (workers.run_measured; in a depthwise-separable block, where batch norm follows BLAS
products, always splitting was slower); a channel's values are computed the same way whichever
thread takes it, so results do not depend on the thread count. Two threads,
forward + backward, b64 16ch 32x32: 1.5 ms against 2.9 on one; b32 64ch 56x56 8.5 against 19.9.

The sums may be reassociated (fastmath 'reassoc'), which lets LLVM keep several vector accumulators;
nothing else is relaxed (NaN and inf propagate as in NumPy).
"""
import numpy as np

from . import jit, split

_sums = jit.kernel_sums_fma
_map = jit.kernel_fma

#: inputs below this many elements run each pass on the calling thread (a pass over 2^17 float32
#: values takes about 50 us, and handing half of it to a helper about 10-30 us)
MIN_SPLIT_ELEMENTS = 2 ** 17


def _run(kernel, args, x):
    """kernel(*args, first, last) over x's channels (axis 1), split over the threads for large x while
    that measures faster (right after a BLAS product OpenBLAS's threads may still hold the cores)."""
    split.run_measured("batch_norm" + kernel.__name__, kernel, args, x.shape[1], x.size, min_work=MIN_SPLIT_ELEMENTS)


@_sums
def _stats(x, mean, var, first, last):
    n, c, length = x.shape
    count = n * length
    mean, var = mean[first:last], var[first:last]   # indexed from 0 below: no negative-index wraparound
    for k in range(last - first):
        ch = first + k
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
        mean[k] = m
        var[k] = ss / count


@_map
def _stats_rows(x, mean, var):
    """_stats for BatchNorm1d's (N, C) input x: row by row, a vector of channels at a time, instead
    of striding down each channel (on one thread)."""
    n, c = x.shape
    mean[:] = 0.0
    var[:] = 0.0
    for i in range(n):
        row = x[i]
        for k in range(c):
            mean[k] += row[k]
    mean /= n
    for i in range(n):
        row = x[i]
        for k in range(c):
            d = row[k] - mean[k]
            var[k] += d * d
    var /= n


def stats(x):
    """Per-channel mean and biased variance of x (N, C, L), both float64 (C,)."""
    mean = np.empty(x.shape[1], np.float64)
    var = np.empty(x.shape[1], np.float64)
    if x.shape[2] == 1:
        _stats_rows(x.reshape(x.shape[:2]), mean, var)
    else:
        _run(_stats, (x, mean, var), x)
    return mean, var


@_map
def _normalize(x, mean, scale, shift, y, first, last):
    n, c, length = x.shape
    for i in range(n):
        for k in range(last - first):
            ch = first + k
            m, a, b = mean[ch], scale[ch], shift[ch]
            for j in range(length):
                y[i, ch, j] = (x[i, ch, j] - m) * a + b


def normalize(x, mean, scale, shift):
    """(x - mean) * scale + shift per channel of x (N, C, L) (vectors (C,) in x's dtype)."""
    y = np.empty_like(x)
    _run(_normalize, (x, mean, scale, shift, y), x)
    return y


@_sums
def _sums_of(gy, x, mean, sum_gy, sum_gyd, first, last):
    n, c, length = x.shape
    sum_gy, sum_gyd = sum_gy[first:last], sum_gyd[first:last]   # indexed from 0: no wraparound
    for k in range(last - first):
        ch = first + k
        m = mean[ch]
        s, sd = 0.0, 0.0
        for i in range(n):
            for j in range(length):
                g = gy[i, ch, j]
                s += g
                sd += g * (x[i, ch, j] - m)
        sum_gy[k] = s
        sum_gyd[k] = sd


@_map
def _sums_of_rows(gy, x, mean, sum_gy, sum_gyd):
    """_sums_of for (N, C) input, row by row (as _stats_rows)."""
    n, c = x.shape
    sum_gy[:] = 0.0
    sum_gyd[:] = 0.0
    for i in range(n):
        g = gy[i]
        row = x[i]
        for k in range(c):
            sum_gy[k] += g[k]
            sum_gyd[k] += g[k] * (row[k] - mean[k])


@_map
def _input_grad(gy, x, mean, a, b, c0, gx, first, last):
    """gy * a + (x - mean) * b + c0 per channel."""
    n, c, length = x.shape
    for i in range(n):
        for k in range(last - first):
            ch = first + k
            m, ka, kb, kc = mean[ch], a[ch], b[ch], c0[ch]
            for j in range(length):
                gx[i, ch, j] = gy[i, ch, j] * ka + (x[i, ch, j] - m) * kb + kc


def backward(gy, x, mean, scale, invstd, training, need_input):
    """The numba twin of array_kernels.batch_norm.backward (same arguments and results)."""
    gy = np.ascontiguousarray(gy)
    sum_gy = np.empty(x.shape[1], np.float64)
    sum_gyd = np.empty(x.shape[1], np.float64)
    if x.shape[2] == 1:
        _sums_of_rows(gy.reshape(x.shape[:2]), x.reshape(x.shape[:2]), mean, sum_gy, sum_gyd)
    else:
        _run(_sums_of, (gy, x, mean, sum_gy, sum_gyd), x)
    gx = None
    if need_input:
        if training:
            count = x.shape[0] * x.shape[2]
            b = (-scale * invstd * invstd * (sum_gyd / count)).astype(x.dtype)
            c0 = (-scale * (sum_gy / count)).astype(x.dtype)
            gx = np.empty_like(x)
            _run(_input_grad, (gy, x, mean, scale, b, c0, gx), x)
        else:
            gx = gy * scale[:, None]
    return gx, sum_gy, sum_gyd
