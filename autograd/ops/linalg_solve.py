"""Linear systems with torch.linalg's names: inv, inv_ex, solve, solve_ex, solve_triangular (and the old
torch.inverse).

For Y = A^-1:  gA = -Y^T G Y^T.  For X = A^-1 B:  gB = A^-T G,  gA = -gB X^T (summed over broadcast batch
dims). A triangular solve keeps only A's triangle in gA. Under create_graph each backward calls these same ops
on Tensors, so gradients of any order follow.
"""
import numpy as np

from ..broadcast import unbroadcast
from ..function import Function, named
from .linalg_checks import (InvEx, SolveEx, batch_shape, check_float, check_matrix, check_same_dtype, lapack,
                            raise_failure, raising, singular_inverse, singular_solve, zero_pivot)
from .shape import squeeze, unsqueeze
from .triangular import tril, triu
from .. import autocast_state as autocast
from ..errors import ShapeError


def _t(x):
    return x.swapaxes(-1, -2)


def broadcast_solve(xp, a, b):
    """a^-1 b for (..., n, n) a and (..., n, k) b whose batch dims broadcast (raw arrays; a invertible)."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return xp.linalg.solve(xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:]))


def triangle(xp, x, upper, strict=False):
    """The upper or lower triangle of the last two dims of raw array x (without the diagonal when strict)."""
    rows, cols = x.shape[-2:]
    if upper:
        keep = ~np.tri(rows, cols, 0 if strict else -1, dtype=bool)
    else:
        keep = np.tri(rows, cols, -1 if strict else 0, dtype=bool)
    return xp.where(xp.asarray(keep), x, xp.zeros((), dtype=x.dtype))


def _triangular(xp, a, upper, unit):
    """The triangular matrix solve_triangular reads from a: its triangle, with ones on the diagonal if unit."""
    if not unit:
        return triangle(xp, a, upper)
    return triangle(xp, a, upper, strict=True) + xp.eye(a.shape[-1], dtype=a.dtype)


def _substitute(xp, t, b, upper):
    """t^-1 b by substitution, row by row, for triangular t with zeros on its diagonal: the inf and NaN that
    back-substitution gives, as PyTorch returns them."""
    batch = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = xp.broadcast_to(t, batch + t.shape[-2:])
    x = xp.zeros(batch + b.shape[-2:], dtype=b.dtype)
    b = xp.broadcast_to(b, x.shape)
    n = t.shape[-1]
    with np.errstate(all="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            rest = slice(i + 1, n) if upper else slice(0, i)
            known = (t[..., i, rest, None] * x[..., rest, :]).sum(axis=-2)
            x[..., i, :] = (b[..., i, :] - known) / t[..., i, i, None]
    return x


def triangular_solve(xp, a, b, upper, unit=False):
    """T^-1 b for the triangle T of raw a (read as solve_triangular does), batch dims broadcasting."""
    t = _triangular(xp, a, upper, unit)
    try:
        with raising(xp):
            return broadcast_solve(xp, t, b)
    except np.linalg.LinAlgError:    # a zero on the diagonal
        return _substitute(xp, t, b, upper)


class LinalgInvEx(Function):
    """A^-1; with ex=True also LAPACK's info per matrix (NaN results where it is nonzero) instead of raising."""
    op_name = "linalg.inv"

    def forward(ctx, a, ex=False):
        xp = ctx.xp
        y, info = lapack(xp, xp.linalg.inv, a, diagnose=zero_pivot, out_shape=a.shape)
        ctx.save_for_backward(y)
        if not ex:
            if info is not None:
                raise_failure("linalg.inv", info, singular_inverse, a.ndim > 2)
            return y
        info = xp.zeros(a.shape[:-2], dtype=np.int32) if info is None else xp.asarray(info)
        ctx.mark_non_differentiable(info)
        return y, info

    def backward(ctx, gy, ginfo=None):
        (y,) = ctx.saved_tensors
        yt = _t(y)
        return -(yt @ (gy @ yt))


class LinalgSolveEx(Function):
    """A^-1 B for matrices B (..., n, k), batch dims broadcasting; ex as in LinalgInvEx."""
    op_name = "linalg.solve"

    def forward(ctx, a, b, ex=False):
        xp = ctx.xp
        batch = batch_shape("linalg.solve", a.shape, b.shape)
        full_a = xp.broadcast_to(a, batch + a.shape[-2:])
        full_b = xp.broadcast_to(b, batch + b.shape[-2:])
        x, info = lapack(xp, xp.linalg.solve, full_a, full_b, diagnose=zero_pivot, out_shape=full_b.shape)
        ctx.b_shape = b.shape
        ctx.save_for_backward(a, x)
        if not ex:
            if info is not None:
                raise_failure("linalg.solve", info, singular_solve, len(batch) > 0)
            return x
        info = xp.zeros(batch, dtype=np.int32) if info is None else xp.asarray(info)
        ctx.mark_non_differentiable(info)
        return x, info

    def backward(ctx, gx, ginfo=None):
        a, x = ctx.saved_tensors
        if ctx.xp is ctx.device.xp:
            gb = broadcast_solve(ctx.xp, _t(a), gx)
        else:
            gb = LinalgSolveEx.apply(_t(a), gx)
        need = ctx.needs_input_grad
        ga = unbroadcast(-(gb @ _t(x)), a.shape) if need[0] else None
        return ga, (unbroadcast(gb, ctx.b_shape) if need[1] else None)


