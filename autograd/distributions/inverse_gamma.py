"""InverseGamma(concentration, rate): 1 / X for X ~ Gamma(concentration, rate)."""
import math

from ..ops.elementwise import where
from ..ops.gamma import digamma, lgamma
from . import constraints
from .gamma_family import Gamma
from .transformed import TransformedDistribution
from .transforms import PowerTransform


class InverseGamma(TransformedDistribution):
    """InverseGamma(concentration, rate): density rate^a x^(-a-1) exp(-rate / x) / Gamma(a) on x > 0."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True
    _property_params = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None):
        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, PowerTransform(-base.rate.new_ones(())), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its parameters broadcast)."""
        new = InverseGamma(self.concentration.expand(tuple(batch_shape)), self.rate.expand(tuple(batch_shape)),
                           validate_args=False)
        new._validate_args = self._validate_args
        return new

    concentration = property(lambda self: self.base_dist.concentration, doc="The Gamma's concentration.")
    rate = property(lambda self: self.base_dist.rate, doc="The Gamma's rate.")

    @property
    def mean(self):
        """rate / (concentration - 1) for concentration > 1, inf otherwise."""
        return where(self.concentration > 1, self.rate / (self.concentration - 1), math.inf)

    mode = property(lambda self: self.rate / (self.concentration + 1), doc="rate / (concentration + 1).")

    @property
    def variance(self):
        """rate^2 / ((a - 1)^2 (a - 2)) for a > 2, inf otherwise."""
        a = self.concentration
        return where(a > 2, self.rate.square() / ((a - 1).square() * (a - 2)), math.inf)

    def entropy(self):
        """a + log(rate) + lgamma(a) - (1 + a) digamma(a)."""
        a = self.concentration
        return a + self.rate.log() + lgamma(a) - (1 + a) * digamma(a)
