"""Kumaraswamy(concentration1, concentration0): (1 - U^(1 / b))^(1 / a) for U uniform on [0, 1]."""
import math

from ..creation import full_like
from ..ops.elementwise import where
from ..ops.gamma import digamma, lgamma
from . import constraints
from .continuous import Uniform
from .distribution import broadcast_all
from .transformed import TransformedDistribution
from .transforms import AffineTransform, PowerTransform

_EULER = 0.57721566490153286061


def _moment(a, b, n):
    """E[X^n] = b B(1 + n / a, b)."""
    arg = 1 + n / a
    return b * (lgamma(arg) + lgamma(b) - lgamma(arg + b)).exp()


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy(a = concentration1, b = concentration0): density a b x^(a-1) (1 - x^a)^(b-1) on [0, 1]."""

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base = Uniform(full_like(self.concentration0, 0), full_like(self.concentration0, 1), validate_args=False)
        transforms = [PowerTransform(self.concentration0.reciprocal()), AffineTransform(1.0, -1.0),
                      PowerTransform(self.concentration1.reciprocal())]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its parameters broadcast)."""
        new = Kumaraswamy(self.concentration1.expand(tuple(batch_shape)),
                          self.concentration0.expand(tuple(batch_shape)), validate_args=False)
        new._validate_args = self._validate_args
        return new

    mean = property(lambda self: _moment(self.concentration1, self.concentration0, 1), doc="E[X].")

    @property
    def mode(self):
        """PyTorch's formula exp(log1p(-b) / b - log1p(-a b)), NaN where a < 1 or b < 1 (so NaN for every valid
        input: the formula takes log1p(-b) with b >= 1; the true mode is ((a - 1) / (a b - 1))^(1 / a))."""
        a, b = self.concentration1, self.concentration0
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        return where((b < 1) | (a < 1), math.nan, log_mode).exp()

    @property
    def variance(self):
        """E[X^2] - E[X]^2."""
        return _moment(self.concentration1, self.concentration0, 2) - self.mean.pow(2)

    def entropy(self):
        """(1 - 1/b) + (1 - 1/a) (digamma(b + 1) + gamma) - log(a) - log(b)."""
        a, b = self.concentration1, self.concentration0
        return (1 - b.reciprocal()) + (1 - a.reciprocal()) * (digamma(b + 1) + _EULER) - a.log() - b.log()
