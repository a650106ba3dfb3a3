"""ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501)): the density proportional to
p^x (1 - p)^(1 - x) on [0, 1] (Loaiza-Ganem & Cunningham, 2019). Near p = 1/2, inside lims, the normaliser,
mean and variance switch to their Taylor expansions, where the closed forms lose their digits."""
import math

from ..creation import rand
from ..grad_mode import no_grad
from ..ops.activation import Softplus
from ..ops.elementwise import where
from . import constraints
from .constrained import (ConstrainedDistribution, DerivedParameter, clamp_probs, given_parameter, logits_to_probs,
                          one_of, probs_to_logits)
from .distribution import broadcast_all
from .exp_family import ExponentialFamily


class ContinuousBernoulli(ExponentialFamily, ConstrainedDistribution):
    """ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501)) on the unit interval."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True
    _mean_carrier_measure = 0
    _param_names = ("probs", "logits")
    probs = DerivedParameter(lambda self: clamp_probs(logits_to_probs(self.logits, is_binary=True)))
    logits = DerivedParameter(lambda self: probs_to_logits(self.probs, is_binary=True))

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        one_of("ContinuousBernoulli", probs, logits)
        self._given = "probs" if probs is not None else "logits"
        if probs is not None:
            raw, = broadcast_all(probs)
            if validate_args is not None and not bool(constraints.unit_interval.check(raw).all()):
                raise ValueError(f"ContinuousBernoulli: probs must lie in [0, 1], got {raw}")
            self.probs = clamp_probs(raw)
        else:
            self.logits, = broadcast_all(logits)
        self._lims = lims
        super().__init__(given_parameter(self).shape, (), validate_args)

    param_shape = property(lambda self: given_parameter(self).shape, doc="The shape of probs and logits.")

    def _stable(self):
        """Where probs lies outside lims (the closed forms are accurate there)."""
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return where(self._stable(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self):
        """log C(p), C the normalising constant: log(|log(1-p) - log p| / |1 - 2p|), or its Taylor series."""
        p = self._cut_probs()
        below = where(p <= 0.5, p, 0.0)
        above = where(p >= 0.5, p, 1.0)
        log_norm = ((-p).log1p() - p.log()).abs().log() - where(p <= 0.5, (-2.0 * below).log1p(),
                                                                (2.0 * above - 1.0).log())
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._stable(), log_norm, taylor)

    @property
    def mean(self):
        """p / (2p - 1) + 1 / (log(1 - p) - log p), or its Taylor series near 1/2."""
        p = self._cut_probs()
        closed = p / (2.0 * p - 1.0) + 1.0 / ((-p).log1p() - p.log())
        x = self.probs - 0.5
        return where(self._stable(), closed, 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x)

    @property
    def variance(self):
        """p (p - 1) / (1 - 2p)^2 + 1 / (log(1 - p) - log p)^2, or its Taylor series near 1/2."""
        p = self._cut_probs()
        closed = p * (p - 1.0) / (1.0 - 2.0 * p).pow(2) + 1.0 / ((-p).log1p() - p.log()).pow(2)
        x = (self.probs - 0.5).pow(2)
        return where(self._stable(), closed, 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x)

    @property
    def mode(self):
        """Not defined (PyTorch's ContinuousBernoulli has no mode)."""
        raise NotImplementedError("ContinuousBernoulli does not implement mode (neither does PyTorch's)")

    def sample(self, sample_shape=()):
        """icdf of uniform draws, without a gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """icdf(u) for u uniform on [0, 1): gradients reach probs/logits."""
        u = rand(*self._extended_shape(sample_shape), dtype=self.probs.dtype, device=self.probs.device)
        return self.icdf(u)

    def log_prob(self, value):
        """value log p + (1 - value) log(1 - p) + log C(p), computed from the logits."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -(Softplus.apply(logits) - logits * value) + self._cont_bern_log_norm()

    def cdf(self, value):
        """(p^x (1 - p)^(1 - x) + p - 1) / (2p - 1), clamped to 0 below 0 and 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        p = self._cut_probs()
        closed = (p.pow(value) * (1.0 - p).pow(1.0 - value) + p - 1.0) / (2.0 * p - 1.0)
        inside = where(self._stable(), closed, value)
        return where(value <= 0.0, 0.0 * value, where(value >= 1.0, 0.0 * value + 1.0, inside))

    def icdf(self, value):
        """(log1p(-p + value (2p - 1)) - log1p(-p)) / (log p - log1p(-p)), or value itself near p = 1/2."""
        p = self._cut_probs()
        closed = ((-p + value * (2.0 * p - 1.0)).log1p() - (-p).log1p()) / (p.log() - (-p).log1p())
        return where(self._stable(), closed, value)

    def entropy(self):
        """mean (log(1 - p) - log p) - log C(p) - log(1 - p)."""
        log_q, log_p = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log_q - log_p) - self._cont_bern_log_norm() - log_q

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        stable = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(stable, x, self._lims[0] - 0.5)
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return where(stable, log_norm, taylor)
