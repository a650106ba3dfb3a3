"""The regularised incomplete gamma function and the implicit reparameterisation of Gamma draws.

A Gamma(alpha) draw x = F^-1(u; alpha) with u held fixed moves with alpha by
    dx/dalpha = -(dF/dalpha)(x; alpha) / f(x; alpha)
(F the regularised lower incomplete gamma P(alpha, x), f the standard gamma density). dF/dalpha has no
closed form; it is taken here as a Richardson-extrapolated central difference of P (or of Q = 1 - P in the
upper tail, where P loses its digits), accurate to about 1e-9 relative in float64."""
import numpy as np

from backends.array_kernels import gamma as kernels

from ..broadcast import unbroadcast
from ..function import Function

_TINY = 1e-300


def _log_prefactor(xp, a, x):
    """log(x^a e^-x / Gamma(a)), the factor both expansions of P share."""
    with np.errstate(divide="ignore"):
        return a * xp.log(x) - x - kernels.lgamma(xp, a)


def _series_p(xp, a, x):
    """P(a, x) = x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)); converges quickly for x < a + 1."""
    term = 1.0 / a
    total = term.copy()
    for n in range(1, 100000):
        term = term * x / (a + n)
        total = total + term
        if bool((xp.abs(term) <= 1e-17 * xp.abs(total)).all()):
            break
    return total * xp.exp(_log_prefactor(xp, a, x))


def _fraction_q(xp, a, x):
    """Q(a, x) by the continued fraction (modified Lentz), which converges quickly for x >= a + 1."""
    b = x + 1.0 - a
    c = xp.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d
    for i in range(1, 5000):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = xp.where(xp.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = xp.where(xp.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        step = d * c
        h = h * step
        if bool((xp.abs(step - 1.0) <= 1e-15).all()):
            break
    return xp.exp(_log_prefactor(xp, a, x)) * h


def gammainc_pq(xp, a, x):
    """(P(a, x), Q(a, x)) in float64 for a > 0, x >= 0 (arrays broadcast together); each accurate where small."""
    a, x = xp.broadcast_arrays(xp.asarray(a, dtype=np.float64), xp.asarray(x, dtype=np.float64))
    a, x = a.copy(), x.copy()
    p, q = xp.zeros_like(x), xp.ones_like(x)
    use_series = (x < a + 1.0) & (x > 0)
    use_fraction = x >= a + 1.0
    if bool(use_series.any()):
        p[use_series] = _series_p(xp, a[use_series], x[use_series])
        q[use_series] = 1.0 - p[use_series]
    if bool(use_fraction.any()):
        q[use_fraction] = _fraction_q(xp, a[use_fraction], x[use_fraction])
        p[use_fraction] = 1.0 - q[use_fraction]
    bad = (a != a) | (x != x) | (a <= 0) | (x < 0)
    return xp.where(bad, np.nan, p), xp.where(bad, np.nan, q)


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
