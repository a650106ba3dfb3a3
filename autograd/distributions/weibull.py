"""Weibull(scale, concentration): scale * E^(1 / concentration) for E ~ Exponential(1)."""
from ..creation import ones_like
from ..ops.gamma import lgamma
from . import constraints
from .continuous import Exponential
from .distribution import broadcast_all
from .transformed import TransformedDistribution
from .transforms import AffineTransform, PowerTransform

_EULER = 0.57721566490153286061


class Weibull(TransformedDistribution):
    """Weibull(scale, concentration): density (k / s) (x / s)^(k - 1) exp(-(x / s)^k) on x > 0."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(ones_like(self.scale), validate_args=False)
        super().__init__(base, [PowerTransform(self.concentration_reciprocal), AffineTransform(0, self.scale)],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its parameters broadcast)."""
        new = Weibull(self.scale.expand(tuple(batch_shape)), self.concentration.expand(tuple(batch_shape)),
                      validate_args=False)
        new._validate_args = self._validate_args
        return new

    mean = property(lambda self: self.scale * lgamma(1 + self.concentration_reciprocal).exp(),
                    doc="scale Gamma(1 + 1 / concentration).")

    @property
    def mode(self):
        """scale ((k - 1) / k)^(1 / k) (NaN for k < 1, as PyTorch)."""
        k = self.concentration
        return self.scale * ((k - 1) / k).pow(k.reciprocal())

    @property
    def variance(self):
        """scale^2 (Gamma(1 + 2 / k) - Gamma(1 + 1 / k)^2)."""
        r = self.concentration_reciprocal
        return self.scale.pow(2) * (lgamma(1 + 2 * r).exp() - (2 * lgamma(1 + r)).exp())

    def entropy(self):
        """gamma (1 - 1 / k) + log(scale / k) + 1."""
        return _EULER * (1 - self.concentration_reciprocal) + (self.scale * self.concentration_reciprocal).log() + 1
