"""torch.svd_lowrank and torch.pca_lowrank: randomized low-rank SVD and PCA (Halko, Martinsson and Tropp 2009,
algorithms 4.4 and 5.1), built from matmul, linalg.qr and linalg.svd so that they are differentiable as those are.

The random test matrix comes from the device's generator (ag.manual_seed makes runs repeatable); the numbers
therefore differ from PyTorch's draws, but on a matrix of rank <= q both give the same factorization up to the
signs of the singular vectors. A sparse COO A (2-D) is multiplied without being made dense.
"""
import numpy as np

from .creation import randn
from .ops.dims import check_tensor
from .ops.linalg_qr import qr
from .ops.linalg_svd import svd


def _check(op, A, M=None):
    check_tensor(op, A)
    if A.ndim < 2:
        raise ValueError(f"{op}: A must be a matrix or a batch of matrices (*, m, n), got shape {tuple(A.shape)}; "
                         f"reshape a vector to (m, 1) or (1, n)")
    if A.dtype.kind not in "fc":
        raise TypeError(f"{op}: A must be a floating-point or complex tensor, got {A.dtype}; convert it with "
                        f".double() or .float()")
    if M is not None:
        check_tensor(op, M)
        try:
            np.broadcast_shapes(tuple(M.shape), tuple(A.shape))
        except ValueError:
            raise ValueError(f"{op}: M of shape {tuple(M.shape)} does not broadcast to A's shape "
                             f"{tuple(A.shape)}; pass the mean with A's shape (or one that broadcasts to it)") from None


def _left_product(Q, A):
    """Q^H A, with A dense or sparse (a sparse tensor multiplies from the left only)."""
    return (A.mH @ Q).mH if getattr(A, "is_sparse", False) else Q.mH @ A


def _approximate_basis(A, q, niter, M):
    """Q with q orthonormal columns such that Q Q^H (A - M) approximates A - M."""
    dtype = A.dtype if A.dtype.kind in "fc" else np.float32
    R = randn(A.shape[-1], q, dtype=dtype, device=A.device)
    X = A @ R if M is None else A @ R - M @ R
    Q = qr(X).Q
    for _ in range(niter):
        X = A.mH @ Q if M is None else A.mH @ Q - M.mH @ Q
        Q = qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = qr(X).Q
    return Q


def _svd_lowrank(A, q, niter, M):
    q = 6 if q is None else int(q)
    niter = 2 if niter is None else int(niter)
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(tuple(A.shape))
    wide = m < n
    if wide:
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = _left_product(Q, A)
    if M is not None:
        B = B - Q.mH @ M
    U, S, Vh = svd(B, full_matrices=False)
    V = Vh.mH
    U = Q @ U
    return (V, S, U) if wide else (U, S, V)


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A - M ~= U diag(S) V^H from a randomized q-dimensional range finder with `niter` subspace
    iterations (M, A's mean, broadcast to A's shape; None means 0). A is (*, m, n); U is (*, m, q'), S (*, q'),
    V (*, n, q') with q' = min(q, m, n). Exact when rank(A - M) <= q; differentiable through U, S and V."""
    _check("svd_lowrank", A, M)
    if q is not None and (not isinstance(q, (int, np.integer)) or q < 0):
        raise ValueError(f"svd_lowrank: q(={q!r}) must be a non-negative integer")
    if niter is not None and (not isinstance(niter, (int, np.integer)) or niter < 0):
        raise ValueError(f"svd_lowrank: niter(={niter!r}) must be a non-negative integer")
    return _svd_lowrank(A, q, niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V): the randomized low-rank SVD of A (*, m, n) after subtracting each column's mean (center=True;
    with center=False A is taken as centred). q defaults to min(6, m, n); V's columns are the principal
    directions and S**2 / (m - 1) the variances along them. Differentiable."""
    _check("pca_lowrank", A)
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not isinstance(q, (int, np.integer)) or not 0 <= q <= min(m, n):
        raise ValueError(f"pca_lowrank: q(={q!r}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)} for A of shape {tuple(A.shape)}")
    if not isinstance(niter, (int, np.integer)) or niter < 0:
        raise ValueError(f"pca_lowrank: niter(={niter!r}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    if getattr(A, "is_sparse", False):
        if A.ndim != 2:
            raise ValueError(f"pca_lowrank: a sparse input is expected to be a 2-dimensional tensor, got shape "
                             f"{tuple(A.shape)}")
        mean = A.to_dense().mean(dim=-2, keepdim=True)
        return _svd_lowrank(A, q, niter, mean)
    return _svd_lowrank(A - A.mean(dim=-2, keepdim=True), q, niter, None)
