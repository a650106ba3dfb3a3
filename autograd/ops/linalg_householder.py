"""Householder reflectors, torch's way: geqrf (LAPACK's compact QR) and linalg.householder_product (orgqr).

A (..., m, n) with m >= n and tau (..., k), k <= n, stand for the reflectors H_i = I - tau_i v_i v_i^T, where v_i
is column i of A below the diagonal with a 1 on it and zeros above; householder_product is the first n columns
of H_0 H_1 ... H_{k-1}. Forward applies the reflectors to those columns of the identity from the right end.
Backward, with M_i = H_{i-1} ... H_0 G (G the output's gradient) and R_i = H_{i+1} ... H_{k-1} E the product to
the right of H_i: g tau_i = -(M_i^T v_i) . (R_i^T v_i) and g v_i = -tau_i (M_i R_i^T v_i + R_i M_i^T v_i), of
which column i of gA keeps the entries below the diagonal. Under create_graph the same sweep runs on Tensors.
geqrf has no derivative (as in PyTorch): backward through it raises. Complex A and tau take H_i = I - tau_i v_i v_i^H
(in linalg_complex.py).
"""
import numpy as np

from ..function import Function
from ..return_types import return_type
from .linalg_checks import check_float, check_matrix
from ..errors import DtypeError

GeqrfResult = return_type("geqrf", ["a", "tau"])


def _reflector(a, i, mask):
    """v_i of the raw array (or Tensor) a: column i below the diagonal, 1 on it, 0 above; `mask` is the pair
    (strictly-lower pattern, diagonal pattern) from _masks, constants of the device's array module."""
    below, unit = mask
    return a[..., :, i] * below[:, i] + unit[:, i]


def _masks(xp, m, n, dtype):
    rows = xp.arange(m)[:, None]
    cols = xp.arange(n)[None, :]
    return (rows > cols).astype(dtype), (rows == cols).astype(dtype)


def _right_products(xp, a, tau, mask, eye):
    """[R_0, ..., R_k]: R_i = H_i ... H_{k-1} E (R_k = E), built from the right."""
    k = tau.shape[-1]
    q = eye
    out = [q]
    for i in reversed(range(k)):
        v = _reflector(a, i, mask)
        q = q - (tau[..., i, None] * v)[..., :, None] * (v[..., None, :] @ q)
        out.append(q)
    out.reverse()
    return out


class LinalgHouseholderProduct(Function):
    """householder_product as one node: the reflectors applied in forward, the sweep above in backward."""
    op_name = "linalg.householder_product"

    def forward(ctx, a, tau):
        xp = ctx.xp
        m, n = a.shape[-2:]
        mask = _masks(xp, m, n, a.dtype)
        eye = xp.broadcast_to(xp.eye(m, n, dtype=a.dtype), a.shape)
        ctx.save_for_backward(a, tau)
        q = eye.copy()
        for i in reversed(range(tau.shape[-1])):
            v = _reflector(a, i, mask)
            q -= (tau[..., i, None] * v)[..., :, None] * (v[..., None, :] @ q)
        return q

    def backward(ctx, g):
        a, tau = ctx.saved_tensors
        xp, raw = ctx.xp, ctx.device.xp
        m, n = a.shape[-2:]
        k = tau.shape[-1]
        mask = _masks(raw, m, n, g.dtype)
        eye = raw.broadcast_to(raw.eye(m, n, dtype=g.dtype), g.shape)
        if xp is not raw:   # create_graph: the identity as a constant Tensor (an array left of a Tensor is refused)
            eye = xp.zeros_like(g) + eye
        rights = _right_products(xp, a, tau, mask, eye)
        grad_m = g
        cols, gtau = [], []
        for i in range(k):
            v = _reflector(a, i, mask)
            t = tau[..., i, None]
            r = rights[i + 1]
            mv = (v[..., None, :] @ grad_m)[..., 0, :]       # M_i^T v
            rv = (v[..., None, :] @ r)[..., 0, :]            # R_i^T v
            gtau.append(-(mv * rv).sum(axis=-1))
            gv = -t * ((grad_m @ rv[..., :, None])[..., 0] + (r @ mv[..., :, None])[..., 0])
            cols.append(gv * mask[0][:, i])
            grad_m = grad_m - (t * v)[..., :, None] * mv[..., None, :]     # H_i M_i (H_i is symmetric)
        zero = g[..., :, 0] * 0
        cols += [zero] * (n - k)
        ga = xp.stack(cols, axis=-1) + 0.0   # the masked-out entries of a negative gv are -0.0; PyTorch's are +0
        gt = xp.stack(gtau, axis=-1) if k else tau * 0
        return ga, gt


def householder_product(A, tau):
    """The first n columns of H_0 H_1 ... H_{k-1}, H_i = I - tau_i v_i v_i^T with v_i column i of A (..., m, n)
    below the diagonal, 1 on it and 0 above, for tau (..., k); m >= n >= k. Differentiable in A and tau."""
    op = "linalg.householder_product"
    check_matrix(op, A, "input", square=False)
    check_float(op, tau, "tau")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to input.shape[-1], got "
                           f"shape {tuple(A.shape)}; pass the tall (m >= n) matrix of reflectors")
    if tau.ndim != A.ndim - 1 or tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{op}: tau must have shape input.shape[:-2] + (k,), got tau {tuple(tau.shape)} for "
                           f"input {tuple(A.shape)}")
    if tau.shape[-1] > n:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1], got input "
                           f"{tuple(A.shape)} and tau {tuple(tau.shape)}")
    if tau.dtype != A.dtype:
        raise DtypeError(f"{op}: tau dtype {tau.dtype} does not match input dtype {A.dtype}; convert one with "
                         ".to(other.dtype)")
    return LinalgHouseholderProduct.apply(A, tau)


def orgqr(input, tau):
    """torch.orgqr: linalg.householder_product under its LAPACK name."""
    return householder_product(input, tau)


class Geqrf(Function):
    """geqrf through the array module's LAPACK call (numpy.linalg.qr's 'raw' mode, transposed back)."""
    op_name = "geqrf"

    def forward(ctx, a):
        xp = ctx.xp
        if xp is np or a.ndim == 2:
            h, tau = xp.linalg.qr(a, mode="raw")
            return xp.ascontiguousarray(h.swapaxes(-1, -2)), tau
        flat = a.reshape((-1,) + a.shape[-2:])
        parts = [xp.linalg.qr(x, mode="raw") for x in flat]      # array modules without batched 'raw'
        h = xp.stack([p[0].swapaxes(-1, -2) for p in parts]).reshape(a.shape)
        tau = xp.stack([p[1] for p in parts]).reshape(a.shape[:-2] + (min(a.shape[-2:]),))
        return h, tau

    def backward(ctx, ga, gtau):
        raise RuntimeError("geqrf: the derivative for 'geqrf' is not implemented (as in PyTorch); differentiate "
                           "through linalg.qr instead")


def geqrf(input):
    """(a, tau): LAPACK's compact QR of input (..., m, n): R on and above a's diagonal, the Householder vectors
    below it, and their scales tau (..., min(m, n)); linalg.householder_product(a, tau) gives Q. No gradient."""
    check_matrix("geqrf", input, "input", square=False)
    return GeqrfResult(*Geqrf.apply(input))
