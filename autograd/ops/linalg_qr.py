"""The QR factorisation with torch's names: linalg.qr(A, mode) and the old torch.qr(input, some).

Backward for A (m x n) with m >= n (Q m x n, R n x n): with M = R gR^T - gQ^T Q and copyltu(M) the symmetric
matrix made from M's lower triangle, gA = (gQ + Q copyltu(M)) R^-T. For m < n, A = [X | Y] and R = [U | V]
with X square: gY = Q gV and gX is the square case for (gQ + Y gV^T, gU). As in PyTorch, mode='r' (no Q) and
mode='complete' with m > n have no gradient: backward raises.
"""
from ..function import Function
from ..return_types import return_type
from .linalg_checks import check_matrix
from .linalg_kit import kit
from .. import autocast_state as autocast
from ..errors import ArgumentRangeError

QRResult = return_type("linalg_qr", ["Q", "R"])
LegacyQRResult = return_type("qr", ["Q", "R"])
MODES = ("reduced", "complete", "r")


def _tall_backward(k, q, r, gq, gr):
    """gA for A = Q R with R square (the m >= n case)."""
    m = r @ gr.swapaxes(-1, -2) - gq.swapaxes(-1, -2) @ q
    sym = k.tril(m) + k.tril(m, -1).swapaxes(-1, -2)
    b = gq + q @ sym
    return k.solve_triangular(r, b.swapaxes(-1, -2), True).swapaxes(-1, -2)    # b R^-T


class LinalgQr(Function):
    op_name = "linalg.qr"

    def forward(ctx, a, mode="reduced"):
        xp = ctx.xp
        ctx.mode = mode
        if mode == "r":
            return xp.zeros((0,), dtype=a.dtype), xp.linalg.qr(a, mode="r")
        q, r = xp.linalg.qr(a, mode=mode)
        ctx.save_for_backward(a, q, r)
        return q, r

    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("linalg.qr: the derivative of linalg.qr depends on Q, which is not computed when "
                               "mode='r'; use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through it")
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(f"linalg.qr: the QR decomposition is not differentiable when mode='complete' and "
                               f"nrows > ncols (A is {m} x {n}); use mode='reduced'")
        k = kit(ctx)
        if m >= n:
            return _tall_backward(k, q, r, gq, gr)
        y = a[..., :, m:]
        gv = gr[..., :, m:]
        gx = _tall_backward(k, q, r[..., :, :m], gq + y @ gv.swapaxes(-1, -2), gr[..., :, :m])
        return ctx.xp.concatenate([gx, q @ gv], axis=-1)


@autocast.guarded("linalg.qr")
def qr(A, mode="reduced"):
    """(Q, R) with A = Q R, Q with orthonormal columns and R upper-triangular, for A (..., m, n): mode 'reduced'
    (Q m x k, R k x n, k = min(m, n)), 'complete' (Q m x m, R m x n) or 'r' (R only; Q is an empty tensor).
    Differentiable for 'reduced', and for 'complete' when m <= n."""
    check_matrix("linalg.qr", A, square=False)
    if mode not in MODES:
        raise ArgumentRangeError(f"linalg.qr: mode must be one of {MODES}, got {mode!r}")
    return QRResult(*LinalgQr.apply(A, mode=mode))


@autocast.guarded("linalg.qr")
def qr_old(input, some=True):
    """torch.qr(input, some=True): linalg.qr with mode 'reduced' (some=True) or 'complete' (some=False)."""
    return LegacyQRResult(*qr(input, "reduced" if some else "complete"))
