"""torch.linalg on complex matrices, and linalg.eig / linalg.eigvals.

Every linalg op takes complex64/complex128 matrices (complex_forms.py explains how an op's real code meets
complex values). Those whose factors depend holomorphically on A (inv, solve, solve_triangular, the LU
factorisation, matrix_exp) keep their real backward, run on conj(G) and conjugated back: transposes become
conjugate transposes exactly where PyTorch has them. The others tie their results to A through a conjugate
(unitary Q, Hermitian A, real eigenvalues or singular values, the phase of a determinant) and get a backward
written here, in PyTorch's convention (gradient dL/dx + i dL/dy of a real loss):

- det: gA = g conj(det A) A^-H = g adj(A)^H, at a singular A through the SVD A = U diag(S) Vh:
  adj(A)^H = conj(det U det Vh) U diag(prod_{j != i} S_j) Vh.
- slogdet: with h = glogabsdet + i Im(gsign conj(sign)), gA = h A^-H.
- cholesky: with P = tril(L^H gL), X = (P + tril(P, -1)^H) / 2, gA = L^-H X L^-1.
- qr (m >= n): with N = gR R^H - Q^H gQ, X the Hermitian matrix with N's strict upper triangle and the real
  part of its diagonal, gA = (gQ + Q X) R^-H; wide A as in the real case.
- eigh: gA = V (diag(gw) + skew(V^H gV) / E) V^H, E_ij = w_j - w_i, skew(X) = (X - X^H) / 2.
- svd: the real formula with conjugate transposes, plus i Im((U^H gU)_ii) / S_i on the diagonal.
- pinv: the real formula with conjugate transposes (Golub and Pereyra).
- householder_product: reflectors I - tau v v^H, and the real sweep with conjugates (see its class).
- eig (real or complex A, complex results): with X = V^H gV, X' = X - V^H V diag(Re diag X), F the matrix with
  X'_ij / conj(L_j - L_i) off the diagonal and gL on it, gA = V^-H F V^H (real part for a real A);
  eigvals alone: gA = V^-H diag(gL) V^H.

Each complex eigenvector (and singular-vector pair) is defined only up to a phase e^{i phi}; as PyTorch, the
backward of eig, eigh and svd raises when the loss depends on that phase, i.e. when Im diag(V^H gV) (for svd
Im diag(U^H gU) + Im diag(V^H gV)) is not close to 0.
"""
import numpy as np

from .. import complex_forms
from ..dtypes import complex_dtype_of
from ..function import Function
from ..grad_mode import state as grad_state
from ..return_types import return_type
from ..tensor import Tensor
from .linalg_checks import check_matrix, raising
from .linalg_cholesky import LinalgCholeskyEx
from .linalg_det import LinalgDet, LinalgSlogdet, _others_product
from .linalg_eigh import LinalgEigh
from .linalg_householder import Geqrf, LinalgHouseholderProduct, _masks, _reflector
from .linalg_kit import kit
from .linalg_lu import LinalgLUFactor
from .linalg_qr import LinalgQr
from .linalg_solve import LinalgInvEx, LinalgSolveEx, LinalgSolveTriangular, broadcast_solve
from .linalg_svd import LinalgSvd
from .matrix_exp import LinalgMatrixExp
from .no_grad_op import _op_class

EigResult = return_type("linalg_eig", ["eigenvalues", "eigenvectors"])


def _h(x):
    """The conjugate transpose of the last two dims (raw arrays and Tensors)."""
    return x.conj().swapaxes(-1, -2)


def _off_diagonal(k, x):
    """x with its diagonal set to zero (raw arrays and Tensors)."""
    return x - k.diag_embed(k.diagonal(x))


def _phase_check(op, vectors, imag_diag):
    """Raise when the loss depends on the arbitrary phase of complex eigen- or singular vectors: when imag_diag
    (Im diag(V^H gV), for svd its sum with Im diag(U^H gU)) is not close to 0 (PyTorch's lax tolerances, so
    that rounding never trips it). imag_diag: a NumPy or CuPy array, or a Tensor under create_graph."""
    if isinstance(imag_diag, Tensor):
        values = imag_diag.detach().numpy()
    else:
        values = imag_diag if isinstance(imag_diag, np.ndarray) else imag_diag.get()
    if not np.allclose(values, 0, rtol=1e-2, atol=1e-2):
        raise RuntimeError(f"{op}: the loss depends on the phase of the complex {vectors}, which is arbitrary "
                           "(each is defined only up to a factor e^{i phi}), so its gradient is ill-defined; use a "
                           "loss invariant to that phase (e.g. of |V|, V diag(L) V^-1, U V^H, or the values alone)")


