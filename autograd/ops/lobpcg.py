"""torch.lobpcg: the k largest (or smallest) eigenpairs of a symmetric positive definite (generalized) eigenproblem
A x = lambda B x by the locally optimal block preconditioned conjugate gradient method (Knyazev 2001).

Each step does a Rayleigh-Ritz projection of A onto span[X, W, P] (X the current eigenvector estimates, W the
preconditioned residuals iK (A X - B X E), P the previous step's directions) and keeps the n extreme Ritz pairs.
method='basic' B-normalizes that basis with a Cholesky factor of its Gram matrix (cheap, fails on a nearly
dependent basis, as PyTorch's does); method='ortho' (the default) makes [P, W] B-orthonormal and B-orthogonal to
X first, dropping directions that add nothing, which keeps it stable. It stops when the leading k pairs have a
relative residual |A x - lambda B x| / (|x| (|A| + |lambda| |B|)) below tol (|A|, |B| estimated on the initial
X), or after niter steps (the first projection counts; niter=-1 for no limit). The starting X, when not given, is
drawn from the device's generator. A sparse A is made dense first; tracker and the ortho_* tuning dicts are
accepted and ignored.

Backward (A only, as PyTorch: B != None raises at backward): for the returned pairs (lambda_i, u_i) and the full
eigendecomposition A = V diag(mu) V^T, gA = U diag(gE) U^T + V (M o V^T gU) U^T with M_ji = 1/(lambda_i - mu_j)
(0 where mu_j is lambda_i). A enters symmetrized, (A + A^T) / 2, so its gradient is symmetric.
"""
import numpy as np

from ..function import Function
from .dims import check_tensor
from .elementwise import add, mul


def _sym_eig(xp, m, largest):
    w, v = xp.linalg.eigh((m + m.T) / 2)
    return (w[::-1], v[:, ::-1]) if largest else (w, v)


def _b_orthonormal(xp, u, b_op, drop_tol):
    """u with B-orthonormal columns spanning the same space, less the directions whose weight is below drop_tol."""
    if u.shape[1] == 0:
        return u
    ubu = u.T @ b_op(u)
    d = xp.sqrt(xp.abs(xp.diagonal(ubu)))
    keep = d > 0
    u, d = u[:, keep], d[keep]
    ubu = ubu[keep][:, keep] / d[:, None] / d[None, :]
    w, z = xp.linalg.eigh((ubu + ubu.T) / 2)
    big = w > drop_tol * max(float(xp.abs(w).max()), 1e-300) if w.size else w > 0
    return (u / d) @ (z[:, big] / xp.sqrt(w[big]))


class _Solver:
    """One matrix's LOBPCG iteration on raw arrays."""

    def __init__(self, xp, a, b, ik, largest, ortho, tol):
        self.xp, self.a, self.b, self.ik = xp, a, b, ik
        self.largest, self.ortho, self.tol = largest, ortho, tol

    def b_op(self, y):
        return y if self.b is None else self.b @ y

    def ritz(self, s, n):
        """The n extreme Ritz pairs of A on span(s) and the coefficients: (theta, C)."""
        xp = self.xp
        sas = s.T @ (self.a @ s)
        if self.ortho:
            return _sym_eig(xp, sas, self.largest)
        sbs = s.T @ self.b_op(s)
        d = 1 / xp.sqrt(xp.diagonal(sbs))
        try:
            r = xp.linalg.cholesky(sbs * d[:, None] * d[None, :]).T
        except Exception as error:   # numpy's or cupy's LinAlgError
            raise RuntimeError(f"lobpcg: method='basic' met a nearly dependent search basis (its Gram matrix is "
                               f"not positive definite: {error}); use method='ortho'") from None
        ri = xp.linalg.inv(r) * d[:, None]
        theta, z = _sym_eig(xp, ri.T @ sas @ ri, self.largest)
        return theta, ri @ z

    def run(self, x, k, niter):
        xp, n = self.xp, x.shape[1]
        x_norm = xp.linalg.norm(x)
        a_norm = float(xp.linalg.norm(self.a @ x) / x_norm)
        b_norm = float(xp.linalg.norm(self.b_op(x)) / x_norm)
        if self.ortho:
            x = _b_orthonormal(xp, x, self.b_op, self.tol)
        e, c = self.ritz(x, n)
        x = x @ c[:, :n]
        e = e[:n]
        p = x[:, :0]
        step = 1
        while True:
            r = self.a @ x - self.b_op(x) * e
            rerr = xp.linalg.norm(r, axis=0) / (xp.linalg.norm(x, axis=0) * (a_norm + xp.abs(e) * b_norm))
            done = np.cumprod(np.asarray(rerr.tolist()) < self.tol).sum()
            if done >= k or step == niter:
                return e[:k], x[:, :k]
            w = r[:, done:] if self.ik is None else self.ik @ r[:, done:]
            if self.ortho:
                rest = xp.concatenate([p, w], axis=1)
                for _ in range(2):   # twice is enough (Kahan-Parlett)
                    rest = rest - x @ (x.T @ self.b_op(rest))
                rest = _b_orthonormal(xp, rest, self.b_op, self.tol)
            else:
                rest = xp.concatenate([w, p], axis=1)
            s = xp.concatenate([x, rest], axis=1)
            theta, c = self.ritz(s, n)
            x, e = s @ c[:, :n], theta[:n]
            p = rest @ c[n:, :n]
            step += 1


