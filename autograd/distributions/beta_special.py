"""The regularised incomplete beta function and the implicit reparameterisation of Dirichlet draws.

For a Dirichlet draw x, coordinate i is Beta(alpha_i, total - alpha_i) distributed; holding the other
concentrations fixed, it moves with alpha_i by the implicit derivative
    D_i = -(dI/da)(x_i; alpha_i, total - alpha_i) / beta_pdf(x_i)
(I the regularised incomplete beta, differentiated in its first parameter by a Richardson-extrapolated central
difference), and the other coordinates make room in proportion to their size:
    d x_j / d alpha_i = D_i (delta_ij - x_j) / (1 - x_i),
the transport PyTorch's Dirichlet (and so Beta) rsample uses, so the per-draw gradients agree with its."""
import numpy as np

from backends.array_kernels import gamma as kernels

from ..function import Function

_TINY = 1e-300


def _log_beta(xp, a, b):
    return kernels.lgamma(xp, a) + kernels.lgamma(xp, b) - kernels.lgamma(xp, a + b)


def _fraction(xp, a, b, x):
    """The continued fraction of I_x(a, b) (modified Lentz), fast for x < (a + 1) / (a + b + 2)."""
    def guard(v):
        return xp.where(xp.abs(v) < _TINY, _TINY, v)
    c = xp.ones_like(x)
    d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0))
    h = d
    for m in range(1, 10000):
        even = m * (b - m) * x / ((a - 1.0 + 2 * m) * (a + 2 * m))
        d = 1.0 / guard(1.0 + even * d)
        c = guard(1.0 + even / c)
        h = h * d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1.0 + 2 * m))
        d = 1.0 / guard(1.0 + odd * d)
        c = guard(1.0 + odd / c)
        step = d * c
        h = h * step
        if bool((xp.abs(step - 1.0) <= 1e-15).all()):
            break
    return h


def betainc_pq(xp, a, b, x):
    """(I_x(a, b), 1 - I_x(a, b)) in float64 for a, b > 0 and 0 <= x <= 1; each accurate where small."""
    a, b, x = (arr.copy() for arr in xp.broadcast_arrays(*(xp.asarray(v, dtype=np.float64) for v in (a, b, x))))
    p, q = xp.zeros_like(x), xp.ones_like(x)
    inside = (x > 0) & (x < 1)
    low = inside & (x < (a + 1.0) / (a + b + 2.0))
    high = inside & ~low
    with np.errstate(divide="ignore"):
        log_front = a * xp.log(x) + b * xp.log1p(-x) - _log_beta(xp, a, b)
    if bool(low.any()):
        p[low] = xp.exp(log_front[low]) * _fraction(xp, a[low], b[low], x[low]) / a[low]
        q[low] = 1.0 - p[low]
    if bool(high.any()):
        q[high] = xp.exp(log_front[high]) * _fraction(xp, b[high], a[high], 1.0 - x[high]) / b[high]
        p[high] = 1.0 - q[high]
    p, q = xp.where(x >= 1, 1.0, p), xp.where(x >= 1, 0.0, q)
    return p, q


def beta_sample_grad(xp, x, a, b):
    """d x / d a of a Beta(a, b) draw x with b held fixed (u = I_x(a, b) held fixed), in float64."""
    x, a, b = (xp.asarray(v, dtype=np.float64) for v in (x, a, b))
    p0, q0 = betainc_pq(xp, a, b, x)
    upper_tail = q0 < p0
    h = 1e-3 * xp.minimum(a, xp.sqrt(a))

    def central(step):
        pa, qa = betainc_pq(xp, a + step, b, x)
        pb, qb = betainc_pq(xp, a - step, b, x)
        return xp.where(upper_tail, -(qa - qb), pa - pb) / (2 * step)
    di_da = (4 * central(h / 2) - central(h)) / 3
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pdf = (a - 1) * xp.log(x) + (b - 1) * xp.log1p(-x) - _log_beta(xp, a, b)
        return -di_da * xp.exp(-log_pdf)


class DirichletReparam(Function):
    """x (Dirichlet(alpha) draws made without a graph) as a function of alpha: forward returns x, backward
    carries the implicit gradient (module docstring) to alpha."""

    torch_name = "_DirichletBackward"   # PyTorch's node: the Python Function _Dirichlet in its dirichlet.py

    def forward(ctx, alpha, x):
        ctx.save_for_backward(alpha, x)
        return x

    def backward(ctx, gy):
        alpha, x = ctx.saved_tensors
        xp = ctx.xp
        alpha = xp.broadcast_to(alpha, x.shape).astype(np.float64)
        total = alpha.sum(-1, keepdims=True)
        wide = x.astype(np.float64)
        move = beta_sample_grad(xp, wide, alpha, total - alpha) / (1.0 - wide)
        g = gy.astype(np.float64)
        grad = move * (g - (wide * g).sum(-1, keepdims=True))
        return grad.astype(gy.dtype), None
