"""The LU factorisation with torch's names: linalg.lu_factor, lu_factor_ex, lu, lu_solve, and the older torch.lu,
torch.lu_unpack and torch.lu_solve.

A = P L U for any (..., m, n) A, by Gaussian elimination with partial pivoting (the row of largest magnitude,
the first one on ties, as LAPACK's getrf; |Re| + |Im| for complex values, as getrf), one column at a time over
the whole batch; L is unit lower triangular (m, k), U upper triangular (k, n), k = min(m, n). The packed form
holds L below the diagonal and U on and above it, with LAPACK's 1-based int32 pivots (row i was swapped with row
pivots[i] - 1). A zero pivot is left in place and reported in `info`, as getrf does.

Backward of the packed factors, for gL (strictly lower part of the packed gradient) and gU (the rest): with
X = L^-1 P^T dA U^-1 the square case has dL = L tril(X, -1) and dU = triu(X) U, so
gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T. A wide A (m < n) splits U = [U1 U2]: U2 = L^-1 P^T A2 gives
gA2 = P L^-T gU2 and moves -L^-T gU2 U2^T into gL. A tall A (m > n) splits L = [L1; L2]: L2 = A2 U^-1 gives
gA2 = gL2 U^-T (rows below n of P^T A) and moves -L2^T gL2 into gU U^T. lu_solve is written with triangular
solves, so its gradients come from theirs.
"""
import math

import numpy as np

from ..function import Function, named, numbered
from ..return_types import return_type
from ..tensor import Tensor
from .linalg import matmul
from .linalg_checks import LinAlgError, check_matrix, pivot_size
from .linalg_kit import kit
from .linalg_solve import solve_triangular
from .shape import transpose
from .triangular import tril, triu
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError, DtypeError, ShapeError

LUFactor = return_type("linalg_lu_factor", ["LU", "pivots"])
LUFactorEx = return_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
LUResult = return_type("linalg_lu", ["P", "L", "U"])
LUUnpack = return_type("lu_unpack", ["P", "L", "U"])


