"""Determinants with torch's names: linalg.det, linalg.slogdet, and logdet.

d det(A) = det(A) tr(A^-1 dA), so gA = g det(A) A^-T. Where A is singular that product is 0 * inf; there
(plain backward) the gradient is taken through the SVD instead, det A = det(U) det(Vh) prod(S), whose
product rule divides by nothing: gA = g det(U) det(Vh) U diag(prod_{j != i} S_j) Vh, the adjugate. The
gradient of logabsdet is A^-T (NaN for a singular matrix, where PyTorch gives +-inf).
"""
import numpy as np

from ..function import Function
from ..return_types import return_type
from .elementwise import log, where
from .linalg_checks import check_matrix, raising
from .linalg_kit import kit
from .. import autocast_state as autocast

SlogdetResult = return_type("linalg_slogdet", ["sign", "logabsdet"])


def _others_product(xp, s):
    """prod over j != i of s[..., j], for each i, without dividing (exact when some s are 0)."""
    ones = xp.ones(s.shape[:-1] + (1,), dtype=s.dtype)
    before = xp.concatenate([ones, s[..., :-1]], axis=-1).cumprod(axis=-1)   # the method: no warning from NumPy
    after = xp.flip(xp.concatenate([ones, xp.flip(s, axis=-1)[..., :-1]], axis=-1).cumprod(axis=-1), axis=-1)
    return before * after


def _adjugate_t(xp, a):
    """The transposed adjugate of each matrix of raw a, the gradient of det, through the SVD."""
    u, s, vh = xp.linalg.svd(a)
    scale = xp.linalg.det(u) * xp.linalg.det(vh)
    return (u * (scale[..., None] * _others_product(xp, s))[..., None, :]) @ vh


class LinalgDet(Function):
    op_name = "linalg.det"

    def forward(ctx, a):
        with np.errstate(all="ignore"):   # a float32 det beyond float32's range: inf, silently as PyTorch (NumPy
            d = ctx.xp.asarray(ctx.xp.linalg.det(a))   # warns of the cast from its own module)
        ctx.save_for_backward(a, d)
        return d

    def backward(ctx, g):
        a, d = ctx.saved_tensors
        k = kit(ctx)
        scale = (g * d)[..., None, None]
        if k.graph:
            return scale * k.inv(a).swapaxes(-1, -2)
        xp = ctx.xp
        if a.size == 0:
            return xp.zeros_like(a)
        try:
            with raising(xp):
                return scale * xp.linalg.inv(a).swapaxes(-1, -2)
        except np.linalg.LinAlgError:   # a singular matrix in the batch: the adjugate, through the SVD
            return g[..., None, None] * _adjugate_t(xp, a)


class LinalgSlogdet(Function):
    op_name = "linalg.slogdet"

    def forward(ctx, a):
        xp = ctx.xp
        sign, logabsdet = xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return xp.asarray(sign), xp.asarray(logabsdet)

    def backward(ctx, gsign, glog):
        (a,) = ctx.saved_tensors
        k = kit(ctx)
        if k.graph:
            inverse = k.inv(a)
        else:
            xp = ctx.xp
            try:
                with raising(xp):
                    inverse = xp.linalg.inv(a)
            except np.linalg.LinAlgError:
                inverse = xp.full(a.shape, np.nan, dtype=a.dtype)
        return glog[..., None, None] * inverse.swapaxes(-1, -2)


@autocast.guarded("linalg.det")
def det(A):
    """The determinant of each square matrix of A (..., n, n) (1 for 0 x 0 matrices). Its gradient is the
    adjugate, also at singular matrices."""
    check_matrix("linalg.det", A)
    return LinalgDet.apply(A)


@autocast.guarded("linalg.slogdet")
def slogdet(A):
    """(sign, logabsdet): the sign of det(A) (0 when singular) and log |det(A)| (-inf when singular), computed
    without overflow; the gradient flows through logabsdet."""
    check_matrix("linalg.slogdet", A)
    return SlogdetResult(*LinalgSlogdet.apply(A))


#: torch.slogdet's (and Tensor.slogdet's) result type; torch.linalg.slogdet's is linalg_slogdet
TorchSlogdetResult = return_type("slogdet", ["sign", "logabsdet"])


def torch_slogdet(input):
    """(sign, logabsdet) of each square matrix of `input`, as torch.slogdet and Tensor.slogdet (torch.linalg's
    argument is A, and its result type linalg_slogdet)."""
    return TorchSlogdetResult(*slogdet(input))


@autocast.guarded("linalg.det")
def logdet(input):
    """log det(input): NaN where the determinant is negative, -inf where it is 0 (torch.logdet); for complex
    input the complex logarithm, log(sign) + logabsdet."""
    check_matrix("logdet", input)
    sign, logabsdet = LinalgSlogdet.apply(input)
    if input.dtype.kind == "c":
        return log(sign) + logabsdet
    return where(sign < 0, float("nan"), logabsdet)