class LinalgDetComplex(LinalgDet):
    """linalg.det on complex matrices: gA = g conj(det A) A^-H, the adjugate's conjugate transpose when singular."""

    def backward(ctx, g):
        a, d = ctx.saved_tensors
        k = kit(ctx)
        xp = ctx.xp
        scale = (g * d.conj())[..., None, None]
        if k.graph:
            return scale * _h(k.inv(a))
        if a.size == 0:
            return xp.zeros_like(a)
        try:
            with raising(xp):
                return scale * _h(xp.linalg.inv(a))
        except np.linalg.LinAlgError:
            u, s, vh = xp.linalg.svd(a)
            phase = (xp.linalg.det(u) * xp.linalg.det(vh)).conj()
            return (g * phase)[..., None, None] * ((u * _others_product(xp, s).astype(a.dtype)[..., None, :]) @ vh)


class LinalgSlogdetComplex(LinalgSlogdet):
    """linalg.slogdet on complex matrices: a complex sign, and gradients through both sign and logabsdet."""

    def forward(ctx, a):
        xp = ctx.xp
        sign, logabsdet = xp.linalg.slogdet(a)
        sign, logabsdet = xp.asarray(sign), xp.asarray(logabsdet)
        ctx.save_for_backward(a, sign)
        return sign, logabsdet

    def backward(ctx, gsign, glog):
        a, sign = ctx.saved_tensors
        k = kit(ctx)
        xp = ctx.xp
        h = glog + 1j * xp.imag(gsign * sign.conj())
        if k.graph:
            inverse = k.inv(a)
        else:
            try:
                with raising(xp):
                    inverse = xp.linalg.inv(a)
            except np.linalg.LinAlgError:
                inverse = xp.full(a.shape, np.nan, dtype=a.dtype)
        return h[..., None, None] * _h(inverse)


class LinalgCholeskyComplex(LinalgCholeskyEx):
    """linalg.cholesky on Hermitian positive-definite matrices (A = L L^H)."""

    def backward(ctx, g, ginfo=None):
        k = kit(ctx)
        (factor,) = ctx.saved_tensors
        low, glow = (_h(factor), _h(g)) if ctx.upper else (factor, g)
        p = k.tril(_h(low) @ glow)
        x = 0.5 * (p + _h(k.tril(p, -1)))
        right = _h(k.solve_triangular(_h(low), _h(x), True))       # X L^-1
        return k.solve_triangular(_h(low), right, True)            # L^-H X L^-1


class LinalgEighComplex(LinalgEigh):
    """linalg.eigh on Hermitian matrices: real eigenvalues, unitary eigenvectors."""

    def backward(ctx, gw, gv):
        k = kit(ctx)
        xp = ctx.xp
        w, v = ctx.saved_tensors
        vh = _h(v)
        x = vh @ gv
        _phase_check("linalg.eigh", "eigenvectors", xp.imag(k.diagonal(x)))
        x = _off_diagonal(k, x)
        gaps = (w[..., None, :] - w[..., :, None]).astype(x.dtype)
        inner = k.ratio(0.5 * (x - _h(x)), gaps) + k.diag_embed(gw.astype(x.dtype))
        return v @ (inner @ vh)


class LinalgSvdComplex(LinalgSvd):
    """linalg.svd on complex matrices: real singular values, unitary U and Vh."""

    def backward(ctx, gu, gs, gvh):
        k = kit(ctx)
        xp = ctx.xp
        u, s, vh = ctx.saved_tensors
        r = s.shape[-1]
        m, n = u.shape[-2], vh.shape[-1]
        if u.shape[-1] != r:
            u, gu = u[..., :, :r], gu[..., :, :r]
        if vh.shape[-2] != r:
            vh, gvh = vh[..., :r, :], gvh[..., :r, :]
        j = _h(u) @ gu
        j = j - _h(j)
        kk = vh @ _h(gvh)
        kk = kk - _h(kk)
        diag_j = k.diagonal(j)
        _phase_check("linalg.svd", "singular vectors", xp.imag(diag_j) + xp.imag(k.diagonal(kk)))
        j, kk = _off_diagonal(k, j), _off_diagonal(k, kk)
        sc = s.astype(u.dtype)
        squares = sc * sc
        core = k.ratio(j * sc[..., None, :] + sc[..., :, None] * kk, squares[..., None, :] - squares[..., :, None])
        # the phase term: (U^H gU)_ii's imaginary part, i.e. half the diagonal of the skew part, over S_i
        core = core + k.diag_embed(gs.astype(u.dtype) + k.ratio(0.5 * xp.imag(diag_j) * 1j, sc))
        if m > n:
            scaled = k.ratio(gu, sc[..., None, :])                     # gU S^-1
            return (u @ core + scaled - u @ (_h(u) @ scaled)) @ vh
        if m < n:
            scaled = k.ratio(gvh, sc[..., :, None])                    # S^-1 gVh
            return u @ (core @ vh + scaled - (scaled @ _h(vh)) @ vh)
        return u @ (core @ vh)


