"""The pseudo-inverse and what rests on it, with torch's names: linalg.pinv, linalg.lstsq, linalg.matrix_rank,
and the old torch.pinverse.

pinv zeroes the singular values at or below max(atol, rtol * largest) (rtol defaults to eps * max(m, n) when
neither is given, to 0 when atol > 0 is). Its gradient, as PyTorch's (Golub and Pereyra), for P = pinv(A):
gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A). lstsq's solution is pinv(A) @ B, whose gradient
is PyTorch's for every driver (its forward there comes from LAPACK's gelsy by default: the same minimum-norm
solution up to rounding).
"""
import numbers

import numpy as np

from ..function import Function, named, numbered
from ..return_types import return_type
from ..tensor import Tensor
from .linalg import matmul
from .linalg_checks import check_float, check_matrix, check_same_dtype
from .linalg_svd import svdvals
from .no_grad_op import no_grad_op
from .reduction import sum as _sum
from .shape import squeeze, unsqueeze
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError, ShapeError

LstsqResult = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _h(x):
    """The conjugate transpose of the last two dims: the transpose of a real matrix (arrays and Tensors)."""
    flipped = x.swapaxes(-1, -2)
    return flipped.conj() if x.dtype.kind == "c" else flipped


def _spectrum(xp, a, hermitian):
    """(values, left, right) with a = left diag(values) right: |eigenvalues| and eigenvectors (with the signs
    folded into right) for symmetric a, else the SVD."""
    if hermitian:
        w, v = xp.linalg.eigh(a)
        return xp.abs(w), v, _h(v) * xp.sign(w)[..., :, None]
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    return s, u, vh


def _kept(xp, values, atol, rtol):
    """Where values (..., k), k > 0, exceed max(atol, rtol * the largest of each matrix)."""
    atol = xp.asarray(atol, dtype=values.dtype)[..., None]
    rtol = xp.asarray(rtol, dtype=values.dtype)[..., None]
    return values > xp.maximum(atol, rtol * values.max(axis=-1, keepdims=True))


class LinalgPinv(Function):
    """P = V S^+ U^H (through eigh for hermitian=True), real or complex; the gradient is PyTorch's pinv
    backward with conjugate transposes (plain transposes for real matrices)."""
    op_name = "linalg.pinv"
    complex_ready = True

    def forward(ctx, a, atol=0.0, rtol=0.0, hermitian=False):
        xp = ctx.xp
        m, n = a.shape[-2:]
        if min(m, n) == 0:
            p = xp.zeros(a.shape[:-2] + (n, m), dtype=a.dtype)
        else:
            values, left, right = _spectrum(xp, a, hermitian)
            keep = _kept(xp, values, atol, rtol)
            inverse = xp.where(keep, 1 / xp.where(keep, values, 1), xp.zeros((), dtype=a.dtype))
            p = (_h(right) * inverse[..., None, :]) @ _h(left)
        ctx.save_for_backward(a, p)
        return p

    def backward(ctx, g):
        a, p = ctx.saved_tensors
        ph, gh = _h(p), _h(g)
        first = -(ph @ (g @ ph))
        x = (gh @ p) @ ph
        second = x - a @ (p @ x)              # (I - A P) G^H P P^H
        y = ph @ (p @ gh)
        third = y - (y @ p) @ a               # P^H P G^H (I - P A)
        return first + second + third


def _raw(value, device):
    """A tolerance as the op takes it: a number, or a Tensor's array on the op's device."""
    if isinstance(value, Tensor):
        return value.to(device)._data
    return float(value)


def tolerances(op, A, atol, rtol):
    """(atol, rtol) with PyTorch's defaults: rtol = eps * max(m, n) when neither is given, 0 when atol is."""
    for name, value in (("atol", atol), ("rtol", rtol)):
        if value is not None and not isinstance(value, (numbers.Real, Tensor)):
            raise TypeError(f"{op}: {name} must be a number or a Tensor, got {type(value).__name__}")
    if rtol is None:
        rtol = 0.0 if atol is not None and (isinstance(atol, Tensor) or atol > 0) else (
            float(np.finfo(A.dtype).eps) * max(A.shape[-2:]))
    return _raw(0.0 if atol is None else atol, A.device), _raw(rtol, A.device)


