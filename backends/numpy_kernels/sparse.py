"""Products of a sparse matrix, given as its entries (rows, cols, values), with dense matrices.

spmm uses SciPy's compressed-row product where SciPy is installed (an optional dependency). Without it,
each entry's dense row is gathered, scaled and summed into its result row by np.add.reduceat, a chunk of
entries at a time so that the scaled rows never take more than CHUNK_BYTES; the rows are gathered
transposed, (N, entries), since reduceat along the last axis runs about 10x faster than along the first.
sddmm is the product's gradient for the values: per entry, the dot product of a row of one matrix and a
row of the other."""
import numpy as np

try:
    import scipy.sparse as scipy_sparse
except ImportError:   # optional: the NumPy passes below do it
    scipy_sparse = None

CHUNK_BYTES = 32 << 20


def _chunks(count, row_bytes):
    step = max(1, CHUNK_BYTES // max(row_bytes, 1))
    return range(0, count, step), step


def spmm(rows, cols, values, dense, m):
    """(m, N) result of the sparse matrix (entries rows, cols, values) times the dense (K, N) matrix."""
    dtype = np.result_type(values.dtype, dense.dtype)
    if scipy_sparse is not None and dtype.kind in "fc" and rows.size:
        matrix = scipy_sparse.csr_matrix((values.astype(dtype, copy=False), (rows, cols)),
                                         shape=(m, dense.shape[0]))
        return np.ascontiguousarray(matrix @ dense.astype(dtype, copy=False))
    return spmm_numpy(rows, cols, values, dense, m)


def spmm_numpy(rows, cols, values, dense, m):
    """spmm with NumPy alone."""
    dtype = np.result_type(values.dtype, dense.dtype)
    out = np.zeros((m, dense.shape[1]), dtype)
    if rows.size == 0 or dense.shape[1] == 0:
        return out
    if rows.size > 1 and not bool(np.all(rows[1:] >= rows[:-1])):
        order = np.argsort(rows, kind="stable")
        rows, cols, values = rows[order], cols[order], values[order]
    columns = np.ascontiguousarray(dense.T, dtype=dtype)   # (N, K): a gather of entries is then along the rows
    starts, step = _chunks(rows.size, dense.shape[1] * dtype.itemsize)
    for start in starts:
        r, c, v = rows[start:start + step], cols[start:start + step], values[start:start + step]
        scaled = columns[:, c] * v
        first = np.concatenate(([0], np.flatnonzero(r[1:] != r[:-1]) + 1))
        out[r[first]] += np.add.reduceat(scaled, first, axis=1).T
    return out


def sddmm(rows, cols, a, b):
    """(nnz,) dot products a[rows[e]] . b[cols[e]] (the gradient of spmm for the values)."""
    out = np.empty(rows.size, np.result_type(a.dtype, b.dtype))
    starts, step = _chunks(rows.size, a.shape[1] * out.dtype.itemsize * 2)
    for start in starts:
        stop = start + step
        out[start:stop] = np.einsum("ij,ij->i", a[rows[start:stop]], b[cols[start:stop]])
    return out
