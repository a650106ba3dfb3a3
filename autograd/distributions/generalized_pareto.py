"""GeneralizedPareto(loc, scale, concentration): the tail law with survival (1 + c z)^(-1 / c), z = (x - loc) /
scale (exp(-z) at c = 0); drawn through its inverse cdf."""
import math

from ..creation import rand
from ..ops.discrete import isclose
from ..ops.elementwise import where
from . import constraints
from .constrained import ConstrainedDistribution
from .distribution import broadcast_all


class GeneralizedPareto(ConstrainedDistribution):
    """GeneralizedPareto(loc, scale, concentration); concentration 0 is the exponential case, -1 the uniform."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True
    _param_names = ("loc", "scale", "concentration")

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def _safe(self):
        """(concentration == 0 up to isclose, the concentration with those entries replaced by 1)."""
        c = self.concentration
        zero = isclose(c, c * 0)
        return zero, where(zero, 1.0, c)

    def rsample(self, sample_shape=()):
        """icdf(u) for u uniform on [0, 1)."""
        return self.icdf(rand(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device))

    def log_prob(self, value):
        """-log(scale) - (1 / c + 1) log1p(c z), or -log(scale) - z at c = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, c = self._safe()
        y = 1 / c + 1
        nonzero = where(y == 0, y, y * (c * z).log1p())
        return -self.scale.log() - where(zero, z, nonzero)

    def log_survival_function(self, value):
        """log P(X > value): -log1p(c z) / c, or -z at c = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, c = self._safe()
        return where(zero, -z, -(c * z).log1p() / c)

    def log_cdf(self, value):
        """log P(X <= value)."""
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        """P(X <= value)."""
        return self.log_cdf(value).exp()

    def icdf(self, value):
        """loc + scale expm1(-c log1p(-value)) / c, or loc - scale log1p(-value) at c = 0."""
        zero, c = self._safe()
        log_u = (-value).log1p()
        return where(zero, self.loc - self.scale * log_u, self.loc + self.scale / c * (-c * log_u).expm1())

    @property
    def mean(self):
        """loc + scale / (1 - c) for c < 1, NaN otherwise."""
        valid = self.concentration < 1
        c = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - c), math.nan)

    @property
    def variance(self):
        """scale^2 / ((1 - c)^2 (1 - 2 c)) for c < 1/2, NaN otherwise."""
        valid = self.concentration < 0.5
        c = where(valid, self.concentration, 0.25)
        return where(valid, self.scale.pow(2) / ((1 - c).pow(2) * (1 - 2 * c)), math.nan)

    def entropy(self):
        """log(scale) + c + 1."""
        return (self.scale.log() + self.concentration + 1).expand(tuple(self._batch_shape))

    mode = property(lambda self: self.loc, doc="loc.")

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """[loc, loc - scale / c] for c < 0, [loc, inf) otherwise."""
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return constraints.interval(self.loc, upper)