@autocast.guarded("linalg.pinv")
def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None):
    """The Moore-Penrose pseudo-inverse (..., n, m) of each matrix of A (..., m, n), through the SVD (eigh for
    symmetric A with hermitian=True, reading its lower triangle). Singular values at or below max(atol, rtol *
    the largest) count as zero; `rcond` is the older name of rtol."""
    check_matrix("linalg.pinv", A, square=hermitian)
    if rcond is not None:
        if rtol is not None:
            raise TypeError("linalg.pinv: pass rtol or its older name rcond, not both")
        rtol = rcond
    atol, rtol = tolerances("linalg.pinv", A, atol, rtol)
    return LinalgPinv.apply(A, atol=atol, rtol=rtol, hermitian=bool(hermitian))


@autocast.guarded("linalg.pinv")
def pinverse(input, rcond=1e-15):
    """torch.pinverse: the pseudo-inverse with singular values at or below rcond * the largest taken as zero."""
    return pinv(input, rtol=rcond)


@autocast.guarded("linalg.svd")
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """The number of singular values of each matrix of A above max(atol, rtol * the largest) (int64, A's batch
    shape; the |eigenvalues| with hermitian=True); `tol` is the older name of atol."""
    check_matrix("linalg.matrix_rank", A, square=hermitian)
    if tol is not None:
        if atol is not None:
            raise TypeError("linalg.matrix_rank: pass atol or its older name tol, not both")
        atol = tol
    atol, rtol = tolerances("linalg.matrix_rank", A, atol, rtol)

    def count(xp, a):
        if min(a.shape[-2:]) == 0:
            return xp.zeros(a.shape[:-2], dtype=np.int64)
        values = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
        return _kept(xp, values, atol, rtol).sum(axis=-1).astype(np.int64)
    return no_grad_op("linalg.matrix_rank", count, A)


@autocast.guarded("linalg.pinv")
def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values) of min ||A X - B|| for A (..., m, n) and B (..., m, k) (or
    a vector (..., m)): the minimum-norm least-squares solution, with singular values at or below rcond * the
    largest (default eps * max(m, n)) taken as zero. As PyTorch's CPU drivers: rank for every driver but 'gels';
    singular_values for 'gelsd' and 'gelss'; residuals (the squared residual of each column) when m > n and
    every matrix has full rank, except for the default 'gelsy'; the others are empty tensors."""
    op = "linalg.lstsq"
    check_matrix(op, A, square=False)
    check_float(op, B, "B")
    check_same_dtype(op, A, B)
    driver = "gelsy" if driver is None else driver
    if driver not in DRIVERS:
        raise ArgumentRangeError(f"{op}: driver must be one of {DRIVERS} (or None for 'gelsy'), got {driver!r}")
    vector = B.ndim == A.ndim - 1
    matrix = unsqueeze(B, -1) if vector else B
    m, n = A.shape[-2:]
    if matrix.ndim < 2 or matrix.shape[-2] != m:
        raise ShapeError(f"{op}: B must have {m} rows, as A has (A has shape {tuple(A.shape)}, B "
                         f"{tuple(B.shape)}); B is (..., m, k), or (..., m) for one right-hand side")
    rtol = rcond if rcond is not None and rcond > 0 else None
    solution = matmul(pinv(A, rtol=rtol), matrix)
    empty = Tensor(np.zeros((0,), dtype=np.finfo(A.dtype).dtype), device=A.device)   # real, as residuals and S
    rank = (matrix_rank(A, rtol=rtol) if driver != "gels"
            else Tensor(np.zeros((0,), dtype=np.int64), device=A.device))
    singular_values = empty
    if driver in ("gelsd", "gelss"):
        singular_values = svdvals(A.detach())
    residuals = empty
    if driver != "gelsy" and m > n and (driver == "gels" or bool((rank == n).all())):
        gap = matmul(A, solution) - matrix
        residuals = _sum(gap.abs() ** 2 if gap.dtype.kind == "c" else gap * gap, -2)
        residuals = numbered(named(residuals, "LinalgLstsqBackward0"), 1)   # PyTorch's one node's second result
    solution = named(squeeze(solution, -1) if vector else solution, "LinalgLstsqBackward0")
    return LstsqResult(solution, residuals, rank, singular_values)
