"""The Cholesky factorisation with torch's names: linalg.cholesky, linalg.cholesky_ex, and the old torch.cholesky.

A = L L^T, reading only A's lower triangle (the upper one with upper=True, which returns U = L^T). Backward, as
PyTorch: with P = tril(L^T gL) with its diagonal halved, S = L^-T P L^-1 and gA = (S + S^T) / 2 (symmetric).
"""
import numpy as np

from ..function import Function
from .linalg_checks import (CholeskyEx, check_matrix, indefinite_minor, lapack, not_positive_definite,
                            raise_failure)
from .linalg_kit import kit
from .. import autocast_state as autocast


class LinalgCholeskyEx(Function):
    op_name = "linalg.cholesky"

    def forward(ctx, a, upper=False, ex=False, op="linalg.cholesky"):
        xp = ctx.xp
        source = a.swapaxes(-1, -2) if upper else a    # LAPACK reads the lower triangle: A^T's is A's upper one
        low, info = lapack(xp, xp.linalg.cholesky, source, diagnose=indefinite_minor, out_shape=a.shape)
        info = _nan_pivots(xp, low, info)
        out = xp.ascontiguousarray(low.swapaxes(-1, -2)) if upper else low
        ctx.upper = upper
        ctx.save_for_backward(out)
        if not ex:
            if info is not None:
                raise_failure(op, info, not_positive_definite, a.ndim > 2)
            return out
        info = xp.zeros(a.shape[:-2], dtype=np.int32) if info is None else xp.asarray(info)
        ctx.mark_non_differentiable(info)
        return out, info

    def backward(ctx, g, ginfo=None):
        k = kit(ctx)
        (factor,) = ctx.saved_tensors
        low, glow = (factor.swapaxes(-1, -2), g.swapaxes(-1, -2)) if ctx.upper else (factor, g)
        low_t = low.swapaxes(-1, -2)
        p = k.tril(low_t @ glow)
        p = p - 0.5 * k.diag_embed(k.diagonal(p))
        right = k.solve_triangular(low_t, p.swapaxes(-1, -2), True).swapaxes(-1, -2)   # P L^-1
        s = k.solve_triangular(low_t, right, True)                                    # L^-T P L^-1
        return 0.5 * (s + s.swapaxes(-1, -2))


def _nan_pivots(xp, low, info):
    """`info` with LAPACK's code for the matrices whose factor came out NaN with no failure reported (OpenBLAS's potrf
    lets a NaN pivot through, where LAPACK and PyTorch stop): the order of the first NaN on the diagonal."""
    nan = xp.isnan(xp.diagonal(low, axis1=-2, axis2=-1))
    if not bool(nan.any()):
        return info
    nan = nan if xp is np else xp.asnumpy(nan)
    first = np.where(nan.any(-1), nan.argmax(-1) + 1, 0).astype(np.int32)
    return first if info is None else np.where(info == 0, first, info).astype(np.int32)


def _upper(op, upper):
    """`upper` as the bool PyTorch requires (1 or 'yes' is its TypeError)."""
    if not isinstance(upper, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument 'upper' must be bool, not {type(upper).__name__} ({upper!r}); pass True "
                        "for the upper factor U, False for L")
    return bool(upper)


@autocast.guarded("linalg.cholesky")
def cholesky(A, *, upper=False):
    """The Cholesky factor L (lower-triangular, A = L L^T) of each symmetric positive-definite matrix of A
    (..., n, n), or U = L^T with upper=True. Only that triangle of A is read. A matrix that is not
    positive-definite raises LinAlgError naming the leading minor and the batch element."""
    check_matrix("linalg.cholesky", A)
    return LinalgCholeskyEx.apply(A, upper=_upper("linalg.cholesky", upper))


@autocast.guarded("linalg.cholesky")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): info (int32, A's batch shape) is 0 where A is positive-definite and the order of the first
    leading minor that is not where it is not (L is then NaN); raises only with check_errors=True."""
    check_matrix("linalg.cholesky_ex", A)
    low, info = LinalgCholeskyEx.apply(A, upper=_upper("linalg.cholesky_ex", upper), ex=True)
    if check_errors:
        raise_failure("linalg.cholesky_ex", info.numpy(), not_positive_definite, A.ndim > 2)
    return CholeskyEx(low, info)


@autocast.guarded("linalg.cholesky")
def cholesky_old(input, upper=False):
    """torch.cholesky(input, upper=False): linalg.cholesky with `upper` as a positional argument (deprecated in
    PyTorch, which recommends linalg.cholesky)."""
    check_matrix("cholesky", input)
    return LinalgCholeskyEx.apply(input, upper=_upper("cholesky", upper), op="cholesky")
