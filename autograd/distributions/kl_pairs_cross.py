"""KL(p || q) between two different families, for the pairs PyTorch registers (Normal || Laplace, Beta || Gamma,
Uniform || Gumbel, ...): each is -H(p) - E_p[log q(x)], with E_p written in closed form, and infinite where
p's support reaches outside q's (importing this module registers them; autograd.distributions does)."""
import math

from ..ops.elementwise import where
from ..ops.gamma import digamma, lgamma
from ..ops.special import erf, xlogy
from .continuous import Exponential, Laplace, Uniform
from .counts import Binomial, Poisson
from .derived import Gumbel
from .dirichlet import Beta
from .discrete import Bernoulli
from .gamma_family import Gamma
from .kl import register_kl
from .kl_pairs_more import _infinite_by
from .normal import Normal

_EULER = 0.57721566490153286061


def _against_normal(p, q):
    """-H(p) - E_p[log N(x; loc, scale)] from p's mean and variance."""
    var = q.scale.pow(2)
    return (-p.entropy() + 0.5 * (2 * math.pi * var).log()
            + (p.variance + (p.mean - q.loc).pow(2)) / (2 * var))


def _against_gumbel(p, q, mean_exp):
    """-H(p) - E_p[log Gumbel(x; loc, scale)]; mean_exp = E_p[exp(-(x - loc) / scale)]."""
    return -p.entropy() + q.scale.log() + (p.mean - q.loc) / q.scale + mean_exp


def _against_gamma(p, q, mean_log):
    """-H(p) - E_p[log Gamma(x; concentration, rate)]; mean_log = E_p[log x]."""
    alpha, rate = q.concentration, q.rate
    return -p.entropy() - alpha * rate.log() + lgamma(alpha) - (alpha - 1) * mean_log + rate * p.mean


def _against_exponential(p, q):
    """-H(p) - E_p[log rate - rate x]."""
    return -p.entropy() - q.rate.log() + q.rate * p.mean


def _beta_mean_log(p):
    return digamma(p.concentration1) - digamma(p.concentration1 + p.concentration0)


def _uniform_mean_xlogx(low, high):
    """E[log x] for x uniform on [low, high] (0 <= low): (h log h - l log l) / (h - l) - 1."""
    return (xlogy(high, high) - xlogy(low, low)) / (high - low) - 1


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - p.probs * q.rate.log() + q.rate


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    return _against_exponential(p, q)


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    return _against_gamma(p, q, _beta_mean_log(p))


register_kl(Beta, Normal)(_against_normal)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low > 0) | (q.high < 1), math.inf, result)


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    return _against_gamma(p, q, -_EULER - p.rate.log())


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p, q):
    scaled = p.rate * q.scale
    return _against_gumbel(p, q, (q.loc / q.scale).exp() * scaled / (scaled + 1))


register_kl(Exponential, Normal)(_against_normal)


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    return _against_exponential(p, q)


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p, q):
    scaled = p.rate * q.scale
    return _against_gumbel(p, q, (p.concentration * (scaled / (scaled + 1)).log() + q.loc / q.scale).exp())


register_kl(Gamma, Normal)(_against_normal)
register_kl(Gumbel, Normal)(_against_normal)
register_kl(Laplace, Normal)(_against_normal)


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p, q):
    return _against_gumbel(p, q, ((q.loc - p.loc) / q.scale + 0.5 * (p.scale / q.scale).pow(2)).exp())


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    # E|x - m| for x ~ N(mu, s^2), d = mu - m: s sqrt(2/pi) exp(-d^2 / 2s^2) + d erf(d / (s sqrt 2))
    d = p.loc - q.loc
    mean_abs = (p.scale * math.sqrt(2 / math.pi) * (-0.5 * (d / p.scale).pow(2)).exp()
                + d * erf(d / (p.scale * math.sqrt(2))))
    return -p.entropy() + (2 * q.scale).log() + mean_abs / q.scale


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    a, b, low, high = q.concentration1, q.concentration0, p.low, p.high
    mean_log1m = _uniform_mean_xlogx(1 - high, 1 - low)
    result = (-p.entropy() - (a - 1) * _uniform_mean_xlogx(low, high) - (b - 1) * mean_log1m
              + lgamma(a) + lgamma(b) - lgamma(a + b))
    return where((low < 0) | (high > 1), math.inf, result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p, q):
    return where(p.low < 0, math.inf, _against_exponential(p, q))


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    return where(p.low < 0, math.inf, _against_gamma(p, q, _uniform_mean_xlogx(p.low, p.high)))


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p, q):
    ends = ((q.loc - p.low) / q.scale).exp() - ((q.loc - p.high) / q.scale).exp()
    return _against_gumbel(p, q, q.scale * ends / (p.high - p.low))


register_kl(Uniform, Normal)(_against_normal)

# p's support is unbounded (or reaches below 0 / above 1) where q's is not: infinite everywhere
_INFINITE_PAIRS = [(Exponential, Beta, "rate"), (Exponential, Uniform, "rate"),
                   (Gamma, Beta, "concentration"), (Gamma, Uniform, "concentration"),
                   (Gumbel, Beta, "loc"), (Gumbel, Exponential, "loc"), (Gumbel, Gamma, "loc"),
                   (Gumbel, Uniform, "loc"), (Laplace, Beta, "loc"), (Laplace, Exponential, "loc"),
                   (Laplace, Gamma, "loc"), (Laplace, Uniform, "loc"), (Normal, Beta, "loc"),
                   (Normal, Exponential, "loc"), (Normal, Gamma, "loc"), (Normal, Uniform, "loc"),
                   (Poisson, Bernoulli, "rate"), (Poisson, Binomial, "rate")]
for _p, _q, _name in _INFINITE_PAIRS:
    register_kl(_p, _q)(_infinite_by(_name))