def _qr_tall(k, q, r, gq, gr):
    """gA for complex A = Q R with R square (the m >= n case)."""
    upper = k.triu(gr @ _h(r) - _h(q) @ gq)
    x = upper + _h(upper)                                        # Hermitian, with 2 Re(N_ii) on the diagonal
    x = x - 0.5 * k.diag_embed(k.diagonal(x))
    b = gq + q @ x
    return _h(k.solve_triangular(r, _h(b), True))                # b R^-H


class LinalgQrComplex(LinalgQr):
    """linalg.qr on complex matrices: unitary Q, R with a real diagonal."""

    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            return LinalgQr.backward(ctx, gq, gr)     # raises, as for real matrices
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "complete" and m > n:
            return LinalgQr.backward(ctx, gq, gr)     # raises too
        k = kit(ctx)
        if m >= n:
            return _qr_tall(k, q, r, gq, gr)
        y = a[..., :, m:]
        gv = gr[..., :, m:]
        gx = _qr_tall(k, q, r[..., :, :m], gq + y @ _h(gv), gr[..., :, :m])
        return ctx.xp.concatenate([gx, q @ gv], axis=-1)


class LinalgHouseholderProductComplex(LinalgHouseholderProduct):
    """householder_product with complex reflectors H_i = I - tau_i v_i v_i^H. With M_i = H_{i-1}^H ... H_0^H G,
    R_i = H_{i+1} ... H_{k-1} E, m = M_i^H v_i and r = R_i^H v_i: g tau_i = -sum(r conj(m)) and
    g v_i = -conj(tau_i) M_i r - tau_i R_i m (the real sweep's formulas with conjugates where they fall)."""

    def forward(ctx, a, tau):
        xp = ctx.xp
        m, n = a.shape[-2:]
        mask = _masks(xp, m, n, a.dtype)
        ctx.save_for_backward(a, tau)
        return _reflect(a, tau, mask, xp.broadcast_to(xp.eye(m, n, dtype=a.dtype), a.shape))[0]

    def backward(ctx, g):
        a, tau = ctx.saved_tensors
        xp, raw = ctx.xp, ctx.device.xp
        m, n = a.shape[-2:]
        k = tau.shape[-1]
        mask = _masks(raw, m, n, g.dtype)
        rights = _reflect(a, tau, mask, raw.broadcast_to(raw.eye(m, n, dtype=g.dtype), g.shape))[1]
        grad_m = g
        cols, gtau = [], []
        for i in range(k):
            v = _reflector(a, i, mask)
            t = tau[..., i, None]
            r = rights[i + 1]
            mh = (v.conj()[..., None, :] @ grad_m)[..., 0, :]      # v^H M_i = m^H
            rh = (v.conj()[..., None, :] @ r)[..., 0, :]           # v^H R_i = r^H
            gtau.append(-(rh.conj() * mh).sum(axis=-1))
            gv = -t.conj() * (grad_m @ rh.conj()[..., :, None])[..., 0] - t * (r @ mh.conj()[..., :, None])[..., 0]
            cols.append(gv * mask[0][:, i])
            grad_m = grad_m - (t.conj() * v)[..., :, None] * mh[..., None, :]     # H_i^H M_i
        cols += [g[..., :, 0] * 0] * (n - k)
        return xp.stack(cols, axis=-1), (xp.stack(gtau, axis=-1) if k else tau * 0)


def _reflect(a, tau, mask, q):
    """(H_0 ... H_{k-1} q, [R_0, ..., R_k]) with R_i = H_i ... H_{k-1} q (R_k = q), complex reflectors."""
    out = [q]
    for i in reversed(range(tau.shape[-1])):
        v = _reflector(a, i, mask)
        q = q - (tau[..., i, None] * v)[..., :, None] * (v.conj()[..., None, :] @ q)
        out.append(q)
    out.reverse()
    return q, out


