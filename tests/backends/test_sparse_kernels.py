"""The sparse-matrix kernels (spmm, sddmm) of each host device against dense products: unsorted and repeated
entries, empty matrices, float32 and float64, and the NumPy path without SciPy in small chunks."""
import numpy as np
import pytest

import backends
from backends.numpy_kernels import sparse as numpy_sparse


def _case(seed, m=7, k=5, n=3, nnz=20, dtype=np.float64):
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, m, nnz), rng.integers(0, k, nnz)
    values, dense = rng.standard_normal(nnz).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    matrix = np.zeros((m, k), dtype)
    np.add.at(matrix, (rows, cols), values)
    return rows, cols, values, dense, matrix


@pytest.mark.parametrize("device", ["cpu", "numba"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_spmm_and_sddmm_equal_dense_products(device, dtype):
    kernels = backends.get_backend(device)
    rows, cols, values, dense, matrix = _case(1, dtype=dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    out = kernels.spmm(rows, cols, values, dense, 7)
    assert out.dtype == dtype and out.shape == (7, 3)
    np.testing.assert_allclose(out, matrix @ dense, rtol=tol, atol=tol)
    a, b = np.random.default_rng(2).standard_normal((7, 3)).astype(dtype), dense
    np.testing.assert_allclose(kernels.sddmm(rows, cols, a, b), (a[rows] * b[cols]).sum(1), rtol=tol, atol=tol)
    empty = kernels.spmm(rows[:0], cols[:0], values[:0], dense, 4)
    assert empty.shape == (4, 3) and not empty.any()


def test_the_numpy_path_without_scipy_in_small_chunks(monkeypatch):
    monkeypatch.setattr(numpy_sparse, "scipy_sparse", None)
    monkeypatch.setattr(numpy_sparse, "CHUNK_BYTES", 40)   # a few entries a chunk: rows span chunks
    rows, cols, values, dense, matrix = _case(3, nnz=50)
    np.testing.assert_allclose(numpy_sparse.spmm(rows, cols, values, dense, 7), matrix @ dense, rtol=1e-12,
                               atol=1e-12)
    order = np.argsort(rows, kind="stable")
    np.testing.assert_allclose(numpy_sparse.spmm(rows[order], cols[order], values[order], dense, 7),
                               matrix @ dense, rtol=1e-12, atol=1e-12)
