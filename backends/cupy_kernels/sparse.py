"""Products of a sparse matrix (entries rows, cols, values) with dense matrices on the GPU: the scaled dense
rows added into the result rows with atomic adds, and the values' gradient as per-entry dot products."""
import cupy

from .scatter import _add_at


def spmm(rows, cols, values, dense, m):
    """(m, N) result of the sparse matrix times the dense (K, N) matrix."""
    dtype = cupy.result_type(values.dtype, dense.dtype)
    out = cupy.zeros((m, dense.shape[1]), dtype)
    if rows.size:
        _add_at(out, rows, dense[cols].astype(dtype, copy=False) * values[:, None])
    return out


def sddmm(rows, cols, a, b):
    """(nnz,) dot products a[rows[e]] . b[cols[e]]."""
    return (a[rows] * b[cols]).sum(axis=1)
