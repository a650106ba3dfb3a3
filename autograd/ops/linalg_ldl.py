"""The LDL family of torch.linalg: ldl_factor, ldl_factor_ex and ldl_solve.

A symmetric (or Hermitian) matrix, possibly indefinite, factors as P A P^T = L D L^T (^H when Hermitian)
with L unit lower triangular and D block diagonal (1x1 and 2x2 blocks), chosen by Bunch-Kaufman pivoting.
The result is LAPACK's compact form, as PyTorch returns it: LD holds D on and below its diagonal (a 2x2
block's off-diagonal entry at LD[k+1, k]) and L's multipliers below D; `pivots` (int32, 1-based) say which row
was swapped in at each step, negative (and repeated) for the two rows of a 2x2 block.

SciPy's LAPACK wrappers (?sytrf / ?hetrf) compute it when SciPy is installed; otherwise `_sytf2` below, the
unblocked Bunch-Kaufman algorithm step by step as LAPACK writes it, which chooses the same pivots (the
blocked ?sytrf only regroups the updates of large matrices). Solving (ldl_solve) undoes the factors in
LAPACK's ?sytrs order. PyTorch has no derivative for these functions; neither has deepgrad: their outputs
join the graph, and backward through them raises, as in PyTorch.
"""
import math

import numpy as np

from ..function import Function
from ..return_types import return_type
from .dims import check_tensor
from .linalg_checks import LinAlgError, check_matrix
from ..errors import DtypeError

LDLFactor = return_type("linalg_ldl_factor", ["LD", "pivots"])
LDLFactorEx = return_type("linalg_ldl_factor_ex", ["LD", "pivots", "info"])

#: Bunch-Kaufman's threshold (1 + sqrt(17)) / 8, which bounds the growth of the entries
_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0


def _scipy_lapack():
    """scipy.linalg.lapack, or None where SciPy is not installed."""
    try:
        from scipy.linalg import lapack
    except ImportError:
        return None
    return lapack


def _first_max(values):
    """Index of the first largest entry (LAPACK's i?amax; NaN counts as not larger)."""
    return int(np.argmax(values)) if values.size else 0