class Lobpcg(Function):
    """The eigenpairs from LOBPCG as one node; backward as in the module's docstring."""
    op_name = "lobpcg"
    differentiable_backward = False

    def forward(ctx, a, b, x, ik, k, niter, tol, largest, method):
        xp = ctx.xp
        m = a.shape[-1]
        batch = a.shape[:-2]
        flat_a = a.reshape((-1, m, m))
        flat_b = None if b is None else b.reshape((-1, m, m))
        flat_x = x.reshape((-1,) + x.shape[-2:])
        values, vectors = [], []
        for i in range(flat_a.shape[0]):
            solver = _Solver(xp, flat_a[i], None if b is None else flat_b[i], ik, largest, method == "ortho", tol)
            e, u = solver.run(flat_x[i], k, niter)
            values.append(e)
            vectors.append(u)
        e = xp.stack(values).reshape(batch + (k,)) if values else xp.zeros(batch + (k,), a.dtype)
        u = xp.stack(vectors).reshape(batch + (m, k)) if vectors else xp.zeros(batch + (m, k), a.dtype)
        ctx.save_for_backward(a, e, u)
        ctx.has_b = b is not None
        return e, u

    def backward(ctx, ge, gu):
        if ctx.has_b:
            raise RuntimeError("lobpcg: backward does not support B != I yet (as in PyTorch); pass B.detach() "
                               "and A with requires_grad, or B=None")
        a, e, u = ctx.saved_tensors
        xp = ctx.xp
        mu, v = xp.linalg.eigh(a)
        ut = u.swapaxes(-1, -2)
        gap = e[..., None, :] - mu[..., :, None]                  # (m, k): lambda_i - mu_j
        scale = xp.abs(mu).max(axis=-1)[..., None, None] + 1
        with np.errstate(divide="ignore"):
            inv_gap = xp.where(xp.abs(gap) > 1e3 * np.finfo(a.dtype).eps * scale, 1 / gap, 0)
        ga = (u * ge[..., None, :]) @ ut + v @ ((inv_gap * (v.swapaxes(-1, -2) @ gu)) @ ut)
        return ga, None, None, None, None, None, None, None, None


def _float_dtype(a):
    return a.dtype if a.dtype.kind in "fc" else np.dtype(np.float32)


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): the k largest (largest=False: smallest) eigenvalues of the symmetric positive definite A (*, m, m)
    (generalized: A x = lambda B x, B symmetric positive definite) and their eigenvectors (*, m, k), by LOBPCG with
    n >= k search vectors (X (*, m, n) the starting guess, random otherwise), preconditioner iK, at most niter
    steps (default 1000) and relative residual tolerance tol (default sqrt(eps)). method: 'ortho' (default) or
    'basic'. Needs m >= 3 n. Differentiable in A (B=None); tracker and the ortho_* tuning dicts are accepted and
    ignored."""
    op = "lobpcg"
    check_tensor(op, A, "A")
    if A.ndim < 2 or A.shape[-2] != A.shape[-1]:
        raise ValueError(f"lobpcg: A must be a square matrix or a batch of them (*, m, m), got shape "
                         f"{tuple(A.shape)}")
    if A.dtype.kind not in "f":
        raise TypeError(f"lobpcg: A must be float32 or float64, got {A.dtype}; convert it with .double()")
    if getattr(A, "is_sparse", False):
        A = A.to_dense()
    for name, t in (("B", B), ("iK", iK), ("X", X)):
        if t is not None:
            check_tensor(op, t, name)
    if B is not None and tuple(B.shape) != tuple(A.shape):
        raise ValueError(f"lobpcg: A and B must have same shape, got {tuple(A.shape)} vs {tuple(B.shape)}")
    if method not in (None, "ortho", "basic"):
        raise ValueError(f"lobpcg: method must be 'ortho' or 'basic', got {method!r}")
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else int(k)
    n = (k if n is None else int(n)) if X is None else X.shape[-1]
    if k < 1 or k > n:
        raise ValueError(f"lobpcg: k (={k}) must be between 1 and the number of search vectors n (={n})")
    if m < 3 * n:
        raise ValueError(f"lobpcg: LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller "
                         f"than 3 x the number of requested eigenpairs (={n}); ask for fewer pairs or use "
                         f"linalg.eigh")
    dtype = _float_dtype(A)
    device = A._device
    if X is None:
        x = device.randn(tuple(A.shape[:-2]) + (m, n), dtype)
    else:
        if tuple(X.shape[-2:]) != (m, n) or (X.ndim > 2 and tuple(X.shape[:-2]) != tuple(A.shape[:-2])):
            raise ValueError(f"lobpcg: X must have shape {tuple(A.shape[:-2]) + (m, n)} (or ({m}, {n})), got "
                             f"{tuple(X.shape)}")
        x = X.detach()._data.astype(dtype)
        if x.ndim == 2 and A.ndim > 2:
            x = device.xp.broadcast_to(x, tuple(A.shape[:-2]) + (m, n))
    if tol is None:
        tol = float(np.finfo(dtype).eps) ** 0.5
    niter = 1000 if niter is None else int(niter)
    ik = None if iK is None else iK.detach()._data
    A_sym = mul(add(A, A.mT), 0.5) if A.requires_grad else A
    B_sym = None if B is None else (mul(add(B, B.mT), 0.5) if B.requires_grad else B)
    return Lobpcg.apply(A_sym, B_sym, x, ik, k, niter, float(tol), True if largest is None else bool(largest),
                        "ortho" if method is None else method)
