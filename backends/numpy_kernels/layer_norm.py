"""Layer normalisation's passes for the cpu device: array_kernels.layer_norm's formulas over blocks of
rows small enough to stay in cache between the passes, the blocks split over the thread count
(backends/workers.py; NumPy releases the GIL in its loops).

Every row is computed as on one thread, and the weight and bias gradients are summed block by block
(fixed blocks, whatever the thread count) and then over the blocks in order, so the results do not
depend on the number of threads.
"""
import numpy as np

from .. import workers
from ..array_kernels import layer_norm as reference

#: elements of one block of rows (float32: 1 MB, so its temporaries stay in cache between passes)
BLOCK_ELEMENTS = 2 ** 18
#: inputs with fewer elements run on the calling thread (a helper's hand-off costs what it saves)
MIN_SPLIT_ELEMENTS = 2 ** 20


#: counts that float32 / float64 hold exactly
_EXACT_COUNT = {"f": 2 ** 24, "d": 2 ** 53}


def _row_means(a):
    """a.mean(axis=1) of a float32 or float64 (M, D > 0) array, bit for bit: the two ufunc calls np.mean makes
    (the sum, then a division by the count) without its Python wrapper (a few microseconds, most of a small
    LayerNorm's time)."""
    total = np.add.reduce(a, axis=1)
    count = a.shape[1]
    if count <= _EXACT_COUNT[a.dtype.char]:
        # np.mean divides by an intp, so in float64, and rounds to float32; double rounding is harmless for a
        # division when 53 >= 2 * 24 + 2 bits, so the float32 division gives the same bits without the cast loop
        return np.true_divide(total, a.dtype.type(count), out=total)
    return np.true_divide(total, np.intp(count), out=total, casting="unsafe")


def _blocks(rows, width):
    """[first, last) row ranges of about BLOCK_ELEMENTS elements covering every row."""
    step = max(1, BLOCK_ELEMENTS // max(width, 1))
    return [(first, min(first + step, rows)) for first in range(0, rows, step)]


def _run(name, task, blocks, size):
    count = workers.parts(len(blocks), size, MIN_SPLIT_ELEMENTS)
    workers.run_measured(name, task, len(blocks), size, count)


def forward(x, weight, bias, eps):
    """array_kernels.layer_norm.forward, block by block."""
    # others: np.mean's own casts (and its empty-row warning)
    row_mean = _row_means if x.dtype.char in "fd" and x.shape[1] > 0 else None
    if x.size <= BLOCK_ELEMENTS:   # one block on the calling thread: the reference's arrays as they come
        return reference.forward(np, x, weight, bias, eps, row_mean)
    rows, width = x.shape
    y = np.empty_like(x)
    mean = np.empty(rows, x.dtype)
    invstd = np.empty(rows, x.dtype)
    blocks = _blocks(rows, width)

    def part(first, last):
        for a, b in blocks[first:last]:
            y[a:b], mean[a:b], invstd[a:b] = reference.forward(np, x[a:b], weight, bias, eps, row_mean)
    _run("layer_norm_forward", part, blocks, x.size)
    return y, mean, invstd


def backward(gy, x, mean, invstd, weight, need_input, need_weight, need_bias):
    """array_kernels.layer_norm.backward, block by block."""
    row_mean = _row_means if x.dtype.char in "fd" and x.shape[1] > 0 else None
    if x.size <= BLOCK_ELEMENTS:   # one block on the calling thread
        return reference.backward(np, gy, x, mean, invstd, weight, need_input, need_weight, need_bias, row_mean)
    rows, width = x.shape
    blocks = _blocks(rows, width)
    gx = np.empty_like(x) if need_input else None
    sums = {name: np.empty((len(blocks), width), x.dtype) for name, need in (("w", need_weight), ("b", need_bias))
            if need}

    def part(first, last):
        for k in range(first, last):
            a, b = blocks[k]
            g, g_w, g_b = reference.backward(np, gy[a:b], x[a:b], mean[a:b], invstd[a:b], weight, need_input,
                                             need_weight, need_bias, row_mean)
            if need_input:
                gx[a:b] = g
            if need_weight:
                sums["w"][k] = g_w
            if need_bias:
                sums["b"][k] = g_b
    _run("layer_norm_backward", part, blocks, x.size)
    g_weight = sums["w"].sum(axis=0) if need_weight else None
    g_bias = sums["b"].sum(axis=0) if need_bias else None
    return gx, g_weight, g_bias