def _factor(xp, a, pivot):
    """(packed LU, 1-based int32 pivots, int32 info) of raw a (..., m, n), a copy."""
    lu = a.copy()
    m, n = lu.shape[-2:]
    k = min(m, n)
    batch = lu.shape[:-2]
    rows = lu.reshape((math.prod(batch), m, n))   # not -1: a batch of 0 x 0 matrices has no size to infer from
    pivots = xp.zeros((rows.shape[0], k), dtype=np.int32)
    info = xp.zeros(rows.shape[0], dtype=np.int32)
    every = xp.arange(rows.shape[0])
    for j in range(k):
        best = xp.argmax(pivot_size(xp, rows[:, j:, j]), axis=1) + j if pivot else xp.full(rows.shape[0], j)
        pivots[:, j] = best + 1
        top, chosen = rows[every, j].copy(), rows[every, best].copy()
        rows[every, j], rows[every, best] = chosen, top
        head = rows[:, j, j]
        zero = head == 0
        info = xp.where(zero & (info == 0), j + 1, info)
        scale = xp.where(zero, 1, head)
        rows[:, j + 1:, j] /= scale[:, None]
        rows[:, j + 1:, j + 1:] -= rows[:, j + 1:, j, None] * rows[:, j, None, j + 1:]
    return rows.reshape(lu.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _permutation(xp, pivots, m, dtype):
    """The matrix P (..., m, m) with A = P L U, from LAPACK pivots."""
    batch = pivots.shape[:-1]
    swaps = pivots.reshape((math.prod(batch), pivots.shape[-1])) - 1
    order = xp.broadcast_to(xp.arange(m), (swaps.shape[0], m)).copy()
    every = xp.arange(swaps.shape[0])
    for j in range(swaps.shape[1]):
        here, there = order[every, j].copy(), order[every, swaps[:, j]].copy()
        order[every, j], order[every, swaps[:, j]] = there, here
    p = xp.zeros((swaps.shape[0], m, m), dtype=dtype)
    p[every[:, None], order, xp.arange(m)[None, :]] = 1   # (P^T A)[i] = A[order[i]]
    return p.reshape(batch + (m, m))


class LinalgLUFactor(Function):
    op_name = "linalg.lu_factor"
    torch_name = "LinalgLuFactorExBackward0"

    def forward(ctx, a, pivot=True):
        xp = ctx.xp
        lu, pivots, info = _factor(xp, a, pivot)
        # the factors are read back from the output itself, so that a backward recording a graph sees them
        # depend on A (second derivatives)
        ctx.save_for_backward(lu, _permutation(xp, pivots, a.shape[-2], a.dtype))
        ctx.mark_non_differentiable(pivots, info)
        return lu, pivots, info

    def backward(ctx, g, gpivots=None, ginfo=None):
        k = kit(ctx)
        lu, p = ctx.saved_tensors
        m, n = g.shape[-2:]
        size = min(m, n)
        low = k.tril(lu[..., :, :size], -1) + ctx.device.xp.eye(m, size, dtype=g.dtype)
        up = k.triu(lu[..., :size, :])
        g_low, g_up = k.tril(g[..., :, :size], -1), k.triu(g[..., :size, :])
        if m < n:     # wide: U = [U1 U2], U2 = L^-1 P^T A2
            right = k.solve_triangular(low.swapaxes(-1, -2), g_up[..., :, m:], True)        # L^-T gU2
            g_low = g_low - right @ up[..., :, m:].swapaxes(-1, -2)
            left = _sandwich(k, low, _inner(k, low, g_low, up[..., :, :m], g_up[..., :, :m]), up[..., :, :m])
            grad = k.concatenate([left, right], -1)
        elif m > n:   # tall: L = [L1; L2], L2 = A2 U^-1
            low_top, low_rest, g_rest = low[..., :n, :], low[..., n:, :], g_low[..., n:, :]
            inner = _inner(k, low_top, g_low[..., :n, :], up, g_up) - k.triu(low_rest.swapaxes(-1, -2) @ g_rest)
            bottom = k.solve_triangular(up, g_rest.swapaxes(-1, -2), True).swapaxes(-1, -2)   # gL2 U^-T
            grad = k.concatenate([_sandwich(k, low_top, inner, up), bottom], -2)
        else:
            grad = _sandwich(k, low, _inner(k, low, g_low, up, g_up), up)
        return p @ grad


def _inner(k, low, g_low, up, g_up):
    """tril(L^T gL, -1) + triu(gU U^T) for square L (unit lower) and U."""
    return k.tril(low.swapaxes(-1, -2) @ g_low, -1) + k.triu(g_up @ up.swapaxes(-1, -2))


def _sandwich(k, low, inner, up):
    """L^-T inner U^-T for square unit-lower L and upper U."""
    left = k.solve_triangular(low.swapaxes(-1, -2), inner, True)                    # L^-T inner
    return k.solve_triangular(up, left.swapaxes(-1, -2), True).swapaxes(-1, -2)     # (U^-1 left^T)^T


def _raise_singular(op, info):
    raw = np.asarray(info).reshape(-1)
    bad = int(np.flatnonzero(raw)[0])
    where = f"(batch element {bad}): " if np.ndim(info) else ""
    j = int(raw[bad]) - 1
    raise LinAlgError(f"{op}: {where}U[{j},{j}] is zero, so solving with this factorisation would divide by zero; "
                      f"to factorise a singular matrix anyway use linalg.lu(A) or linalg.lu_factor_ex(A)")


@autocast.guarded("linalg.lu_factor")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info): the packed LU factorisation of each (..., m, n) matrix of A (L below the diagonal,
    unit diagonal implied; U on and above it), LAPACK's 1-based int32 pivots, and info (int32, A's batch
    shape): 0, or the 1-based index of the first zero pivot. pivot=False factorises without row exchanges."""
    check_matrix("linalg.lu_factor_ex", A, square=False)
    lu, pivots, info = LinalgLUFactor.apply(A, pivot=bool(pivot))
    if check_errors and bool((info != 0).any()):
        _raise_singular("linalg.lu_factor_ex", info.numpy())
    return LUFactorEx(lu, pivots, info)


@autocast.guarded("linalg.lu_factor")
def lu_factor(A, *, pivot=True):
    """(LU, pivots): lu_factor_ex's factorisation, raising LinAlgError when a pivot is zero (a singular
    square part), which lu_solve could not use."""
    check_matrix("linalg.lu_factor", A, square=False)
    lu, pivots, info = LinalgLUFactor.apply(A, pivot=bool(pivot))
    if bool((info != 0).any()):
        _raise_singular("linalg.lu_factor", info.numpy())
    return LUFactor(lu, pivots)


def _check_pivots(op, LU_data, LU_pivots):
    if not isinstance(LU_pivots, Tensor) or LU_pivots.dtype != np.int32:
        kind = type(LU_pivots).__name__ if not isinstance(LU_pivots, Tensor) else LU_pivots.dtype
        raise DtypeError(f"{op}: pivots must be the int32 tensor lu_factor returns, got {kind}")
    k = min(LU_data.shape[-2:])
    if tuple(LU_pivots.shape) != tuple(LU_data.shape[:-2]) + (k,):
        raise ShapeError(f"{op}: pivots of shape {tuple(LU_pivots.shape)} do not fit LU of shape "
                         f"{tuple(LU_data.shape)}; expected {tuple(LU_data.shape[:-2]) + (k,)}")


def _permutation_tensor(LU_pivots, m, dtype, device):
    pivots = LU_pivots.numpy()
    if pivots.size and (pivots.min() < 1 or pivots.max() > m):
        raise ArgumentRangeError(f"lu_unpack: pivots must lie in [1, {m}] (LAPACK's 1-based rows), got values from "
                                 f"{pivots.min()} to {pivots.max()}")
    return Tensor(_permutation(np, pivots, m, dtype), device=device)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) from a packed factorisation: P (..., m, m) from the first k = min(m, n) pivots, L (..., m, k)
    unit lower triangular, U (..., k, n); either part is an empty tensor when not unpacked. L and U are
    differentiable."""
    check_matrix("lu_unpack", LU_data, "LU_data", square=False)
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    if isinstance(LU_pivots, Tensor) and LU_pivots.ndim and LU_pivots.shape[-1] > k:
        LU_pivots = LU_pivots[..., :k]   # PyTorch reads the first min(m, n) pivots and ignores the rest
    _check_pivots("lu_unpack", LU_data, LU_pivots)
    empty = Tensor(np.empty(0, dtype=LU_data.dtype), device=LU_data.device)
    p = _permutation_tensor(LU_pivots, m, LU_data.dtype, LU_data.device) if unpack_pivots else empty
    if not unpack_data:
        return LUUnpack(p, empty, empty)
    eye = Tensor(np.eye(m, k, dtype=LU_data.dtype), device=LU_data.device)
    return LUUnpack(p, named(tril(LU_data[..., :, :k], -1) + eye, "LuUnpackBackward0"),
                    named(triu(LU_data[..., :k, :]), "LuUnpackBackward0"))