class LinalgSolveTriangular(Function):
    """T^-1 B for the upper or lower triangle T of A (ones on its diagonal if unit), batch dims broadcasting."""
    op_name = "linalg.solve_triangular"

    def forward(ctx, a, b, upper, unit=False):
        ctx.upper, ctx.unit, ctx.b_shape = upper, unit, b.shape
        x = triangular_solve(ctx.xp, a, b, upper, unit)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, gx):
        a, x = ctx.saved_tensors
        upper, unit = ctx.upper, ctx.unit
        graph = ctx.xp is not ctx.device.xp
        if graph:
            gb = LinalgSolveTriangular.apply(_t(a), gx, upper=not upper, unit=unit)
        else:
            gb = triangular_solve(ctx.xp, _t(a), gx, not upper, unit)
        ga = None
        if ctx.needs_input_grad[0]:
            full = -(gb @ _t(x))
            if graph:
                k = (1 if upper else -1) if unit else 0
                full = triu(full, k) if upper else tril(full, k)
            else:
                full = triangle(ctx.xp, full, upper, strict=unit)
            ga = unbroadcast(full, a.shape)
        return ga, unbroadcast(gb, ctx.b_shape)


@autocast.guarded("linalg.inv")
def inv(A):
    """The inverse of each square matrix of A (..., n, n). A singular matrix raises LinAlgError naming the first
    zero pivot and, in a batch, the matrix (PyTorch's message)."""
    check_matrix("linalg.inv", A)
    return LinalgInvEx.apply(A)


@autocast.guarded("linalg.inv")
def inv_ex(A, *, check_errors=False):
    """(inverse, info): info (int32, A's batch shape) is 0 where the matrix is invertible and the position of the
    first zero pivot where it is singular (its inverse is then NaN); raises only with check_errors=True."""
    check_matrix("linalg.inv_ex", A)
    y, info = LinalgInvEx.apply(A, ex=True)
    if check_errors:
        raise_failure("linalg.inv_ex", info.numpy(), singular_inverse, A.ndim > 2)
    return InvEx(y, info)


@autocast.guarded("linalg.inv")
def inverse(input):
    """The inverse of each square matrix of input (torch.inverse, an alias of linalg.inv)."""
    return inv(input)


def _is_vector(A, B):
    """PyTorch's rule: B is a (batch of) vector(s) when it is 1-D, or has A's shape without its last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _solve(op, A, B, left, ex):
    check_matrix(op, A)
    check_float(op, B, "B")
    check_same_dtype(op, A, B)
    if B.ndim == 0:
        raise ShapeError(f"{op}: B must have at least 1 dimension, got a 0-d tensor")
    vector = _is_vector(A, B)
    matrix = unsqueeze(B, -1) if vector else B
    n = A.shape[-1]
    fits = matrix.shape[-2] == n if left else matrix.shape[-1] == n
    if not fits:
        equation = "AX = B" if left else "XA = B"
        raise ShapeError(f"{op}: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and "
                         f"{matrix.shape[-2]}x{matrix.shape[-1]}); B must have {n} "
                         f"{'rows' if left else 'columns'} (A has shape {tuple(A.shape)}, B {tuple(B.shape)})")
    batch_shape(op, A.shape, matrix.shape)
    if left:
        out = LinalgSolveEx.apply(A, matrix, ex=ex)
    else:   # X A = B  <=>  A^T X^T = B^T
        out = LinalgSolveEx.apply(A.mT, matrix.mT, ex=ex)
    x, info = out if ex else (out, None)
    x = x if left else x.mT
    return (squeeze(x, -1) if vector else x), info


@autocast.guarded("linalg.solve")
def solve(A, B, *, left=True):
    """The solution X of A X = B (X A = B with left=False) for square A (..., n, n); B is a matrix (..., n, k)
    or, as in PyTorch, a vector when it is 1-D or has A's shape without its last dim. Batch dims broadcast. A
    singular A raises LinAlgError."""
    return named(_solve("linalg.solve", A, B, left, False)[0], "LinalgSolveExBackward0")


@autocast.guarded("linalg.solve")
def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) of solve: info (int32) is nonzero for singular matrices (their result is NaN) instead of
    an error, unless check_errors=True."""
    x, info = _solve("linalg.solve_ex", A, B, left, True)
    if check_errors:
        raise_failure("linalg.solve_ex", info.numpy(), singular_solve, info.ndim > 0)
    return SolveEx(x, info)


@autocast.guarded("linalg.solve_triangular")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The solution X of A X = B (X A = B with left=False) reading only A's upper or lower triangle (and taking
    its diagonal as ones when unitriangular). B must be a matrix (..., n, k); batch dims broadcast. A zero on the
    diagonal gives inf/NaN, as in PyTorch."""
    op = "linalg.solve_triangular"
    check_matrix(op, A)
    check_float(op, B, "B")
    check_same_dtype(op, A, B)
    if B.ndim < 2:
        raise ShapeError(f"{op}: The input tensor B must have at least 2 dimensions, got shape {tuple(B.shape)}; "
                         "for a vector b use b.unsqueeze(-1)")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise ShapeError(f"{op}: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and "
                         f"{B.shape[-2]}x{B.shape[-1]})")
    batch_shape(op, A.shape, B.shape)
    if left:
        return LinalgSolveTriangular.apply(A, B, upper=bool(upper), unit=bool(unitriangular))
    # X A = B  <=>  A^T X^T = B^T; PyTorch's one node shows on the transposed result
    return named(LinalgSolveTriangular.apply(A.mT, B.mT, upper=not upper, unit=bool(unitriangular)).mT,
                 "LinalgSolveTriangularBackward0")