def _sytf2(a, hermitian):
    """(LD, pivots, info) of one square matrix by the unblocked Bunch-Kaufman algorithm on the lower triangle
    (LAPACK's ?sytf2 / ?hetf2 with uplo 'L'), in NumPy; 1-based pivots, info the first zero pivot (1-based) or 0."""
    a = np.array(a, copy=True)
    n = a.shape[0]
    cplx = np.iscomplexobj(a)
    herm = hermitian and cplx
    conj = np.conj if herm else (lambda v: v)
    cabs = (lambda v: np.abs(v.real) + np.abs(v.imag)) if cplx else np.abs
    ipiv = np.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        kstep = 1
        akk = a[k, k].real if herm else a[k, k]
        absakk = abs(akk) if herm else float(cabs(np.asarray(akk)))
        if k < n - 1:
            imax = k + 1 + _first_max(cabs(a[k + 1:, k]))
            colmax = float(cabs(np.asarray(a[imax, k])))
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0.0 or math.isnan(absakk):
            if info == 0:
                info = k + 1
            kp = k
            if herm:
                a[k, k] = a[k, k].real
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                # the largest off-diagonal entry in row/column imax
                jmax = k + _first_max(cabs(a[imax, k:imax]))
                rowmax = float(cabs(np.asarray(a[imax, jmax])))
                if imax < n - 1:
                    jmax = imax + 1 + _first_max(cabs(a[imax + 1:, imax]))
                    rowmax = max(rowmax, float(cabs(np.asarray(a[jmax, imax]))))
                aii = abs(a[imax, imax].real) if herm else float(cabs(np.asarray(a[imax, imax])))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif aii >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:
                # swap rows and columns kk and kp of the trailing lower triangle
                if kp < n - 1:
                    a[kp + 1:, kk], a[kp + 1:, kp] = a[kp + 1:, kp].copy(), a[kp + 1:, kk].copy()
                col, row = a[kk + 1:kp, kk].copy(), a[kp, kk + 1:kp].copy()
                a[kk + 1:kp, kk], a[kp, kk + 1:kp] = conj(row), conj(col)
                if herm:
                    a[kp, kk] = np.conj(a[kp, kk])
                    a[kk, kk], a[kp, kp] = a[kp, kp].real, a[kk, kk].real
                else:
                    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
                if kstep == 2:
                    if herm:
                        a[k, k] = a[k, k].real
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            elif herm:
                a[k, k] = a[k, k].real
                if kstep == 2:
                    a[k + 1, k + 1] = a[k + 1, k + 1].real
            if kstep == 1:
                if k < n - 1:
                    x = a[k + 1:, k].copy()
                    r1 = 1.0 / (a[k, k].real if herm else a[k, k])
                    # the rank-one update of the trailing lower triangle (?syr / ?her)
                    update = np.outer(x, (-r1) * conj(x))
                    a[k + 1:, k + 1:] += np.tril(update)
                    if herm:
                        idx = np.arange(k + 1, n)
                        a[idx, idx] = a[idx, idx].real
                    a[k + 1:, k] = r1 * x
            elif k < n - 2:
                if herm:
                    d = abs(a[k + 1, k])
                    d11 = a[k + 1, k + 1].real / d
                    d22 = a[k, k].real / d
                    tt = 1.0 / (d11 * d22 - 1.0)
                    d21 = a[k + 1, k] / d
                    d = tt / d
                    wk = d * (d11 * a[k + 2:, k] - d21 * a[k + 2:, k + 1])
                    wkp1 = d * (d22 * a[k + 2:, k + 1] - np.conj(d21) * a[k + 2:, k])
                    update = np.outer(a[k + 2:, k], np.conj(wk)) + np.outer(a[k + 2:, k + 1], np.conj(wkp1))
                else:
                    d21 = a[k + 1, k]
                    d11 = a[k + 1, k + 1] / d21
                    d22 = a[k, k] / d21
                    t = 1.0 / (d11 * d22 - 1.0)
                    d21 = t / d21
                    wk = d21 * (d11 * a[k + 2:, k] - a[k + 2:, k + 1])
                    wkp1 = d21 * (d22 * a[k + 2:, k + 1] - a[k + 2:, k])
                    update = np.outer(a[k + 2:, k], wk) + np.outer(a[k + 2:, k + 1], wkp1)
                a[k + 2:, k + 2:] -= np.tril(update)
                if herm:
                    idx = np.arange(k + 2, n)
                    a[idx, idx] = a[idx, idx].real
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return np.tril(a), ipiv, info


def _factor_one(a, hermitian, lapack):
    """(LD, pivots, info) of one host matrix: SciPy's LAPACK when given, else _sytf2."""
    n = a.shape[0]
    if lapack is None or n == 0:
        return _sytf2(a, hermitian)
    prefix = {np.dtype(np.float32): "s", np.dtype(np.float64): "d", np.dtype(np.complex64): "c",
              np.dtype(np.complex128): "z"}[a.dtype]
    kind = "hetrf" if hermitian and prefix in "cz" else "sytrf"
    work = getattr(lapack, prefix + "sytrf_lwork")(n, lower=1)   # the optimal workspace, as PyTorch asks for
    lwork = max(int(np.real(work[0])), 1) if isinstance(work, tuple) else max(int(np.real(work)), 1)
    ld, ipiv, info = getattr(lapack, prefix + kind)(a, lower=1, lwork=lwork)
    return np.tril(ld), np.asarray(ipiv, np.int32), int(info)


