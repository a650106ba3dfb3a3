"""2x2 max pooling at stride 2 (the common window) and the max-pooling gradient as Numba kernels:
each window scanned once for its maximum and argmax (NumPy's vectorised version makes about ten
passes over strided views: 28 ms against 2 for b32 64ch 56x56), and gy scattered to the argmax
positions in one pass (NumPy needs bincount over the whole output, plus offsets and a cast).

Other windows and average pooling stay NumPy's: a general compiled window loop ran slower than
NumPy's passes for 3x3 windows, and average pooling at LeNet-5 sizes was as fast as these loops could
be made (`python -m benchmarks.numba_kernels`).
"""
import numpy as np

from ..array_kernels.pool import check_max_pool_grad, geometry
from . import jit, split


@jit.kernel
def _max_pool_2x2(x3, y3, arg3, first, last):
    # PyTorch's CPU rule: a window's index starts at its first element and moves to each later
    # element that is larger or NaN (so a window with NaNs points at its last NaN); unrolled, as a
    # loop over the window positions ran 7x slower
    ho, wo = y3.shape[1], y3.shape[2]
    w = x3.shape[2]
    for p in range(first, last):
        for i in range(ho):
            top = 2 * i * w
            for j in range(wo):
                at = top + 2 * j
                best = x3[p, 2 * i, 2 * j]
                best_index = at
                v = x3[p, 2 * i, 2 * j + 1]
                if v > best or v != v:
                    best = v
                    best_index = at + 1
                v = x3[p, 2 * i + 1, 2 * j]
                if v > best or v != v:
                    best = v
                    best_index = at + w
                v = x3[p, 2 * i + 1, 2 * j + 1]
                if v > best or v != v:
                    best = v
                    best_index = at + w + 1
                y3[p, i, j] = best
                arg3[p, i, j] = best_index


#: rows of fewer windows than this take _max_pool_2x2_short_rows: LLVM leaves such short loops of the kernel
#: above unvectorised, and its scalar compares ran at 15-16 ns a window on random data (AVX2 EPYC), against
#: 1.3-1.6 for 28-window rows and 9.8-12 for the two passes below (LeNet-5's 14- and 5-window rows)
SHORT_ROW = 16


@jit.kernel
def _max_pool_2x2_short_rows(x3, y3, arg3, first, last):
    # the same rule as _max_pool_2x2, in two passes: each row's horizontal pairs (one long loop over the
    # plane, as the width is 2 * wo), then each pair of those rows; a later element wins when larger or
    # NaN, so the bottom pair's winner replaces the top's on the same test
    ho, wo = y3.shape[1], y3.shape[2]
    h, w = x3.shape[1], x3.shape[2]
    pairs = np.empty(2 * ho * wo, x3.dtype)
    where = np.empty(2 * ho * wo, np.int64)
    for p in range(first, last):
        flat = x3[p].reshape(h * w)
        for m in range(2 * ho * wo):
            a = flat[2 * m]
            b = flat[2 * m + 1]
            take = (b > a) | (b != b)
            pairs[m] = b if take else a
            where[m] = 2 * m + 1 if take else 2 * m
        for i in range(ho):
            for j in range(wo):
                top = 2 * i * wo + j
                bottom = top + wo
                v = pairs[bottom]
                take = (v > pairs[top]) | (v != v)
                y3[p, i, j] = v if take else pairs[top]
                arg3[p, i, j] = where[bottom] if take else where[top]


def fast_path(x, kernel, stride, padding, dilation, ceil_mode):
    """True when max_pool2d below serves these arguments: 2x2 windows at stride 2 without padding, on
    float arrays (other windows stay NumPy's: a general compiled window loop measured slower than
    NumPy's passes for 3x3 windows, its compares mispredicting)."""
    return (x.ndim == 4 and x.dtype in (np.float32, np.float64) and tuple(kernel) == (2, 2)
            and tuple(stride) == (2, 2) and tuple(padding) == (0, 0) and tuple(dilation) == (1, 1)
            and (not ceil_mode or (x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0)))


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) in 2x2 windows at stride 2 (see fast_path) -> (y, argmax); argmax
    holds int64 flat indices into H*W, as the cpu device's (PyTorch's) max_pool2d."""
    ho, wo = geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    n, c, h, w = x.shape
    y = np.empty((n, c, ho, wo), x.dtype)
    argmax = np.empty((n, c, ho, wo), np.int64)
    kernel = _max_pool_2x2_short_rows if wo < SHORT_ROW and w == 2 * wo else _max_pool_2x2
    split.run(kernel, (np.ascontiguousarray(x).reshape(n * c, h, w), y.reshape(n * c, ho, wo),
                       argmax.reshape(n * c, ho, wo)), n * c, n * c * ho * wo * 4)
    return y, argmax


@jit.kernel
def _max_pool_grad(gy2, arg2, dx2):
    for p in range(gy2.shape[0]):
        for k in range(gy2.shape[1]):
            dx2[p, arg2[p, k]] += gy2[p, k]


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions (int64 flat indices into H*W
    from max_pool2d), shape `x_shape`."""
    check_max_pool_grad(gy, argmax, x_shape)
    n, c, h, w = x_shape
    dx = np.zeros((n * c, h * w), gy.dtype)
    pooled = int(np.prod(gy.shape[2:]))   # explicit, since -1 is ambiguous when there are no planes
    _max_pool_grad(np.ascontiguousarray(gy).reshape(n * c, pooled),
                   np.ascontiguousarray(argmax, dtype=np.int64).reshape(n * c, pooled), dx)
    return dx.reshape(tuple(x_shape))
