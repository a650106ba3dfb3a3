"""Pareto(scale, alpha): scale * exp(E) for E ~ Exponential(alpha)."""
from . import constraints
from .continuous import Exponential
from .distribution import broadcast_all
from .transformed import TransformedDistribution
from .transforms import AffineTransform, ExpTransform


class Pareto(TransformedDistribution):
    """Pareto(scale, alpha): density alpha scale^alpha / x^(alpha + 1) on x >= scale."""

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha = broadcast_all(scale, alpha)
        super().__init__(Exponential(self.alpha, validate_args=False), [ExpTransform(), AffineTransform(0, self.scale)],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its parameters broadcast)."""
        new = Pareto(self.scale.expand(tuple(batch_shape)), self.alpha.expand(tuple(batch_shape)), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        """alpha scale / (alpha - 1), with alpha clamped to at least 1 (inf at alpha <= 1)."""
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    mode = property(lambda self: self.scale, doc="scale.")

    @property
    def variance(self):
        """scale^2 alpha / ((alpha - 1)^2 (alpha - 2)), with alpha clamped to at least 2 (inf at alpha <= 2)."""
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """[scale, inf)."""
        return constraints.greater_than_eq(self.scale)

    def entropy(self):
        """log(scale / alpha) + 1 + 1 / alpha."""
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())
