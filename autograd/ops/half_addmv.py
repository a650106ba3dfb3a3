"""addmv on float16/bfloat16 operands, rounded where PyTorch's CPU kernels round.

PyTorch sends a matrix of at most 4096 elements through its own gemv loop: float32 sums taken one term after
another, with alpha and beta first rounded to the operands' dtype; a float16 alpha of 1 takes the fast path
(beta * y + dot in float32, one rounding), any other alpha the general one, which rounds beta * y to the dtype
before adding alpha * dot; a matrix stored column by column (a transposed one, or one column) is read a column
at a time into float32 sums, which are rounded before y is added. Larger matrices go through oneDNN, which computes beta * y + alpha * dot in float32
with the scalars unrounded and rounds once. The backward follows PyTorch's formulas in the operands' dtype:
grad * beta, outer(grad, vec) * alpha and mat.T @ grad * alpha, each product rounded as those kernels round it.
These were measured against torch 2.13 on an x86 CPU; other machines may sum in another order (the last bit of
a few elements).
"""
import numpy as np

from ..function import Function

#: the largest matrix (in elements) that PyTorch's CPU addmv computes with its own gemv loop
OWN_GEMV_LIMIT = 4096
_F32 = np.float32


def _in(dtype, value):
    """The Python scalar `value` rounded to `dtype`, as a float32."""
    return _F32(np.asarray(value, _F32).astype(dtype))


def _sums(xp, terms, axis):
    """float32 sums of `terms` along `axis`, each term added after the one before it."""
    if terms.shape[axis] == 0:
        return terms.sum(axis=axis, dtype=_F32)
    return xp.take(xp.cumsum(terms, axis=axis, dtype=_F32), -1, axis=axis)


def _matvec(xp, mat, vec, transposed=False):
    """mat @ vec (mat.T @ vec when `transposed`) in float32 as PyTorch's CPU gemv sums it, not yet rounded."""
    wide_mat, wide_vec = mat.astype(_F32), vec.astype(_F32)
    if mat.size > OWN_GEMV_LIMIT:
        return xp.matmul(wide_mat.T if transposed else wide_mat, wide_vec)
    if transposed:
        return _sums(xp, wide_mat * wide_vec[:, None], 0)
    return _sums(xp, wide_mat * wide_vec[None, :], 1)


def _scaled(array, value):
    """array * value for a Python scalar, computed in float32 and rounded once to array's dtype."""
    return array if value == 1 else (array.astype(_F32) * _F32(value)).astype(array.dtype)


def _columns_first(mat):
    """True when PyTorch's gemv reads `mat` column by column: its rows are adjacent in memory (a transposed
    matrix, or a single column)."""
    rows, cols = (step // mat.itemsize for step in mat.strides)
    return rows == 1 and (mat.shape[1] == 1 or cols >= max(1, mat.shape[0]))


def _column_loop(xp, wide_input, mat, vec, a, b):
    """PyTorch's gemv over the columns of `mat`: float32 sums of (alpha * vec[j]) * mat[:, j], one column after
    another, rounded to the dtype; then, unless beta is 0, added to y (input, times beta rounded to the dtype
    when beta is not 1) with a second rounding."""
    dtype = mat.dtype
    terms = mat.astype(_F32) * (a * vec.astype(_F32))[None, :]
    sums = _sums(xp, terms, 1).astype(dtype)
    if b == 0:
        return sums
    y = wide_input if b == 1 else (b * wide_input).astype(dtype).astype(_F32)
    return (y + sums.astype(_F32)).astype(dtype)


class HalfAddmv(Function):
    """beta * input + alpha * (mat @ vec) for float16/bfloat16 mat and vec (input of their dtype, broadcast to
    the result)."""
    half_native = True
    differentiable_backward = False
    torch_name = "AddmvBackward0"
    op_name = "addmv"

    def forward(ctx, input, mat, vec, beta, alpha):
        xp, dtype = ctx.xp, mat.dtype
        ctx.beta, ctx.alpha, ctx.input_shape = beta, alpha, input.shape
        ctx.save_for_backward(mat, vec)
        wide_input = xp.broadcast_to(input, mat.shape[:1]).astype(_F32)
        if mat.size > OWN_GEMV_LIMIT:
            dot = _matvec(xp, mat, vec)
            out = _F32(alpha) * dot if beta == 0 else _F32(beta) * wide_input + _F32(alpha) * dot
            return out.astype(dtype)
        a, b = _in(dtype, alpha), _in(dtype, beta)
        if _columns_first(mat):
            return _column_loop(xp, wide_input, mat, vec, a, b)
        dot = _matvec(xp, mat, vec)
        if a == 1 and dtype == np.float16:   # PyTorch's float16 fast path: beta * y + dot, one rounding
            out = dot if b == 0 else b * wide_input + dot
        elif b == 0:
            out = a * dot
        else:   # the general loop: beta * y rounded to the dtype first
            out = (b * wide_input).astype(dtype).astype(_F32) + a * dot
        return out.astype(dtype)

    def backward(ctx, gy):
        xp = ctx.xp
        mat, vec = ctx.saved_tensors
        dtype = gy.dtype
        grad_input = _scaled(gy, ctx.beta)   # beta = 0 too: zeros (nan where grad is nan), as PyTorch's
        if grad_input.shape != tuple(ctx.input_shape):   # a broadcast input: its gradient summed back
            grad_input = grad_input.sum(dtype=_F32).astype(dtype).reshape(ctx.input_shape)
        grad_mat = grad_vec = None
        if ctx.needs_input_grad[1]:
            grad_mat = _scaled((gy.astype(_F32)[:, None] * vec.astype(_F32)[None, :]).astype(dtype), ctx.alpha)
        if ctx.needs_input_grad[2]:
            grad_vec = _scaled(_matvec(xp, mat, gy, transposed=True).astype(dtype), ctx.alpha)
        return grad_input, grad_mat, grad_vec, None, None
