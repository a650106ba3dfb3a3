"""The column-major strided-batched plan of a matmul (backends/array_kernels/strided_gemm.py), which `ag.jit`'s
CUDA graphs hand to cuBLAS: checked on the CPU by a stand-in for cuBLAS that reads and writes memory through
the given leading dimensions and batch strides, and refuses reads outside each operand."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

from backends.array_kernels import strided_gemm
from backends.array_kernels.strided_gemm import OP_N, strided_matmul


def _extent(x):
    """The largest element offset x reaches from its first element (its strides are non-negative here)."""
    return sum((d - 1) * s // x.itemsize for d, s in zip(x.shape, x.strides) if d)


def cublas_stand_in(op_1, op_2, m, n, k, x1, ld1, s1, x2, ld2, s2, c, ldc, sc, count):
    """cublas<t>gemmStridedBatched with alpha 1 and beta 0, on NumPy arrays, memory read as cuBLAS reads it."""
    def matrix(x, op, rows, cols, ld, stride):   # op(X) is rows x cols
        stored = (rows, cols) if op == OP_N else (cols, rows)
        assert ld >= max(1, stored[0]), "leading dimension shorter than a column"
        assert stride >= 0 and (count - 1) * stride + stored[0] - 1 + (stored[1] - 1) * ld <= _extent(x), \
            "reads past the operand"
        memory = as_strided(x, (count,) + stored, (stride * x.itemsize, x.itemsize, ld * x.itemsize))
        return memory if op == OP_N else memory.transpose(0, 2, 1)

    assert ldc >= max(1, m) and c.flags.c_contiguous
    product = np.matmul(matrix(x1, op_1, m, k, ld1, s1).astype(np.float64),
                        matrix(x2, op_2, k, n, ld2, s2).astype(np.float64))
    as_strided(c, (count, m, n), (sc * c.itemsize, c.itemsize, ldc * c.itemsize))[...] = product


def operand_pairs(r):
    """(name, a, b) pairs covering layouts, broadcasting, vectors and empty sizes; r(*shape) makes an array
    (NumPy here, CuPy in tests/backends/test_cupy_kernels.py)."""
    yield "plain", r(5, 7), r(7, 3)
    yield "a transposed", r(7, 5).T, r(7, 3)
    yield "b transposed", r(5, 7), r(3, 7).T
    yield "both transposed", r(7, 5).T, r(3, 7).T
    yield "row slices", r(5, 14)[:, ::2], r(7, 6)[:, 1:4]
    yield "reversed rows", r(5, 7)[::-1], r(7, 3)
    yield "vector @ matrix", r(7), r(7, 3)
    yield "matrix @ vector", r(5, 7), r(7)
    yield "vector @ vector", r(7), r(7)
    yield "batched", r(4, 5, 7), r(4, 7, 3)
    yield "batched transposed", r(4, 7, 5).transpose(0, 2, 1), r(4, 3, 7).transpose(0, 2, 1)
    yield "batch @ matrix", r(4, 5, 7), r(7, 3)
    yield "matrix @ batch", r(5, 7), r(4, 7, 3)
    yield "broadcast batches", r(2, 1, 5, 7), r(3, 7, 3)
    yield "batch of one", r(1, 5, 7), r(4, 7, 3)
    yield "vector @ batch", r(7), r(4, 7, 3)
    yield "one row", r(1, 7), r(7, 3)
    yield "one column", r(5, 1), r(1, 3)
    yield "k = 0", r(5, 0), r(0, 3)
    yield "m = 0", r(0, 7), r(7, 3)
    yield "empty batch", r(0, 5, 7), r(7, 3)
    yield "strided batch", r(4, 5, 7)[::2], r(2, 7, 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_the_plan_reproduces_numpy_matmul(dtype):
    rng = np.random.default_rng(0)
    for name, a, b in operand_pairs(lambda *shape: rng.standard_normal(shape).astype(dtype)):
        ours = strided_matmul(np, a, b, cublas_stand_in)
        expected = np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(dtype)
        assert ours.shape == expected.shape and ours.dtype == np.dtype(dtype), name
        np.testing.assert_allclose(ours, expected, rtol=2e-3 if dtype == np.float16 else 1e-6,
                                   atol=2e-2 if dtype == np.float16 else 1e-6, err_msg=name)


def test_operands_cublas_can_read_are_not_copied():
    a = np.ones((7, 5)).T
    b = np.ones((4, 7, 3))
    seen = []
    strided_matmul(np, a, b, lambda *args: seen.append(args))
    (op_1, op_2, m, n, k, x1, ld1, s1, x2, ld2, s2, c, ldc, sc, count), = seen
    assert np.shares_memory(x2, a) and op_2 == strided_gemm.OP_T and s2 == 0    # a read transposed, shared
    assert np.shares_memory(x1, b) and op_1 == OP_N and s1 == 21 and count == 4


@pytest.mark.parametrize("a_shape, b_shape", [((), (3,)), ((3, 4), (5, 2)), ((2, 3, 4), (3, 4, 2))])
def test_what_one_call_cannot_do_is_left_to_the_caller(a_shape, b_shape):
    assert strided_matmul(np, np.ones(a_shape), np.ones(b_shape), cublas_stand_in) is None
