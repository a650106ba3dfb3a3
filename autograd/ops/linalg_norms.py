"""Norms and condition numbers with torch.linalg's names: vector_norm, matrix_norm, norm, cond.

vector_norm is one op for every ord, with PyTorch's gradients: 0 where the norm is 0; for ord +-inf the
gradient is shared equally by the entries that attain the norm; ord 0 (a count) has none. matrix_norm is
composed of ops: 'fro' is the vector 2-norm, 'nuc' / 2 / -2 come from the singular values, 1 / -1 / inf /
-inf are the largest or smallest column or row sums of |A| (ties share the gradient, as in PyTorch).
"""
import math
import numbers

import numpy as np

from ..function import Function, named
from .dims import check_tensor, every_dim_if_empty, normalize
from .dtype_args import check_dtype_arg
from .elementwise import abs as _abs, where
from .linalg_checks import check_matrix
from .linalg_solve import inv_ex
from .linalg_svd import svdvals
from .reduction import _axes, amax, amin, sum as _sum
from .shape import movedim, unsqueeze
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError, DtypeError, ShapeError

MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


class LinalgVectorNorm(Function):
    op_name = "linalg.vector_norm"

    def forward(ctx, x, ord=2, axis=(), keepdims=False):
        xp = ctx.xp
        ctx.ord, ctx.axis, ctx.keepdims = ord, axis, keepdims
        work = x.astype(np.float32) if x.dtype == np.float16 else x    # float16 squares overflow at 256
        size = xp.abs(work)
        if ord == math.inf:
            out = size.max(axis=axis, keepdims=True)
        elif ord == -math.inf:
            out = size.min(axis=axis, keepdims=True)
        elif ord == 0:
            out = (work != 0).sum(axis=axis, keepdims=True).astype(work.dtype)
        elif ord == 1:
            out = size.sum(axis=axis, keepdims=True)
        elif ord == 2:
            out = xp.sqrt((work * work).sum(axis=axis, keepdims=True))
        else:
            with np.errstate(divide="ignore"):
                out = (size ** ord).sum(axis=axis, keepdims=True) ** (1.0 / ord)
        out = out.astype(x.dtype, copy=False)
        if not keepdims:
            out = out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axis))
        ctx.save_for_backward(x, out)      # the returned array, so create_graph can differentiate through it
        return out

    def backward(ctx, g):
        x, out = ctx.saved_tensors
        xp, ord = ctx.xp, ctx.ord
        if ord == 0:
            return None
        if not ctx.keepdims:
            kept = tuple(1 if i in ctx.axis else n for i, n in enumerate(x.shape))
            g, out = g.reshape(kept), out.reshape(kept)
        if ord == 1:
            return g * xp.sign(x)
        zero = out == 0
        safe = xp.where(zero, 1, out)
        if ord == 2:
            return xp.where(zero, 0, g * x / safe)
        if ord in (math.inf, -math.inf):
            hits = xp.abs(x) == out
            count = hits.astype(x.dtype).sum(axis=ctx.axis, keepdims=True)
            return xp.where(hits, g * xp.sign(x) / count, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            size = xp.abs(x)
            power = xp.where(size == 0, 0, xp.sign(x) * xp.where(size == 0, 1, size) ** (ord - 1))
            return xp.where(zero, 0, power * (g / safe ** (ord - 1)))


def _float_input(op, x, name, dtype):
    """x (in `dtype` when given) when it holds floats; else a TypeError naming op."""
    check_tensor(op, x, name)
    if dtype is not None:
        x = x.astype(dtype)
    if x.dtype.kind == "c" and op == "linalg.vector_norm":   # a complex vector's norm is that of its moduli
        x = x.abs()
    if x.dtype.kind not in "fV" and not (x.dtype.kind == "c" and op == "linalg.matrix_norm"):   # 'V': bfloat16
        raise DtypeError(f"{op}: Expected a floating point tensor as input, got {x.dtype}; convert it with .float() "
                         "or pass dtype=")
    return x


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x over `dim` (int or tuple; None: every element), as a vector: ord any real number,
    inf (largest |x|), -inf (smallest), 0 (count of nonzeros). Computed in `dtype` when given."""
    op = "linalg.vector_norm"
    x = _float_input(op, x, "x", check_dtype_arg(op, dtype))
    if isinstance(ord, bool) or not isinstance(ord, numbers.Real):
        raise TypeError(f"{op}: ord must be a number (inf included), got {ord!r}; for matrix norms such as 'fro' "
                        "or 'nuc' use linalg.matrix_norm")
    axis = _axes(every_dim_if_empty(dim), x.ndim)
    if math.isinf(ord) and any(x.shape[a] == 0 for a in axis):
        raise ShapeError(f"{op}: cannot compute the {ord} norm of x of shape {tuple(x.shape)} over dims {axis}, "
                         "which are empty: the operation has no identity")
    return LinalgVectorNorm.apply(x, ord=float(ord), axis=axis, keepdims=bool(keepdim))


def _matrix_dims(op, A, dim):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise ArgumentRangeError(f"{op}: dim must be a pair of dims, got {dim!r}")
    rows, cols = (normalize(op, d, A.ndim) for d in dim)
    if rows == cols:
        raise ArgumentRangeError(f"{op}: dims must be different, got {dim!r}")
    return rows, cols


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The ord-norm of the matrices of A in the dims `dim` (rows, cols): 'fro' (Frobenius), 'nuc' (sum of the
    singular values), 2 / -2 (largest / smallest singular value), 1 / -1 (largest / smallest column sum of |A|),
    inf / -inf (largest / smallest row sum of |A|). Computed in `dtype` when given."""
    op = "linalg.matrix_norm"
    A = _float_input(op, A, "A", check_dtype_arg(op, dtype))
    if A.ndim < 2:
        raise ShapeError(f"{op}: A must have at least 2 dimensions, got shape {tuple(A.shape)}; use "
                         "linalg.vector_norm for vectors")
    if ord not in MATRIX_ORDS or isinstance(ord, bool):
        raise ArgumentRangeError(f"{op}: Order {ord!r} not supported; use one of {MATRIX_ORDS}")
    rows, cols = _matrix_dims(op, A, dim)
    empty = A.shape[rows] == 0 or A.shape[cols] == 0
    if ord == "fro" or empty and ord in (2, 1, math.inf):   # an empty matrix's norm is 0, as PyTorch gives it
        return vector_norm(A, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        values = svdvals(movedim(A, (rows, cols), (-2, -1)))
        out = _sum(values, -1) if ord == "nuc" else amax(values, -1) if ord == 2 else amin(values, -1)
        if keepdim:
            for d in sorted((rows, cols)):
                out = unsqueeze(out, d)
        return out
    summed, picked = (rows, cols) if abs(ord) == 1 else (cols, rows)   # column sums for 1, row sums for inf
    pick = amax if ord > 0 else amin   # the last node, as PyTorch's (AmaxBackward0 / AminBackward0)
    if keepdim:
        return pick(_sum(_abs(A), summed, keepdim=True), picked, keepdim=True)
    return pick(_sum(_abs(A), summed), picked - (summed < picked))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector or matrix norm as torch.linalg.norm: with dim an int (or ord given for a 1-D A) the vector norm,
    with dim a pair (or ord given for a 2-D A) the matrix norm; with neither, the 2-norm of all elements."""
    op = "linalg.norm"
    check_tensor(op, A, "A")
    check_dtype_arg(op, dtype)
    if dim is not None:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        raise ArgumentRangeError(f"{op}: dim must be an int or a pair of ints, got {dim!r}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 1 and isinstance(ord, str):   # a matrix order: PyTorch sends it to matrix_norm, which refuses
        raise ShapeError(f"{op}: ord={ord!r} is a matrix norm and needs at least 2 dimensions, got shape "
                         f"{tuple(A.shape)}; use a number (e.g. ord=2) for a vector")
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise ShapeError(f"{op}: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D (shape "
                     f"{tuple(A.shape)}); pass dim")


@autocast.guarded("linalg.svd")
def cond(A, p=None):
    """The condition number of each matrix of A in the norm p: for None / 2 / -2 the ratio of the largest and
    smallest singular values (any shape; -2 inverts it), otherwise (square A) matrix_norm(A, p) *
    matrix_norm(A^-1, p), inf for singular matrices."""
    check_matrix("linalg.cond", A, square=p not in (None, 2, -2))
    if p is not None and p not in MATRIX_ORDS:
        raise ArgumentRangeError(f"linalg.cond: Order {p!r} not supported; use one of {(None,) + MATRIX_ORDS}")
    if A.shape[-2] == 0 or A.shape[-1] == 0:   # empty matrices: 0, as PyTorch
        return vector_norm(A, 2, (-2, -1))
    if p in (None, 2, -2):
        values = svdvals(A)
        largest, smallest = values[..., 0], values[..., -1]
        # the names of PyTorch's last nodes: a squeeze of the ratio, nan_to_num of the product
        return named(largest / smallest if p != -2 else smallest / largest, "SqueezeBackward1")
    inverse, info = inv_ex(A)
    product = matrix_norm(A, p) * matrix_norm(where(info[..., None, None] > 0, 0.0, inverse), p)
    return named(where(info > 0, math.inf, product), "NanToNumBackward0")
