"""The singular value decomposition with torch's names: linalg.svd, linalg.svdvals, and the old torch.svd (which
returns V, not Vh).

A = U diag(S) Vh, S descending. Backward, as PyTorch (k = min(m, n); with full_matrices only the first k
columns of U and rows of Vh carry gradient): with J = U^T gU - (U^T gU)^T, K = Vh gVh^T - (Vh gVh^T)^T and
E_ij = S_j^2 - S_i^2, the k x k core is (J S_row + S_col K) / E + diag(gS); then gA = U core Vh, plus
(I - U U^T) gU S^-1 Vh when m > n, or U S^-1 gVh (I - V V^T) when m < n. Finite only for distinct nonzero
singular values when U or Vh carry gradient (PyTorch too); svdvals alone always has U diag(gS) Vh.

Sign gauge: each pair (u_i, v_i) is defined up to a common sign, and LAPACK picks one. For real matrices
PyTorch neither warns nor raises (its phase check is for complex inputs); a loss that depends on the signs
gets the gradient for the signs LAPACK returned. Compare such results only through sign-invariant quantities.
"""
import numpy as np

from ..errors import ArgumentRangeError
from ..function import Function
from ..grad_mode import state as grad_state
from ..return_types import return_type
from ..tensor import Tensor
from .linalg_checks import check_matrix
from .linalg_kit import kit
from .no_grad_op import no_grad_op
from .. import autocast_state as autocast

SVDResult = return_type("linalg_svd", ["U", "S", "Vh"])
LegacySVDResult = return_type("svd", ["U", "S", "V"])


def _t(x):
    return x.swapaxes(-1, -2)


class LinalgSvd(Function):
    op_name = "linalg.svd"

    def forward(ctx, a, full_matrices=True):
        u, s, vh = ctx.xp.linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    def backward(ctx, gu, gs, gvh):
        k = kit(ctx)
        u, s, vh = ctx.saved_tensors
        r = s.shape[-1]
        m, n = u.shape[-2], vh.shape[-1]
        if u.shape[-1] != r:
            u, gu = u[..., :, :r], gu[..., :, :r]
        if vh.shape[-2] != r:
            vh, gvh = vh[..., :r, :], gvh[..., :r, :]
        j = _t(u) @ gu
        j = j - _t(j)
        kk = vh @ _t(gvh)
        kk = kk - _t(kk)
        squares = s * s
        core = k.ratio(j * s[..., None, :] + s[..., :, None] * kk, squares[..., None, :] - squares[..., :, None])
        core = core + k.diag_embed(gs)
        if m > n:
            scaled = k.ratio(gu, s[..., None, :])                      # gU S^-1
            return (u @ core + scaled - u @ (_t(u) @ scaled)) @ vh
        if m < n:
            scaled = k.ratio(gvh, s[..., :, None])                     # S^-1 gVh
            return u @ (core @ vh + scaled - (scaled @ _t(vh)) @ vh)
        return u @ (core @ vh)


def _check_driver(op, A, driver):
    if driver is None:
        return
    if driver not in ("gesvd", "gesvdj", "gesvda"):
        raise ArgumentRangeError(f"{op}: driver must be None, 'gesvd', 'gesvdj' or 'gesvda', got {driver!r}")
    if A.device.type != "cuda":
        raise ArgumentRangeError(f"{op}: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER "
                                 f"backend; the input is on {A.device}: leave driver out")


@autocast.guarded("linalg.svd")
def svd(A, full_matrices=True, *, driver=None):
    """(U, S, Vh) with A = U diag(S) Vh for A (..., m, n): S (..., k) descending, k = min(m, n); U m x m and Vh
    n x n (full_matrices=True) or U m x k and Vh k x n (False). driver= picks a cuSOLVER routine in PyTorch: it
    is taken on CUDA tensors (CuPy chooses the routine) and refused on the CPU, as PyTorch refuses it."""
    check_matrix("linalg.svd", A, square=False)
    _check_driver("linalg.svd", A, driver)
    return SVDResult(*LinalgSvd.apply(A, full_matrices=bool(full_matrices)))


@autocast.guarded("linalg.svd")
def svdvals(A, *, driver=None):
    """The singular values of each matrix of A (..., m, n), descending (driver= as in svd)."""
    check_matrix("linalg.svdvals", A, square=False)
    _check_driver("linalg.svdvals", A, driver)
    if A.requires_grad and grad_state.enabled:    # U and Vh are needed for the gradient
        return LinalgSvd.apply(A, full_matrices=False)[1]
    return no_grad_op("linalg.svdvals", lambda xp, a: xp.linalg.svd(a, compute_uv=False), A)


@autocast.guarded("linalg.svd")
def svd_old(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with input = U diag(S) V^H, V (not Vh); some=True gives the reduced factors. With
    compute_uv=False, U and V are zero matrices (m x m, n x n) and only S is computed."""
    check_matrix("svd", input, square=False)
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        zeros = [Tensor(np.zeros(batch + (size, size), dtype=input.dtype), device=input.device)
                 for size in (m, n)]
        return LegacySVDResult(zeros[0], svdvals(input), zeros[1])
    u, s, vh = svd(input, full_matrices=not some)
    return LegacySVDResult(u, s, vh.mH if vh.dtype.kind == "c" else vh.mT)