def _factor_host(a, hermitian):
    """(LD, pivots, info) of a host batch (..., n, n)."""
    lapack = _scipy_lapack()
    batch, n = a.shape[:-2], a.shape[-1]
    flat = a.reshape((math.prod(batch), n, n))
    ld = np.empty_like(flat)
    piv = np.empty((flat.shape[0], n), np.int32)
    info = np.zeros(flat.shape[0], np.int32)
    for i, m in enumerate(flat):
        ld[i], piv[i], info[i] = _factor_one(m, hermitian, lapack)
    return ld.reshape(a.shape), piv.reshape(batch + (n,)), info.reshape(batch)


def _solve_one(ld, ipiv, b, hermitian):
    """X with A X = b, A given by one compact factorisation (LAPACK's ?sytrs / ?hetrs with uplo 'L')."""
    b = np.array(b, copy=True)
    n = ld.shape[0]
    herm = hermitian and np.iscomplexobj(ld)
    conj = np.conj if herm else (lambda v: v)
    k = 0
    while k < n:   # solve L D y = b, applying the interchanges forwards
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] = b[k] / (ld[k, k].real if herm else ld[k, k])
            k += 1
        else:
            kp = -ipiv[k] - 1
            if kp != k + 1:
                b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= np.outer(ld[k + 2:, k], b[k]) + np.outer(ld[k + 2:, k + 1], b[k + 1])
            akm1k = ld[k + 1, k]
            akm1 = ld[k, k] / conj(akm1k)
            ak = ld[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1 = b[k] / conj(akm1k)
            bk = b[k + 1] / akm1k
            b[k] = (ak * bkm1 - bk) / denom
            b[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:   # solve L^T x = y (L^H when Hermitian), undoing the interchanges backwards
        if ipiv[k] > 0:
            b[k] -= conj(ld[k + 1:, k]) @ b[k + 1:]
            kp = ipiv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= conj(ld[k + 1:, k]) @ b[k + 1:]
            b[k - 1] -= conj(ld[k + 1:, k - 1]) @ b[k + 1:]
            kp = -ipiv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def _solve_host(ld, piv, b, hermitian):
    """ldl_solve on host arrays whose batch dims broadcast."""
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    n, k = ld.shape[-1], b.shape[-1]
    count = math.prod(batch)
    lds = np.broadcast_to(ld, batch + (n, n)).reshape((count, n, n))
    pivs = np.broadcast_to(piv, batch + (n,)).reshape((count, n))
    bs = np.broadcast_to(b, batch + (n, k)).reshape((count, n, k))
    out = np.empty(bs.shape, np.result_type(ld, b))
    for i in range(bs.shape[0]):
        out[i] = _solve_one(lds[i], pivs[i], bs[i], hermitian)
    return out.reshape(batch + (n, k))


def _host(ctx, array):
    return array if ctx.xp is np else ctx.device.to_host(array)


def _back(ctx, array):
    return array if ctx.xp is np else ctx.device.asarray(array)


class LinalgLdlFactorEx(Function):
    """The compact LDL factorisation; no derivative (as in PyTorch)."""
    op_name = "linalg.ldl_factor_ex"
    torch_name = "torch::autograd::NotImplemented"
    complex_ready = True

    def forward(ctx, a, hermitian=False):
        ld, piv, info = _factor_host(_host(ctx, a), hermitian)
        ld, piv, info = _back(ctx, ld), _back(ctx, piv), _back(ctx, info)
        ctx.mark_non_differentiable(piv, info)
        return ld, piv, info

    def backward(ctx, gld, gpiv, ginfo):
        raise RuntimeError("derivative for linalg_ldl_factor_ex is not implemented (as in PyTorch): "
                           "linalg.ldl_factor has no gradient; differentiate through linalg.solve or "
                           "linalg.eigh instead")


class LinalgLdlSolve(Function):
    """X with A X = B from ldl_factor's (LD, pivots); no derivative (as in PyTorch)."""
    op_name = "linalg.ldl_solve"
    torch_name = "torch::autograd::NotImplemented"
    complex_ready = True

    def forward(ctx, ld, piv, b, hermitian=False):
        return _back(ctx, _solve_host(_host(ctx, ld), _host(ctx, piv), _host(ctx, b), hermitian))

    def backward(ctx, gx):
        raise RuntimeError("derivative for linalg_ldl_solve is not implemented (as in PyTorch): differentiate "
                           "through linalg.solve instead")


def _raise_failure(op, info):
    """LinAlgError for the first matrix whose factorisation met an exactly zero pivot."""
    flat = np.asarray(info).reshape(-1)
    bad = np.flatnonzero(flat)
    if not bad.size:
        return
    where = f"(Batch element {int(bad[0])}): " if np.ndim(info) else ""
    k = int(flat[bad[0]])
    raise LinAlgError(f"{op}: {where}the factorization could not be completed because the input is singular: "
                      f"D[{k - 1}, {k - 1}] is exactly zero (LAPACK info {k}); the factors exist but solving with "
                      "them would divide by zero. Use ldl_factor_ex to get info without raising")


def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """(LD, pivots, info): the compact LDL factorisation of the symmetric (Hermitian when hermitian=True and A
    is complex) matrices A (..., n, n), read from A's lower triangle; info is 0, or k > 0 when D[k-1, k-1] is
    exactly zero (the factors are still returned). check_errors=True raises instead. No gradient."""
    op = "linalg.ldl_factor_ex"
    check_matrix(op, A, "A")
    ld, piv, info = LinalgLdlFactorEx.apply(A, hermitian=bool(hermitian))
    if check_errors:
        _raise_failure(op, info.numpy())
    return LDLFactorEx(ld, piv, info)


def ldl_factor(A, *, hermitian=False):
    """(LD, pivots): the compact LDL factorisation of A (see ldl_factor_ex); raises LinAlgError when a
    pivot is exactly zero (A singular). No gradient."""
    op = "linalg.ldl_factor"
    check_matrix(op, A, "A")
    ld, piv, info = LinalgLdlFactorEx.apply(A, hermitian=bool(hermitian))
    _raise_failure(op, info.numpy())
    return LDLFactor(ld, piv)


def ldl_solve(LD, pivots, B, *, hermitian=False):
    """X with A X = B, where (LD, pivots) is ldl_factor's factorisation of A (pass the same `hermitian`);
    B is (..., n, k) and the batch dims broadcast. No gradient."""
    op = "linalg.ldl_solve"
    check_matrix(op, LD, "LD")
    check_matrix(op, B, "B", square=False)
    check_tensor(op, pivots, "pivots")
    if pivots.dtype.kind not in "iu":
        raise DtypeError(f"{op}: pivots must be an integer tensor (ldl_factor's int32 pivots), got {pivots.dtype}")
    if tuple(pivots.shape) != tuple(LD.shape[:-1]):
        raise RuntimeError(f"{op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {tuple(pivots.shape)} for LD of shape {tuple(LD.shape)}")
    if B.dtype != LD.dtype:
        raise DtypeError(f"{op}: Expected B and LD to have the same dtype, got B {B.dtype} and LD {LD.dtype}; "
                         "convert one with .to(other.dtype)")
    if B.shape[-2] != LD.shape[-1]:
        raise RuntimeError(f"{op}: Incompatible matrix sizes: each LD matrix is {LD.shape[-1]} by {LD.shape[-1]} "
                           f"but each B matrix is {B.shape[-2]} by {B.shape[-1]}")
    try:
        np.broadcast_shapes(tuple(LD.shape[:-2]), tuple(B.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"{op}: the batch dims of LD {tuple(LD.shape)} and B {tuple(B.shape)} do not "
                           "broadcast") from None
    n = LD.shape[-1]
    if n and pivots.numel():
        low, high = int(pivots.abs().min()), int(pivots.abs().max())
        if low < 1 or high > n:
            raise RuntimeError(f"{op}: pivots must be LAPACK's 1-based row numbers in [1, {n}] (negative for 2x2 "
                               f"blocks), got magnitudes from {low} to {high}")
    return LinalgLdlSolve.apply(LD, pivots, B, hermitian=bool(hermitian))
