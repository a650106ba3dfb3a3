"""Batch normalisation's passes for the cpu device: the formulas of array_kernels.batch_norm, run over
cache-sized blocks and split by channel over the thread count (backends/workers.py).

Each block (a few samples by a few channels, about BLOCK_ELEMENTS) goes through every elementwise
pass of a kernel while it is in the core's cache, so a temporary (x - mean, the input gradient's
intermediate terms) is written and read back there: on arrays larger than the cache, memory traffic
is what NumPy's passes wait on (b64 16ch 32x32 float32: a pass reads 4 MB from memory at about twice its
time from cache). NumPy releases the GIL in its loops, so the threads run at once; each owns whole
channels, and every channel's numbers (row sums, their float64 totals across the batch, the
elementwise terms) are computed as on one thread: the results equal ag.set_num_threads(1)'s bit for
bit, and array_kernels.batch_norm's.
"""
import numpy as np

from .. import workers
from ..array_kernels.batch_norm import channel_total, row_sums

#: elements of one block (float32: 1 MB, so a block and its temporary stay in cache between passes;
#: smaller blocks cost more in per-call overhead than they save: measured 2^14 to 2^18)
BLOCK_ELEMENTS = 2 ** 18
#: inputs with fewer elements run on one thread: below this a helper's hand-off (about 50 us) and the
#: two threads' turns at the GIL between NumPy calls cost what its half of the passes saves (float32,
#: forward + backward: b32 16ch 32x32 0.82 ms on one thread, 0.84 on two; b64 1.79 against 1.45)
MIN_SPLIT_ELEMENTS = 2 ** 20
#: the same for normalize alone (eval mode's forward), two passes: b64 16ch 32x32 0.26 ms on one thread
#: and on two; b32 64ch 56x56 2.7 against 2.4
MIN_SPLIT_NORMALIZE = 2 ** 22


def _parts(x, normalize_only=False):
    return workers.parts(x.shape[1], x.size, MIN_SPLIT_NORMALIZE if normalize_only else MIN_SPLIT_ELEMENTS)