class LinalgEig(Function):
    """The eigendecomposition of general square matrices, real or complex, with complex results: LAPACK's geev
    (through NumPy), eigenvectors of unit norm with their largest component real, as PyTorch's. vectors=False
    returns the eigenvalues only, without a gradient (linalg.eigvals takes them from the full op when a gradient
    is needed, so that second derivatives see the eigenvectors depend on A)."""
    op_name = "linalg.eig"
    complex_ready = True

    def forward(ctx, a, vectors=True):
        complex_forms.note_complex()   # results of a real input are the first complex tensors there may be
        out_dtype = complex_dtype_of(a.dtype)
        ctx.real_dtype = None if a.dtype.kind == "c" else a.dtype
        if not vectors:
            return np.linalg.eigvals(a).astype(out_dtype, copy=False)
        w, v = np.linalg.eig(a)
        w, v = w.astype(out_dtype, copy=False), v.astype(out_dtype, copy=False)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, gl, gv):
        k = kit(ctx)
        xp = ctx.xp
        w, v = ctx.saved_tensors
        vh = _h(v)
        x = vh @ gv     # zero for eigvals: then this is V^-H diag(gL) V^H
        diag = k.diagonal(x)
        _phase_check("linalg.eig", "eigenvectors", xp.imag(diag))
        x = _off_diagonal(k, x - vh @ (v * xp.real(diag)[..., None, :]))
        wc = w.conj()
        gaps = wc[..., None, :] - wc[..., :, None] + ctx.device.xp.eye(w.shape[-1], dtype=w.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):   # repeated eigenvalues: inf/NaN, as PyTorch
            rhs = (x / gaps + k.diag_embed(gl)) @ vh
        ga = LinalgSolveEx.apply(vh, rhs) if k.graph else broadcast_solve(xp, vh, rhs)
        if ctx.real_dtype is not None:
            return xp.real(ga).astype(ctx.real_dtype)
        return ga


def _host_only(op, A):
    """Refuse a tensor on a device whose array module is not NumPy (cuda), naming the fix."""
    if A.device.xp is not np:
        raise TypeError(f"{op}: not available on {A.device}: CuPy has no eigensolver for general (non-Hermitian) "
                        f"matrices; compute it on the CPU, e.g. {op}(A.cpu()) and move the results back with "
                        f".to('{A.device}'), or use linalg.eigh for Hermitian matrices, which runs on the GPU")


def eig(A):
    """(eigenvalues, eigenvectors) of each square matrix of A (..., n, n), real or complex, as complex tensors
    (complex64 for float32/complex64 A, complex128 otherwise): A V = V diag(L), each eigenvector (column of V)
    of unit norm with its largest component real, as LAPACK's geev and PyTorch give them. Differentiable where
    the eigenvalues are distinct, for losses that do not depend on the eigenvectors' phases. CPU devices only."""
    check_matrix("linalg.eig", A)
    _host_only("linalg.eig", A)
    return EigResult(*LinalgEig.apply(A))


def eigvals(A):
    """The eigenvalues (complex, in LAPACK's order) of each square matrix of A (..., n, n), as linalg.eig's."""
    check_matrix("linalg.eigvals", A)
    _host_only("linalg.eigvals", A)
    if A.requires_grad and grad_state.enabled:    # the eigenvectors are needed for the gradient
        return LinalgEig.apply(A)[0]
    return LinalgEig.apply(A, vectors=False)


# geqrf has no backward (it raises): only its forward needs to take complex values
complex_forms.holomorphic(LinalgInvEx, LinalgSolveEx, LinalgSolveTriangular, LinalgLUFactor, LinalgMatrixExp, Geqrf)
for _real, _form in ((LinalgDet, LinalgDetComplex), (LinalgSlogdet, LinalgSlogdetComplex),
                     (LinalgCholeskyEx, LinalgCholeskyComplex), (LinalgEigh, LinalgEighComplex),
                     (LinalgSvd, LinalgSvdComplex), (LinalgQr, LinalgQrComplex),
                     (LinalgHouseholderProduct, LinalgHouseholderProductComplex)):
    complex_forms.explicit(_real, _form)
# the gradient-free linalg ops whose results are defined for complex matrices as for real ones
for _name in ("linalg.svdvals", "linalg.eigvalsh", "linalg.matrix_rank"):
    _op_class(_name).complex_ready = True
