"""Batch normalisation's passes over memory, written once over the array module `xp`: per-channel
statistics, the normalising affine map, and the backward's sums and input gradient.

Every kernel sees the input as (N, C, L) (L = H * W, or 1 for (N, C) input) and per-channel vectors
(C,). Statistics and gradient sums come back in float64: float32 partial sums over each (sample,
channel) row (NumPy's einsum: relative error against float64 measured 1e-7 at 1,024 elements, 6e-7
at 16,384, 2e-6 at 100,000), added up across the batch in float64, and the variance taken around the
mean (two passes), so a large mean against a small spread loses no precision.
"""
import numpy as np


def row_sums(xp, a, b=None):
    """Per-(sample, channel) sums of a, or of a * b, (N, C), in a's dtype.

    Each row is summed by the same loop whatever the other rows are (NumPy's einsum, which also
    reads the rows at BLAS's speed, three times faster than sum(axis=2)), so a part of the rows
    sums exactly as the whole does: a BLAS matrix-vector product rounds a row differently with the
    row count and its thread count. CuPy's reduction kernels have no such dependence.
    """
    if xp is not np:
        return a.sum(axis=2) if b is None else (a * b).sum(axis=2)   # CuPy's einsum would call cuBLAS
    operands = (a,) if b is None else (a, b)
    spec = "ncl,ncl->nc" if b is not None else "ncl->nc"
    if a.shape[:2] != (1, 1):
        return np.einsum(spec, *operands)
    # einsum sums a lone row as a whole array, rounding it otherwise: seen twice, it is a row
    return np.einsum(spec, *(np.broadcast_to(v, (2,) + v.shape[1:]) for v in operands))[:1]


def channel_total(rows, count):
    """(N, C) row sums -> per-channel float64 (C,), divided by `count`."""
    return rows.sum(axis=0, dtype=np.float64) / count


def stats(xp, x):
    """Per-channel mean and biased variance of x (N, C, L), both float64 (C,)."""
    count = x.shape[0] * x.shape[2]
    mean = channel_total(row_sums(xp, x), count)
    rounded = mean.astype(x.dtype)
    d = x - rounded[:, None]
    # the variance around the rounded mean, less the square of that rounding
    var = channel_total(row_sums(xp, d, d), count) - (mean - rounded) ** 2
    return mean, xp.maximum(var, 0.0)


def normalize(xp, x, mean, scale, shift, out=None):
    """(x - mean) * scale + shift per channel of x (N, C, L); mean, scale, shift (C,) in x's dtype,
    shift None for none. Written into `out` (x's shape and dtype) when given.

    Computed as x * scale + (shift - mean * scale), two passes instead of three, as PyTorch's CPU
    kernel does (the same rounding: its error grows with |mean| / std like the oracle's).
    """
    offset = -mean.astype(np.float64) * scale
    if shift is not None:
        offset += shift
    y = xp.multiply(x, scale[:, None], out=out)
    y += offset.astype(x.dtype)[:, None]
    return y


def backward(xp, gy, x, mean, scale, invstd, training, need_input, out=None):
    """(gx or None, sum gy, sum gy * (x - mean)) for batch norm's output gradient gy (N, C, L).

    mean, scale (= invstd * weight) and invstd are (C,) in x's dtype. gx, when `need_input`, is
    (gy - mean(gy) - (x - mean) * invstd^2 * mean(gy * (x - mean))) * scale with batch statistics
    (`training`), gy * scale otherwise, written into `out` (x's shape and dtype) when given. The two
    sums are float64 (C,).
    """
    count = x.shape[0] * x.shape[2]
    d = xp.subtract(x, mean[:, None], out=out if need_input and training else None)
    sum_gy = channel_total(row_sums(xp, gy), 1)
    sum_gyd = channel_total(row_sums(xp, gy, d), 1)
    gx = None
    if need_input:
        if training:
            # gx = (gy - (d * k + mean(gy))) * scale, in place in d
            d *= (invstd * invstd * (sum_gyd / count)).astype(x.dtype)[:, None]
            d += (sum_gy / count).astype(x.dtype)[:, None]
            gx = xp.subtract(gy, d, out=d)
            gx *= scale[:, None]
        else:
            gx = xp.multiply(gy, scale[:, None], out=out)
    return gx, sum_gy, sum_gyd