@autocast.guarded("linalg.lu_factor")
def lu(A, *, pivot=True):
    """(P, L, U) with A = P L U for each (..., m, n) matrix of A: P a permutation (..., m, m), L unit lower
    triangular (..., m, k), U upper triangular (..., k, n), k = min(m, n); differentiable in L and U."""
    check_matrix("linalg.lu", A, square=False)
    packed, pivots, _ = LinalgLUFactor.apply(A, pivot=bool(pivot))
    P, L, U = lu_unpack(packed, pivots)
    # PyTorch's one node has L and U as its outputs 0 and 1 (P is not differentiable)
    return LUResult(P, named(L, "LinalgLuBackward0"), numbered(named(U, "LinalgLuBackward0"), 1))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """X with A X = B (A^H X = B with adjoint=True; X A = B, or X A^H = B, with left=False), for the square A
    whose packed factorisation and pivots lu_factor returned; batch dims broadcast. Differentiable in LU and B."""
    op = "linalg.lu_solve"
    check_matrix(op, LU, "LU")
    check_matrix(op, B, "B", square=False)
    _check_pivots(op, LU, pivots)
    if LU.dtype != B.dtype:
        raise DtypeError(f"{op}: LU is {LU.dtype} and B is {B.dtype}; they must have the same dtype: convert one "
                         f"with .to(other.dtype)")
    n = LU.shape[-1]
    side = B.shape[-2] if left else B.shape[-1]
    if side != n:
        raise ShapeError(f"{op}: LU is {n} by {n} but B has shape {tuple(B.shape)}: with left={left}, B's "
                         f"{'rows' if left else 'columns'} must number {n}")
    conjugate = adjoint and B.dtype.kind == "c"   # A^H X = B is A^T conj(X) = conj(B): solve that, conjugate back
    if conjugate:
        B = B.conj()
    p = _permutation_tensor(pivots, n, LU.dtype, LU.device)
    rhs = B if left else transpose(B, -2, -1)
    if left != adjoint:      # A X = B: X = U^-1 L^-1 P^T B
        inner = solve_triangular(LU, matmul(transpose(p, -2, -1), rhs), upper=False, unitriangular=True)
        x = solve_triangular(LU, inner, upper=True)
    else:                    # A^T X = B: X = P L^-T U^-T B
        inner = solve_triangular(transpose(LU, -2, -1), rhs, upper=False)
        x = matmul(p, solve_triangular(transpose(LU, -2, -1), inner, upper=True, unitriangular=True))
    x = x if left else transpose(x, -2, -1)
    return named(x.conj() if conjugate else x, "LinalgLuSolveBackward0")


def lu_old(A, pivot=True, get_infos=False):
    """torch.lu (deprecated in PyTorch for linalg.lu_factor): (LU, pivots), or (LU, pivots, infos) with
    get_infos=True (which also stops the error on a zero pivot)."""
    if get_infos:
        return tuple(lu_factor_ex(A, pivot=pivot))
    return tuple(lu_factor(A, pivot=pivot))


def lu_solve_old(b, LU_data, LU_pivots):
    """torch.lu_solve(b, LU_data, LU_pivots): linalg.lu_solve with its arguments in the older order."""
    return lu_solve(LU_data, LU_pivots, b)
