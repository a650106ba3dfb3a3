"""Gamma, Chi2 and StudentT. Gamma draws come from deepgrad's generator; rsample differentiates them with
respect to the concentration by implicit reparameterisation (gamma_special.GammaReparam)."""
import math

import numpy as np

from backends import torch_samplers

from ..creation import randn
from ..ops.elementwise import where
from ..ops.gamma import digamma, lgamma
from ..ops.special import xlogy
from . import constraints
from .constrained import ConstrainedDistribution, float_host, host_draws
from .distribution import broadcast_all
from .exp_family import ExponentialFamily
from .gamma_special import GammaReparam, gammainc


def standard_gamma(alpha, shape):
    """Gamma(alpha, 1) draws of `shape` (alpha broadcast to it), differentiable in alpha (implicitly)."""
    alpha = alpha.expand(tuple(shape))
    draws = host_draws(lambda stream, a: torch_samplers.standard_gamma(stream, float_host(a)), alpha)
    return GammaReparam.apply(alpha, draws)


class Gamma(ExponentialFamily, ConstrainedDistribution):
    """Gamma(concentration, rate): density rate^a x^(a-1) exp(-rate x) / Gamma(a) on x >= 0."""

    has_rsample = True
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    _param_names = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, (), validate_args)

    mean = property(lambda self: self.concentration / self.rate, doc="concentration / rate.")
    variance = property(lambda self: self.concentration / self.rate.pow(2), doc="concentration / rate^2.")

    @property
    def mode(self):
        """(concentration - 1) / rate, or 0 when concentration < 1."""
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    def rsample(self, sample_shape=()):
        """standard Gamma(concentration) draws / rate; clamped to the dtype's tiny so log_prob stays finite."""
        value = standard_gamma(self.concentration, self._extended_shape(sample_shape)) / self.rate
        return value.clamp(min=float(np.finfo(value.dtype).tiny))

    def log_prob(self, value):
        """a log(rate) + (a - 1) log(value) - rate value - lgamma(a)."""
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return xlogy(a, self.rate) + xlogy(a - 1, value) - self.rate * value - lgamma(a)

    def entropy(self):
        """a - log(rate) + lgamma(a) + (1 - a) digamma(a)."""
        a = self.concentration
        return a - self.rate.log() + lgamma(a) + (1.0 - a) * digamma(a)

    def cdf(self, value):
        """The regularised incomplete gamma P(concentration, rate * value)."""
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return self.concentration - 1, -self.rate

    def _log_normalizer(self, x, y):
        return lgamma(x + 1) + (x + 1) * (-y.reciprocal()).log()


class Chi2(Gamma):
    """Chi2(df): Gamma(df / 2, 1 / 2)."""

    arg_constraints = {"df": constraints.positive}
    _param_names = ("df",)
    _property_params = ("df",)

    def __init__(self, df, validate_args=None):
        df, = broadcast_all(df)
        super().__init__(0.5 * df, 0.5, validate_args)

    @property
    def df(self):
        """Degrees of freedom: 2 * concentration."""
        return self.concentration * 2


class StudentT(ConstrainedDistribution):
    """StudentT(df, loc=0., scale=1.): loc + scale * Z / sqrt(V / df) with Z standard normal, V ~ Chi2(df)."""

    has_rsample = True
    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    _param_names = ("df", "loc", "scale")

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        super().__init__(self.df.shape, (), validate_args)

    @property
    def mean(self):
        """loc where df > 1, NaN elsewhere."""
        return where(self.df > 1, self.loc, math.nan)

    mode = property(lambda self: self.loc, doc="loc.")

    @property
    def variance(self):
        """scale^2 df / (df - 2) where df > 2; inf for 1 < df <= 2; NaN for df <= 1."""
        df = self.df
        finite = self.scale.pow(2) * df / where(df > 2, df - 2, 1.0)
        return where(df > 2, finite, where(df > 1, math.inf, math.nan))

    def rsample(self, sample_shape=()):
        """loc + scale * Z * rsqrt(V / df), V ~ Chi2(df) drawn with implicit reparameterisation."""
        shape = self._extended_shape(sample_shape)
        z = randn(*shape, dtype=self.df.dtype, device=self.df.device)
        v = standard_gamma(0.5 * self.df, shape) * 2
        return self.loc + self.scale * z * (v / self.df).rsqrt()

    def log_prob(self, value):
        """The Student-t log-density."""
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        norm = (self.scale.log() + 0.5 * df.log() + 0.5 * math.log(math.pi) + lgamma(0.5 * df)
                - lgamma(0.5 * (df + 1.0)))
        return -0.5 * (df + 1.0) * (y.pow(2) / df).log1p() - norm

    def entropy(self):
        """log(scale) + (df + 1) / 2 (digamma((df + 1) / 2) - digamma(df / 2)) + log(df) / 2 + log B(df/2, 1/2)."""
        df = self.df
        log_beta = lgamma(0.5 * df) + math.lgamma(0.5) - lgamma(0.5 * (df + 1))
        return (self.scale.log() + 0.5 * (df + 1) * (digamma(0.5 * (df + 1)) - digamma(0.5 * df))
                + 0.5 * df.log() + log_beta)
