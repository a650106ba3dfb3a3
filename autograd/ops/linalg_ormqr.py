"""torch.ormqr: multiply a matrix by the Q that geqrf's Householder reflectors (input, tau) stand for, without the
caller forming Q: op(Q) @ other (left=True) or other @ op(Q), op the conjugate transpose when transpose=True.

Q (mn x mn, mn = input.shape[-2]) = H_0 ... H_{t-1}, H_i = I - tau_i v_i v_i^H, v_i column i of input below the
diagonal with 1 on it. It is formed with linalg.householder_product on the reflectors padded to mn columns
(extra reflectors with tau = 0 are identities), so ormqr is differentiable in input, tau and other, real or complex,
through that op and matmul.
"""
from .joining import cat
from .linalg_checks import check_matrix
from .linalg_householder import householder_product


def ormqr(input, tau, other, left=True, transpose=False):
    """op(Q) @ other (left=True) or other @ op(Q) for Q = H_0 ... H_{t-1} from geqrf's (input, tau), op(Q) = Q^H
    when transpose=True. input (*, mn, k), tau (*, min(mn, k)), other (*, m, n) with mn = m (left) or n (right).
    Differentiable in all three."""
    op = "ormqr"
    for name, x in (("input", input), ("other", other)):
        if getattr(x, "ndim", 2) < 2:
            raise RuntimeError(f"{op}: {name} must have at least 2 dimensions, got shape {tuple(x.shape)}; for a "
                               f"vector v pass v.unsqueeze(-1)")
    check_matrix(op, input, "input", square=False)
    check_matrix(op, other, "other", square=False)
    if other.ndim != input.ndim:
        raise RuntimeError(f"{op}: Expected other to have the same number of dimensions as input, but got other.ndim "
                           f"equal to {other.ndim} and input.ndim is equal to {input.ndim} (shapes "
                           f"{tuple(other.shape)} and {tuple(input.shape)})")
    if tau.ndim != input.ndim - 1 or tuple(tau.shape[:-1]) != tuple(input.shape[:-2]) or \
            tuple(other.shape[:-2]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{op}: batch shapes must agree: input {tuple(input.shape)}, tau {tuple(tau.shape)} "
                           f"(input.shape[:-2] + (k,)), other {tuple(other.shape)}")
    mn = other.shape[-2] if left else other.shape[-1]
    side = "other.shape[-2]" if left else "other.shape[-1]"
    if input.shape[-2] != mn:
        raise RuntimeError(f"{op}: {side} must be equal to input.shape[-2], got {mn} and {input.shape[-2]} (input "
                           f"{tuple(input.shape)}, other {tuple(other.shape)}, left={left})")
    t = tau.shape[-1]
    if t != min(mn, input.shape[-1]):
        raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min({side}, input.shape[-1]) = "
                           f"{min(mn, input.shape[-1])}, got tau of shape {tuple(tau.shape)}")
    for name, x in (("tau", tau), ("other", other)):
        if x.dtype != input.dtype:
            raise RuntimeError(f"{op}: Expected input and {name} to have the same dtype, but input has dtype "
                               f"{input.dtype} and {name} has dtype {x.dtype}; convert with .to(input.dtype)")
    reflectors = input[..., :, :t]
    if t < mn:   # identities for the missing reflectors, so that householder_product returns the whole Q
        reflectors = cat([reflectors, input.new_zeros(tuple(input.shape[:-1]) + (mn - t,))], dim=-1)
        tau = cat([tau, tau.new_zeros(tuple(tau.shape[:-1]) + (mn - t,))], dim=-1)
    q = householder_product(reflectors, tau)
    if transpose:
        q = q.mH
    return q @ other if left else other @ q
