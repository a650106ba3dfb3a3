"""The gamma function family with PyTorch's names: lgamma, digamma, polygamma, mvlgamma and the Hurwitz zeta.

Each derivative is the next function of the family (lgamma' = digamma, digamma' = polygamma(1, x),
polygamma(n)' = polygamma(n + 1)), so gradients of any order come from the same kernels; zeta has a
gradient in its second argument only, as in PyTorch."""
import math
import numbers

import numpy as np

from backends.array_kernels import gamma as kernels
from backends.array_kernels.zeta import zeta as zeta_kernel

from ..broadcast import unbroadcast
from ..function import Function, named
from ..tensor import Tensor
from .dims import check_tensor
from .elementwise import _floating, _promote, add, sub
from .pointwise import _both_tensors
from .reduction import sum as _sum
from .shape import unsqueeze
from .special import kernel_or_op


def _polygamma(ctx, n, x):
    """polygamma(n, x) on backward's arrays, or as an op when backward records a graph."""
    return kernels.polygamma(ctx.xp, n, x) if ctx.xp is ctx.device.xp else Polygamma.apply(x, n)


class Lgamma(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.lgamma(ctx.xp, x)

    def backward(ctx, gy):
        return gy * kernel_or_op(ctx, kernels.digamma, Digamma, ctx.saved_tensors[0])


class Digamma(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.digamma(ctx.xp, x)

    def backward(ctx, gy):
        return gy * _polygamma(ctx, 1, ctx.saved_tensors[0])


class Polygamma(Function):
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return kernels.polygamma(ctx.xp, n, x)

    def backward(ctx, gy):
        return gy * _polygamma(ctx, ctx.n + 1, ctx.saved_tensors[0]), None


def _zeta(xp, s, q):
    out = zeta_kernel(xp, s.astype(np.float64), q.astype(np.float64))
    return out.astype(s.dtype) if s.dtype != np.float64 else out


class NoZetaDerivative(NotImplementedError, RuntimeError):
    """PyTorch's NotImplementedError for zeta's derivative in its exponent (a RuntimeError too, as raised before)."""


class Zeta(Function):
    def forward(ctx, s, q):
        ctx.save_for_backward(s, q)
        return _zeta(ctx.xp, s, q)

    def backward(ctx, gy):
        s, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NoZetaDerivative("zeta: PyTorch defines no derivative with respect to input (the exponent s; "
                                   "the derivative for 'zeta' is not implemented); detach input or set "
                                   "requires_grad=False on it")
        # d/dq zeta(s, q) = -s zeta(s + 1, q)
        later = kernel_or_op(ctx, _zeta, Zeta, s + 1, q)
        return None, unbroadcast(gy * -s * later, q.shape)


def lgamma(input):
    """log |Gamma(input)|: +inf at 0, at the negative integers and at +-inf."""
    check_tensor("lgamma", input)
    return Lgamma.apply(_floating(input))


def digamma(input):
    """The logarithmic derivative of the gamma function, Gamma'(input) / Gamma(input) (-inf at 0, nan at the
    negative integers)."""
    check_tensor("digamma", input)
    return Digamma.apply(_floating(input))


def polygamma(n, input):
    """The n-th derivative of digamma (n = 0 is digamma itself), elementwise."""
    check_tensor("polygamma", input, "input")
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"polygamma: n must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"polygamma: n must be non-negative, got {n}")
    return Polygamma.apply(_floating(input), int(n))


def mvlgamma(input, p):
    """The multivariate log-gamma of dimension p: sum over i < p of lgamma(input - i / 2), plus
    p (p - 1) / 4 * log(pi)."""
    check_tensor("mvlgamma", input)
    if not isinstance(p, numbers.Integral) or isinstance(p, bool) or p < 1:
        raise ValueError(f"mvlgamma: p must be an int >= 1, got {p!r}")
    x = _floating(input)
    halves = Tensor(np.arange(p, dtype=x.dtype) * 0.5, device=x.device)
    out = add(_sum(lgamma(sub(unsqueeze(x, -1), halves)), -1), p * (p - 1) / 4 * math.log(math.pi))
    return named(out, "MvlgammaBackward0")


def zeta(input, other):
    """The Hurwitz zeta function: sum over k >= 0 of (other + k) ** -input (input > 1, with PyTorch's values
    elsewhere); either argument may be a number. Differentiable in other only."""
    s, q = _both_tensors("zeta", input, other, floating=True)
    # PyTorch's node by overload: two tensors, a number as input, a number as other
    name = "SpecialZetaBackward1" if isinstance(input, numbers.Number) else \
        "SpecialZetaBackward2" if isinstance(other, numbers.Number) else "SpecialZetaBackward0"
    return named(Zeta.apply(*_promote(_floating(s), _floating(q), "zeta")), name)