def _blocks(shape, first, last):
    """(sample slice, channel slice) blocks covering channels [first, last) of every sample of an
    (N, C, L) array, each about BLOCK_ELEMENTS."""
    n, _, length = shape
    width = last - first
    per_sample = width * length
    if per_sample <= BLOCK_ELEMENTS:
        step = max(1, BLOCK_ELEMENTS // per_sample)
        return [(slice(s, min(s + step, n)), slice(first, last)) for s in range(0, n, step)]
    step = max(1, BLOCK_ELEMENTS // length)
    return [(slice(s, s + 1), slice(c, min(c + step, last))) for s in range(n) for c in range(first, last, step)]


def _flat(a, samples, channels):
    """The block a[samples, channels] of a C-contiguous (N, C, L) array as a (samples, channels * L) view."""
    block = a[samples, channels]
    return block.reshape(block.shape[0], -1)


class _Rows:
    """Per-channel vectors of one part (channels [first, last)) spread along L, each channel's value
    repeated L times: a block times such a row is one loop over each sample's channels * L elements.

    NumPy runs an operand broadcast along L (v[:, None]) through its buffered loop whenever L is
    under its 8192-element buffer, at half the speed or less (b64 16ch 32x32: 0.2 against 0.09 ms a
    pass); a repeated row costs one small array per part instead.
    """

    def __init__(self, first, last, length):
        self.first, self.length = first, length
        self.width = (last - first) * length

    def spread(self, values):
        """values (last - first,) -> the (width,) row."""
        return np.repeat(values, self.length)

    def cut(self, row, channels):
        """The part of a row under a block's channels."""
        return row[(channels.start - self.first) * self.length:(channels.stop - self.first) * self.length]


def _contiguous(*arrays):
    return [np.ascontiguousarray(a) for a in arrays]


def stats(x):
    """Per-channel mean and biased variance of x (N, C, L), both float64 (C,): see
    array_kernels.batch_norm.stats."""
    x, = _contiguous(x)
    count = x.shape[0] * x.shape[2]
    mean = np.empty(x.shape[1], np.float64)
    var = np.empty(x.shape[1], np.float64)
    squares = np.empty(x.shape[:2], x.dtype)

    def part(first, last):
        cut = slice(first, last)
        mean[cut] = channel_total(row_sums(np, x[:, cut]), count)
        rounded = mean[cut].astype(x.dtype)
        rows = _Rows(first, last, x.shape[2])
        centre = rows.spread(rounded)
        for samples, channels in _blocks(x.shape, first, last):
            d = _flat(x, samples, channels) - rows.cut(centre, channels)
            d = d.reshape(d.shape[0], -1, x.shape[2])
            squares[samples, channels] = row_sums(np, d, d)
        var[cut] = channel_total(squares[:, cut], count) - (mean[cut] - rounded) ** 2
    workers.run_measured("batch_norm_stats", part, x.shape[1], x.size, _parts(x))
    return mean, np.maximum(var, 0.0)


def normalize(x, mean, scale, shift):
    """(x - mean) * scale + shift per channel of x (N, C, L), as x * scale + (shift - mean * scale):
    see array_kernels.batch_norm.normalize."""
    x, = _contiguous(x)
    offset = -mean.astype(np.float64) * scale
    if shift is not None:
        offset += shift
    offset = offset.astype(x.dtype)
    y = np.empty(x.shape, x.dtype)

    def part(first, last):
        rows = _Rows(first, last, x.shape[2])
        factor, add = rows.spread(scale[first:last]), rows.spread(offset[first:last])
        for samples, channels in _blocks(x.shape, first, last):
            block = _flat(y, samples, channels)
            np.multiply(_flat(x, samples, channels), rows.cut(factor, channels), out=block)
            block += rows.cut(add, channels)
    workers.run_measured("batch_norm_normalize", part, x.shape[1], x.size, _parts(x, normalize_only=True))
    return y


def backward(gy, x, mean, scale, invstd, training, need_input):
    """(gx or None, sum gy, sum gy * (x - mean)) for batch norm's output gradient gy (N, C, L): see
    array_kernels.batch_norm.backward."""
    gy, x = _contiguous(gy, x)
    count, length = x.shape[0] * x.shape[2], x.shape[2]
    gx = np.empty(x.shape, x.dtype) if need_input else None
    sum_gy = np.empty(x.shape[1], np.float64)
    sum_gyd = np.empty(x.shape[1], np.float64)
    sums = np.empty(x.shape[:2], x.dtype)
    products = np.empty(x.shape[:2], x.dtype)

    def part(first, last):
        cut = slice(first, last)
        rows = _Rows(first, last, length)
        centre = rows.spread(mean[cut])
        blocks = _blocks(x.shape, first, last)
        keep = need_input and training   # then x - mean stays in gx's blocks for the second loop
        for samples, channels in blocks:
            g = gy[samples, channels]
            d = np.subtract(_flat(x, samples, channels), rows.cut(centre, channels),
                            out=_flat(gx, samples, channels) if keep else None)
            products[samples, channels] = row_sums(np, g, d.reshape(g.shape))
            sums[samples, channels] = row_sums(np, g)
        sum_gy[cut] = channel_total(sums[:, cut], 1)
        sum_gyd[cut] = channel_total(products[:, cut], 1)
        if not need_input:
            return
        factor = rows.spread(scale[cut])
        if not training:
            for samples, channels in blocks:
                np.multiply(_flat(gy, samples, channels), rows.cut(factor, channels),
                            out=_flat(gx, samples, channels))
            return
        # gx = (gy - ((x - mean) * k + mean(gy))) * scale
        k = rows.spread((invstd[cut] * invstd[cut] * (sum_gyd[cut] / count)).astype(x.dtype))
        mean_gy = rows.spread((sum_gy[cut] / count).astype(x.dtype))
        for samples, channels in blocks:
            d = _flat(gx, samples, channels)
            d *= rows.cut(k, channels)
            d += rows.cut(mean_gy, channels)
            np.subtract(_flat(gy, samples, channels), d, out=d)
            d *= rows.cut(factor, channels)
    workers.run_measured("batch_norm_backward", part, x.shape[1], x.size, _parts(x))
    return gx, sum_gy, sum_gyd
