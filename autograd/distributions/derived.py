"""LogNormal, HalfNormal, HalfCauchy and Gumbel, built as PyTorch builds them: a base distribution pushed
through transforms, with the closed forms (moments, entropy, a direct log_prob) written out."""
import math

import numpy as np

from ..creation import full
from ..ops.elementwise import where
from . import constraints
from .continuous import Cauchy, Uniform
from .distribution import broadcast_all
from .normal import Normal
from .transformed import TransformedDistribution
from .transforms import AbsTransform, AffineTransform, ExpTransform

_EULER = 0.57721566490153286061


class LogNormal(TransformedDistribution):
    """LogNormal(loc, scale): exp(X) for X ~ Normal(loc, scale)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    has_rsample = True
    _property_params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(Normal(loc, scale, validate_args=False), ExpTransform(), validate_args=validate_args)

    loc = property(lambda self: self.base_dist.loc, doc="The underlying Normal's loc.")
    scale = property(lambda self: self.base_dist.scale, doc="The underlying Normal's scale.")
    mean = property(lambda self: (self.loc + self.scale.pow(2) / 2).exp(), doc="exp(loc + scale^2 / 2).")
    mode = property(lambda self: (self.loc - self.scale.pow(2)).exp(), doc="exp(loc - scale^2).")

    @property
    def variance(self):
        """(exp(scale^2) - 1) exp(2 loc + scale^2)."""
        s2 = self.scale.pow(2)
        return s2.expm1() * (2 * self.loc + s2).exp()

    def entropy(self):
        """The Normal's entropy + loc."""
        return self.base_dist.entropy() + self.loc


class _HalfFamily(TransformedDistribution):
    """|X| for a base X symmetric about 0: density doubled on x >= 0."""

    support = constraints.nonnegative
    has_rsample = True
    _property_params = ("scale",)

    scale = property(lambda self: self.base_dist.scale, doc="The base distribution's scale.")
    mode = property(lambda self: (self.scale * 0).detach(), doc="0.")

    def log_prob(self, value):
        """The base log-density + log 2 on value >= 0, -inf below."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, -math.inf)

    def cdf(self, value):
        """2 F(value) - 1 with F the base cdf."""
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        """The base icdf at (prob + 1) / 2."""
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        """The base entropy - log 2."""
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_HalfFamily):
    """HalfNormal(scale): |X| for X ~ Normal(0, scale)."""

    arg_constraints = {"scale": constraints.positive}

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    mean = property(lambda self: self.scale * math.sqrt(2 / math.pi), doc="scale sqrt(2 / pi).")
    variance = property(lambda self: self.scale.pow(2) * (1 - 2 / math.pi), doc="scale^2 (1 - 2 / pi).")


class HalfCauchy(_HalfFamily):
    """HalfCauchy(scale): |X| for X ~ Cauchy(0, scale)."""

    arg_constraints = {"scale": constraints.positive}

    def __init__(self, scale, validate_args=None):
        super().__init__(Cauchy(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    mean = property(lambda self: full(tuple(self._extended_shape()), math.inf, dtype=self.scale.dtype,
                                      device=self.scale.device), doc="inf.")
    variance = mean


class Gumbel(TransformedDistribution):
    """Gumbel(loc, scale): density exp(-(z + exp(-z))) / scale, z = (x - loc) / scale; drawn as
    loc - scale log(-log(u))."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        info = np.finfo(self.loc.dtype)
        base = Uniform(full(tuple(self.loc.shape), float(info.tiny), dtype=self.loc.dtype, device=self.loc.device),
                       full(tuple(self.loc.shape), 1 - float(info.eps), dtype=self.loc.dtype,
                            device=self.loc.device), validate_args=False)
        transforms = [ExpTransform().inv, AffineTransform(0, -(self.loc * 0 + 1)), ExpTransform().inv,
                      AffineTransform(self.loc, -self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    def log_prob(self, value):
        """-log(scale) + z - exp(z) with z = (loc - value) / scale."""
        if self._validate_args:
            self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return -self.scale.log() + z - z.exp()

    mean = property(lambda self: self.loc + self.scale * _EULER, doc="loc + scale * Euler's gamma.")
    mode = property(lambda self: self.loc, doc="loc.")
    stddev = property(lambda self: (math.pi / math.sqrt(6)) * self.scale, doc="pi scale / sqrt(6).")
    variance = property(lambda self: self.stddev.pow(2), doc="pi^2 scale^2 / 6.")

    def entropy(self):
        """log(scale) + 1 + Euler's gamma."""
        return self.scale.log() + (1 + _EULER)
