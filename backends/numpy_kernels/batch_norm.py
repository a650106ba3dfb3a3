"""Batch normalisation's NumPy passes (array_kernels.batch_norm) split by channel over the thread
count (backends/workers.py): NumPy's loops run on one core, and they release the GIL, so each thread
runs every pass of a kernel over its own channels.

Every channel's numbers are computed exactly as on one thread (the same row sums, the same order
across the batch), so the results are bit for bit those of ag.set_num_threads(1).

Measured (float32, 2-core machine): b64 16ch 32x32, forward statistics + normalise + backward
1.85 ms on one thread, 1.2 ms on two; at b16 16ch 32x32 (a quarter of that) two threads gain
nothing, hence MIN_SPLIT_ELEMENTS.
"""
import numpy as np

from .. import workers
from ..array_kernels import batch_norm as passes

#: inputs with fewer elements run on one thread: below this a helper's hand-off (about 30 us) costs
#: what its half of the passes saves
MIN_SPLIT_ELEMENTS = 2 ** 19


def _parts(x):
    return workers.parts(x.shape[1], x.size, MIN_SPLIT_ELEMENTS)


def stats(x):
    """Per-channel mean and biased variance of x (N, C, L), both float64 (C,)."""
    count = _parts(x)
    if count == 1:
        return passes.stats(np, x)
    mean = np.empty(x.shape[1], np.float64)
    var = np.empty(x.shape[1], np.float64)

    def part(first, last):
        mean[first:last], var[first:last] = passes.stats(np, x[:, first:last])
    workers.run(part, x.shape[1], count)
    return mean, var


def normalize(x, mean, scale, shift):
    """(x - mean) * scale + shift per channel of x (N, C, L): see array_kernels.batch_norm.normalize."""
    count = _parts(x)
    if count == 1:
        return passes.normalize(np, x, mean, scale, shift)
    y = np.empty_like(x)

    def part(first, last):
        cut = slice(first, last)
        passes.normalize(np, x[:, cut], mean[cut], scale[cut], None if shift is None else shift[cut],
                         out=y[:, cut])
    workers.run(part, x.shape[1], count)
    return y


def backward(gy, x, mean, scale, invstd, training, need_input):
    """(gx or None, sum gy, sum gy * (x - mean)): see array_kernels.batch_norm.backward."""
    count = _parts(x)
    if count == 1:
        return passes.backward(np, gy, x, mean, scale, invstd, training, need_input)
    gx = np.empty_like(x) if need_input else None
    sum_gy = np.empty(x.shape[1], np.float64)
    sum_gyd = np.empty(x.shape[1], np.float64)

    def part(first, last):
        cut = slice(first, last)
        _, sum_gy[cut], sum_gyd[cut] = passes.backward(
            np, gy[:, cut], x[:, cut], mean[cut], scale[cut], invstd[cut], training, need_input,
            out=None if gx is None else gx[:, cut])
    workers.run(part, x.shape[1], count)
    return gx, sum_gy, sum_gyd
