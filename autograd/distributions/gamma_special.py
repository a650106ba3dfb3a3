"""The regularised incomplete gamma function and the implicit reparameterisation of Gamma draws.

A Gamma(alpha) draw x = F^-1(u; alpha) with u held fixed moves with alpha by
    dx/dalpha = -(dF/dalpha)(x; alpha) / f(x; alpha)
(F the regularised lower incomplete gamma P(alpha, x), f the standard gamma density). dF/dalpha has no
closed form; it is taken here as a Richardson-extrapolated central difference of P (or of Q = 1 - P in the
upper tail, where P loses its digits), accurate to about 1e-9 relative in float64."""
import numpy as np

from backends.array_kernels import gamma as kernels
from backends.array_kernels import incomplete_gamma

from ..broadcast import unbroadcast
from ..function import Function

#: (P(a, x), Q(a, x)) in float64 (backends' series and continued fraction)
gammainc_pq = incomplete_gamma.gammainc_pq


def _dp_da(xp, a, x):
    """dP(a, x)/da by a central difference of P or of -Q (the smaller), Richardson-extrapolated."""
    h = 1e-3 * xp.minimum(a, xp.sqrt(a))
    p0, q0 = gammainc_pq(xp, a, x)
    upper_tail = q0 < p0

    def central(step):
        pa, qa = gammainc_pq(xp, a + step, x)
        pb, qb = gammainc_pq(xp, a - step, x)
        return xp.where(upper_tail, -(qa - qb), pa - pb) / (2 * step)
    return (4 * central(h / 2) - central(h)) / 3


def gamma_sample_grad(xp, x, alpha):
    """d x / d alpha of a standard Gamma(alpha) draw x (u = P(alpha, x) held fixed), in float64."""
    x, alpha = xp.asarray(x, dtype=np.float64), xp.asarray(alpha, dtype=np.float64)
    log_density = (alpha - 1) * xp.log(x) - x - kernels.lgamma(xp, alpha)
    return -_dp_da(xp, alpha, x) * xp.exp(-log_density)


class GammaReparam(Function):
    """x (standard Gamma(alpha) draws made without a graph) as a function of alpha: forward returns x, backward
    carries the implicit gradient dx/dalpha to alpha."""

    def forward(ctx, alpha, x):
        ctx.save_for_backward(alpha, x)
        return x

    def backward(ctx, gy):
        alpha, x = ctx.saved_tensors
        grad = gamma_sample_grad(ctx.xp, x, ctx.xp.broadcast_to(alpha, x.shape)).astype(gy.dtype)
        return unbroadcast(gy * grad, alpha.shape), None


class Gammainc(Function):
    """The regularised lower incomplete gamma P(a, x) with gradients in both arguments (in a by a difference
    quotient; PyTorch's gammainc has none there)."""

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return gammainc_pq(ctx.xp, a, x)[0].astype(np.result_type(a.dtype, x.dtype))

    def backward(ctx, gy):
        a, x = ctx.saved_tensors
        wide_a, wide_x = ctx.xp.broadcast_arrays(a.astype(np.float64), x.astype(np.float64))
        ga = gx = None
        if ctx.needs_input_grad[0]:
            ga = unbroadcast(gy * _dp_da(ctx.xp, wide_a, wide_x).astype(gy.dtype), a.shape)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                density = ctx.xp.exp((wide_a - 1) * ctx.xp.log(wide_x) - wide_x - kernels.lgamma(ctx.xp, wide_a))
            gx = unbroadcast(gy * density.astype(gy.dtype), x.shape)
        return ga, gx


def gammainc(a, x):
    """P(a, x) = (1 / Gamma(a)) int_0^x t^(a-1) e^-t dt, elementwise over broadcast Tensors."""
    return Gammainc.apply(a, x)
