"""NumPy's matmul as one strided-batched product in column-major terms (cuBLAS's `gemmStridedBatched`), written
over the array module `xp`: the shape and broadcasting rules, each operand's layout (row-major, transposed,
or copied when neither), leading dimensions and batch strides. `gemm` does the product; tests give it a
NumPy stand-in that reads memory exactly as cuBLAS does.
"""
import math

import numpy as np

OP_N, OP_T = 0, 1
_INT_MAX = 2 ** 31 - 1


def _operand(xp, x, batch, count):
    """(array read, row-major?, leading dimension, batch stride) of x's matrices for a strided-batched product
    over `count` = prod(batch) matrices; the array is a copy of x where cuBLAS cannot read x as it is (the
    caller keeps it alive until the product is enqueued)."""
    rows, cols = x.shape[-2:]
    if math.prod(x.shape[:-2]) <= 1:
        x, shared = x.reshape(1, rows, cols), True     # one matrix for every product of the batch
    else:
        if tuple(x.shape[:-2]) != batch:
            x = xp.ascontiguousarray(xp.broadcast_to(x, batch + (rows, cols)))
        x, shared = x.reshape(count, rows, cols), False
    step, sr, ss = (stride // x.itemsize for stride in x.strides)
    if step >= 0 and sr >= 0 and (cols == 1 or ss == 1) and (rows == 1 or sr >= cols):
        row_major, lead = True, sr if rows > 1 else max(1, cols)
    elif step >= 0 and ss >= 0 and (rows == 1 or sr == 1) and (cols == 1 or ss >= rows):
        row_major, lead = False, ss if cols > 1 else max(1, rows)
    else:
        x = xp.ascontiguousarray(x)
        step, row_major, lead = rows * cols, True, max(1, cols)
    return x, row_major, lead, 0 if shared else step


def strided_matmul(xp, a, b, gemm):
    """a @ b (NumPy's rules, a and b of one dtype) through `gemm(op_1, op_2, m, n, k, x1, ld1, s1, x2, ld2, s2,
    c, ldc, sc, count)`, which computes, for each of the `count` products, c = op_1(x1) op_2(x2) in column-major
    terms; None where one call cannot do it (0-d operands, shapes that do not align or broadcast, sizes over
    2**31), for the caller's own product and error."""
    if a.ndim == 0 or b.ndim == 0:
        return None
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    (m, k), (k2, n) = a2.shape[-2:], b2.shape[-2:]
    try:
        batch = tuple(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]))
    except ValueError:
        return None
    if k != k2 or max(m, n, k) > _INT_MAX:
        return None
    count = math.prod(batch)
    c = xp.empty((count, m, n), a.dtype)
    if c.size and k == 0:
        c.fill(0)
    elif c.size:
        a3, a_rows, lda, sa = _operand(xp, a2, batch, count)
        b3, b_rows, ldb, sb = _operand(xp, b2, batch, count)
        # row-major C = A B is column-major C^T = B^T A^T: the product takes b's memory first, then a's
        gemm(OP_N if b_rows else OP_T, OP_N if a_rows else OP_T, n, m, k, b3, ldb, sb, a3, lda, sa, c, n, m * n, count)
    c = c.reshape(batch + (m, n))
    if a.ndim == 1:
        c = c[..., 0, :]
    if b.ndim == 1:
        c = c[..., 0]
    return c
