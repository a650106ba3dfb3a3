"""out[index[i]] += src[i] along axis 0 with repeated indices accumulated (embedding gradients).

One pass in index order, each row's columns a contiguous vectorised add (NumPy's np.add.at
walks element by element; bincount needs one pass per column).
"""
import numpy as np

from ..array_kernels.scatter import out_of_bounds
from . import jit


@jit.kernel
def _index_add(out, index, src):
    rows = out.shape[0]
    for i in range(index.shape[0]):
        r = index[i]
        if r < 0:
            r += rows
        for j in range(out.shape[1]):
            out[r, j] += src[i, j]


_COMPILED_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def fast_path(out, index, src):
    """True when `index_add` below handles this call: a C-contiguous float32 or float64 out (Numba has no
    float16), a 1-D integer index array and src of shape (len(index),) + out.shape[1:] with out's dtype."""
    return (isinstance(index, np.ndarray) and index.ndim == 1 and index.dtype.kind in "iu"
            and out.ndim >= 1 and out.flags.c_contiguous and out.dtype in _COMPILED_FLOATS
            and isinstance(src, np.ndarray) and src.dtype == out.dtype
            and src.shape == index.shape + out.shape[1:])


def index_add(out, index, src):
    """out[index[i]] += src[i] in place along axis 0, accumulating repeats (see fast_path for what it takes)."""
    rows = out.shape[0]
    if index.size == 0:
        return
    low, high = index.min(), index.max()
    if low < -rows or high >= rows:
        raise out_of_bounds("index_add", int(low if low < -rows else high), 0, rows, out.shape)
    out2 = out.reshape(rows, -1)
    cols = out2.shape[1]
    src2 = np.ascontiguousarray(src).reshape(index.shape[0], cols)
    _index_add(out2, index.astype(np.int64, copy=False), src2)
