"""Symmetric eigendecomposition with torch's names: linalg.eigh and linalg.eigvalsh (the Hermitian form and
linalg.eig live in linalg_complex.py).

A = V diag(w) V^T (w ascending), reading only A's lower triangle (the upper one with UPLO='U'). Backward, as
PyTorch: gA = V (diag(gw) + skew(V^T gV) / E) V^T with skew(X) = (X - X^T) / 2 and E_ij = w_j - w_i. Only
distinct eigenvalues give finite gradients of the eigenvectors (E_ij = 0 otherwise, and PyTorch gives inf/NaN
too); the eigenvalues alone always have the finite gradient V diag(gw) V^T.
"""
from ..function import Function
from ..grad_mode import state as grad_state
from ..return_types import return_type
from .linalg_checks import check_matrix
from .linalg_kit import kit
from .no_grad_op import no_grad_op
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError

EighResult = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])


class LinalgEigh(Function):
    op_name = "linalg.eigh"

    def forward(ctx, a, uplo="L"):
        w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, gw, gv):
        k = kit(ctx)
        w, v = ctx.saved_tensors
        vt = v.swapaxes(-1, -2)
        x = vt @ gv
        gaps = w[..., None, :] - w[..., :, None]
        inner = k.ratio(0.5 * (x - x.swapaxes(-1, -2)), gaps) + k.diag_embed(gw)
        return v @ (inner @ vt)


def _uplo(op, UPLO):
    """'L' or 'U' from UPLO, either case accepted as PyTorch does."""
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise ArgumentRangeError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO.upper()


@autocast.guarded("linalg.eigh")
def eigh(A, UPLO="L"):
    """(eigenvalues, eigenvectors) of each symmetric matrix of A (..., n, n): eigenvalues ascending, the
    eigenvectors as columns. Only the lower triangle (UPLO='L') or the upper one (UPLO='U') is read. Each
    eigenvector's sign is LAPACK's choice; losses that depend on it are ill-defined."""
    check_matrix("linalg.eigh", A)
    return EighResult(*LinalgEigh.apply(A, uplo=_uplo("linalg.eigh", UPLO)))


@autocast.guarded("linalg.eigh")
def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending) of each symmetric matrix of A (..., n, n), reading the triangle UPLO names."""
    check_matrix("linalg.eigvalsh", A)
    uplo = _uplo("linalg.eigvalsh", UPLO)
    if A.requires_grad and grad_state.enabled:    # the eigenvectors are needed for the gradient
        return LinalgEigh.apply(A, uplo=uplo)[0]
    return no_grad_op("linalg.eigvalsh", lambda xp, a: xp.linalg.eigvalsh(a, UPLO=uplo), A)

