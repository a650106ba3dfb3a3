"""torch.linalg's products and reshaped solves, composed of differentiable ops: matrix_power, multi_dot,
vecdot, cross (dim=-1), diagonal (the last two dims), tensorinv, tensorsolve."""
import math
import numbers

import numpy as np

from ..function import named
from ..tensor import Tensor
from .arrange import diagonal as _diagonal
from .dims import check_tensor, normalize
from .elementwise import mul, where
from .linalg import matmul
from .linalg_checks import check_matrix
from .linalg_solve import inv, solve
from .products import cross as _cross
from .reduction import sum as _sum
from .shape import movedim, reshape, unsqueeze
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError, DtypeError, ShapeError


def matrix_power(A, n):
    """A^n for each square matrix of A (..., m, m) and an int n, by repeated squaring: n = 0 gives the identity,
    n < 0 the power of the inverse."""
    op = "linalg.matrix_power"
    check_tensor(op, A, "A")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, got shape {tuple(A.shape)}")
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"{op}: n must be an int, got {n!r}")
    if n == 0:   # the identity, still in A's graph (with a zero gradient), as in PyTorch
        eye = Tensor(np.eye(A.shape[-1], dtype=A.dtype), device=A.device)
        return where(np.ones(A.shape[-2:], dtype=bool), eye, A)
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    power = A
    while True:
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if not n:
            return result
        power = matmul(power, power)


def _chain_order(sizes):
    """split[i][j]: where the cheapest product of matrices i..j splits (matrix i is sizes[i] x sizes[i + 1])."""
    count = len(sizes) - 1
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors):
    """The product of two or more matrices in the cheapest order; the first may be a 1-D row vector and the last
    a 1-D column vector (their dim is dropped from the result)."""
    op = "linalg.multi_dot"
    tensors = list(tensors)
    if len(tensors) < 2:
        raise ShapeError(f"{op}: expected at least 2 tensors but got {len(tensors)}")
    for t in tensors:
        check_tensor(op, t, "tensors")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = list(tensors)
    if first_vector:
        mats[0] = unsqueeze(mats[0], 0)
    if last_vector:
        mats[-1] = unsqueeze(mats[-1], -1)
    for i, t in enumerate(mats):
        if t.ndim != 2:
            where_ = "first" if i == 0 else "last" if i == len(mats) - 1 else f"tensor {i}"
            allowed = "1D or 2D" if i in (0, len(mats) - 1) else "2D"
            raise ShapeError(f"{op}: the {where_} tensor must be {allowed} but got {tensors[i].ndim}D "
                             f"(shape {tuple(tensors[i].shape)})")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ShapeError(f"{op}: tensors {i} and {i + 1} with shapes {tuple(tensors[i].shape)} and "
                             f"{tuple(tensors[i + 1].shape)} cannot be multiplied")
    split = _chain_order([mats[0].shape[0]] + [m.shape[1] for m in mats])

    def product(i, j):
        return mats[i] if i == j else matmul(product(i, split[i][j]), product(split[i][j] + 1, j))
    out = product(0, len(mats) - 1)
    # PyTorch ends with a view to the result's shape (ViewBackward0), vector ends dropped
    shape = tuple(n for n, dropped in zip(out.shape, (first_vector, last_vector)) if not dropped)
    return named(reshape(out, shape), "ViewBackward0")


def vecdot(x, y, *, dim=-1):
    """The dot product of x and y along dim (broadcasting the other dims), conjugating x when it is complex."""
    check_tensor("linalg.vecdot", x, "x")
    check_tensor("linalg.vecdot", y, "y")
    if x.dtype.kind in "biu":
        raise DtypeError(f"linalg.vecdot: expects floating point or complex tensors, got x {x.dtype}{tuple(x.shape)} "
                         f"and y {y.dtype}{tuple(y.shape)}; convert them with .float()")
    if y.dtype != x.dtype:
        raise DtypeError(f"linalg.vecdot: x and y must have the same dtype, got x {x.dtype}{tuple(x.shape)} and y "
                         f"{y.dtype}{tuple(y.shape)}; convert one with y.to(x.dtype)")
    out = _sum(mul(x.conj() if x.dtype.kind == "c" else x, y), dim)
    return named(out, "VdotBackward0") if x.ndim == y.ndim == 1 else out   # PyTorch's vdot for two vectors


def cross(input, other, *, dim=-1):
    """The cross product of the 3-vectors of input and other along dim (default the last), broadcasting."""
    op = "linalg.cross"
    check_tensor(op, input)
    check_tensor(op, other, "other")
    if input.ndim != other.ndim:
        raise ShapeError(f"{op}: inputs must have the same number of dimensions, got shapes {tuple(input.shape)} "
                         f"and {tuple(other.shape)}")
    d = normalize(op, dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise ShapeError(f"{op}: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                         f"{other.shape[d]}")
    return _cross(input, other, d)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The offset-th diagonal of the matrices of A in the dims (dim1, dim2), as A's last dim."""
    return _diagonal(A, offset, dim1, dim2)


@autocast.guarded("linalg.inv")
def tensorinv(A, ind=2):
    """The tensor X with tensordot(X, A, ind) the identity: A reshaped to a square matrix of side
    prod(A.shape[:ind]), inverted, and shaped A.shape[ind:] + A.shape[:ind]."""
    op = "linalg.tensorinv"
    check_tensor(op, A, "A")
    if not isinstance(ind, numbers.Integral) or ind <= 0:
        raise ArgumentRangeError(f"{op}: expected a strictly positive integer for 'ind', got {ind!r}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise ShapeError(f"{op}: expected prod(A.shape[:ind]) == prod(A.shape[ind:]), got {rows} and {cols} "
                         f"(A has shape {tuple(A.shape)}, ind={ind})")
    check_matrix(op, reshape(A, (rows, cols)))
    return named(reshape(inv(reshape(A, (rows, cols))), tuple(A.shape[ind:]) + tuple(A.shape[:ind])),
                 "ReshapeAliasBackward0")


@autocast.guarded("linalg.solve")
def tensorsolve(A, B, dims=None):
    """The X with tensordot(A, X, X.ndim) == B, A's leading B.ndim dims read as B's shape: they and A's remaining
    dims (X's shape) each hold B's number of elements (dims first moves those dims of A to the end)."""
    op = "linalg.tensorsolve"
    check_tensor(op, A, "A")
    check_tensor(op, B, "B")
    if dims is not None:
        dims = [normalize(op, d, A.ndim) for d in ((dims,) if isinstance(dims, numbers.Integral) else dims)]
        A = movedim(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    rest = tuple(A.shape[B.ndim:])
    # as PyTorch, A's leading dims need only hold as many elements as B (A of shape (3, 2, 3, 2) solves B (2, 3))
    if math.prod(A.shape[:B.ndim]) != math.prod(B.shape) or math.prod(rest) != math.prod(B.shape):
        raise ShapeError(f"{op}: expected A's leading {B.ndim} dims and its other dims each to hold as many "
                         f"elements as B of shape {tuple(B.shape)} ({math.prod(B.shape)}), got A of shape "
                         f"{tuple(A.shape)}")
    count = math.prod(B.shape)
    return reshape(solve(reshape(A, (count, count)), reshape(B, (count,))), rest)
