"""The closed-form KL(p || q) that PyTorch registers for ContinuousBernoulli, Pareto, LowRankMultivariateNormal
and the exponential families (Bregman divergence), including the pairs whose KL is infinite because p's support
reaches outside q's (importing this module registers them; autograd.distributions does)."""
import math

import numpy as np

from ..creation import full_like
from ..ops.diagonals import diag_embed
from ..ops.elementwise import where
from ..ops.gamma import lgamma
from ..ops.linalg_solve import solve_triangular
from ..ops.special import xlogy
from .continuous import Exponential, Laplace, Uniform
from .continuous_bernoulli import ContinuousBernoulli
from .derived import Gumbel
from .dirichlet import Beta
from .exp_family import ExponentialFamily, bregman_kl
from .gamma_family import Gamma
from .kl import register_kl
from .lowrank_multivariate_normal import LowRankMultivariateNormal, lowrank_logdet, lowrank_mahalanobis
from .multivariate import MultivariateNormal, batch_mahalanobis
from .normal import Normal
from .pareto import Pareto

register_kl(ExponentialFamily, ExponentialFamily)(bregman_kl)


def _infinite(like):
    return full_like(like, math.inf)


def _same_events(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError(f"kl_divergence: the two (low-rank) multivariate normals must have the same event shape, "
                         f"got {tuple(p.event_shape)} and {tuple(q.event_shape)}")


def _trace_xxt(x):
    return x.pow(2).sum((-2, -1))


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_cb_cb(p, q):
    t1 = p.mean * (p.logits - q.logits)
    return t1 + p._cont_bern_log_norm() + (-p.probs).log1p() - q._cont_bern_log_norm() - (-q.probs).log1p()


def _cb_cross(p, q):
    """-H(p) - E_p[x] logit(q) - log(1 - q) - log C(q), for a p on [0, 1] against a ContinuousBernoulli q."""
    return -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


register_kl(Beta, ContinuousBernoulli)(_cb_cross)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_cb(p, q):
    return where((p.high >= 1) | (p.low <= 0), math.inf, _cb_cross(p, q))


@register_kl(ContinuousBernoulli, Exponential)
def _kl_cb_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_cb_normal(p, q):
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale).square()) + q.scale.log()
    t3 = (p.variance + p.mean.square() - 2.0 * q.loc * p.mean) / (2.0 * q.scale.square())
    return -p.entropy() + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_cb_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low >= 0) | (q.high <= 1), math.inf, result)


def _infinite_by(name):
    return lambda p, q: _infinite(getattr(p, name))


_INFINITE_PAIRS = [(Beta, Pareto, "concentration1"), (ContinuousBernoulli, Pareto, "probs"),
                   (Exponential, ContinuousBernoulli, "rate"), (Exponential, Pareto, "rate"),
                   (Gamma, ContinuousBernoulli, "concentration"), (Gamma, Pareto, "concentration"),
                   (Gumbel, ContinuousBernoulli, "loc"), (Gumbel, Pareto, "loc"),
                   (Laplace, ContinuousBernoulli, "loc"), (Laplace, Pareto, "loc"),
                   (Normal, ContinuousBernoulli, "loc"), (Normal, Pareto, "loc"),
                   (Pareto, Beta, "scale"), (Pareto, ContinuousBernoulli, "scale"), (Pareto, Uniform, "scale")]
for _p, _q, _name in _INFINITE_PAIRS:
    register_kl(_p, _q)(_infinite_by(_name))


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    scale_ratio, alpha_ratio = p.scale / q.scale, q.alpha / p.alpha
    result = q.alpha * scale_ratio.log() - alpha_ratio.log() + alpha_ratio - 1
    return where(p.support.lower_bound < q.support.lower_bound, math.inf, result)


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    scale_rate = p.scale * q.rate
    result = (p.alpha / scale_rate).log() - p.alpha.reciprocal() + p.alpha * scale_rate / (p.alpha - 1) - 1
    return where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    common = p.scale.log() + p.alpha.reciprocal()
    t1 = p.alpha.log() - common
    t2 = lgamma(q.concentration) - q.concentration * q.rate.log()
    t3 = (1 - q.concentration) * common
    t4 = q.rate * p.alpha * p.scale / (p.alpha - 1)
    return where(p.alpha <= 1, math.inf, t1 + t2 + t3 + t4 - 1)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    var = 2 * q.scale.pow(2)
    common = p.scale / (p.alpha - 1)
    t1 = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
    t3 = p.alpha * common.pow(2) / (p.alpha - 2)
    t4 = (p.alpha * common - q.loc).pow(2)
    return where(p.alpha <= 2, math.inf, t1 - p.alpha.reciprocal() + (t3 + t4) / var - 1)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    width = p.high - p.low
    t1 = (q.alpha * q.scale.pow(q.alpha) * width).log()
    t2 = (xlogy(p.high, p.high) - xlogy(p.low, p.low) - width) / width
    return where(p.low < q.support.lower_bound, math.inf, t2 * (q.alpha + 1) - t1)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    _same_events(p, q)
    qW, qD, pW, pD = (q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, p._unbroadcasted_cov_factor,
                      p._unbroadcasted_cov_diag)
    term1 = lowrank_logdet(qW, qD, q._capacitance_tril) - lowrank_logdet(pW, pD, p._capacitance_tril)
    term3 = lowrank_mahalanobis(qW, qD, q.loc - p.loc, q._capacitance_tril)
    A = solve_triangular(q._capacitance_tril, qW.transpose(-2, -1) / qD.unsqueeze(-2), upper=False)
    term2 = ((pD / qD).sum(-1) + _trace_xxt(pW * qD.rsqrt().unsqueeze(-1))
             - _trace_xxt(A * pD.sqrt().unsqueeze(-2)) - _trace_xxt(A @ pW))
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    _same_events(p, q)
    qW, qD, pL = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, p._unbroadcasted_scale_tril
    term1 = (lowrank_logdet(qW, qD, q._capacitance_tril)
             - 2 * pL.diagonal(dim1=-2, dim2=-1).log().sum(-1))
    term3 = lowrank_mahalanobis(qW, qD, q.loc - p.loc, q._capacitance_tril)
    A = solve_triangular(q._capacitance_tril, qW.transpose(-2, -1) / qD.unsqueeze(-2), upper=False)
    term2 = _trace_xxt(pL * qD.rsqrt().unsqueeze(-1)) - _trace_xxt(A @ pL)
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    _same_events(p, q)
    qL, pW, pD = q._unbroadcasted_scale_tril, p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    term1 = 2 * qL.diagonal(dim1=-2, dim2=-1).log().sum(-1) - lowrank_logdet(pW, pD, p._capacitance_tril)
    term3 = batch_mahalanobis(qL, q.loc - p.loc)
    n, m = p.event_shape[0], pW.shape[-1]
    batch = np.broadcast_shapes(tuple(qL.shape[:-2]), tuple(pW.shape[:-2]))
    qL = qL.expand(batch + (n, n))
    term21 = _trace_xxt(solve_triangular(qL, pW.expand(batch + (n, m)), upper=False))
    term22 = _trace_xxt(solve_triangular(qL, diag_embed(pD.sqrt()).expand(batch + (n, n)), upper=False))
    return 0.5 * (term1 + term21 + term22 + term3 - n)
