"""Products of a sparse matrix (entries rows, cols, values) with dense matrices as compiled loops: one pass
over the entries, each adding its scaled dense row into its result row (spmm) or taking one dot product
(sddmm, the values' gradient), so nothing of the entries' size is ever materialised."""
import numpy as np

from . import jit


@jit.kernel
def _spmm(rows, cols, values, dense, out):
    for e in range(rows.shape[0]):
        r, c, v = rows[e], cols[e], values[e]
        for j in range(dense.shape[1]):
            out[r, j] += v * dense[c, j]


@jit.kernel_sums
def _sddmm(rows, cols, a, b, out):
    for e in range(rows.shape[0]):
        r, c = rows[e], cols[e]
        total = 0.0
        for j in range(a.shape[1]):
            total += a[r, j] * b[c, j]
        out[e] = total



def spmm(rows, cols, values, dense, m):
    """(m, N) result of the sparse matrix times the dense (K, N) matrix (see numpy_kernels.sparse.spmm)."""
    dtype = np.result_type(values.dtype, dense.dtype)
    out = np.zeros((m, dense.shape[1]), dtype)
    _spmm(rows, cols, values.astype(dtype, copy=False), np.ascontiguousarray(dense, dtype=dtype), out)
    return out


def sddmm(rows, cols, a, b):
    """(nnz,) dot products a[rows[e]] . b[cols[e]]."""
    dtype = np.result_type(a.dtype, b.dtype)
    out = np.empty(rows.size, dtype)
    _sddmm(rows, cols, np.ascontiguousarray(a, dtype=dtype), np.ascontiguousarray(b, dtype=dtype), out)
    return out
