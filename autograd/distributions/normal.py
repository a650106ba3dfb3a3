"""The Normal distribution, reparameterised: rsample is loc + scale * eps."""
import math

from ..creation import randn
from ..ops.special import erf, erfinv
from . import constraints
from .constrained import expand_batch
from .distribution import broadcast_all
from .exp_family import ExponentialFamily


class Normal(ExponentialFamily):
    """Normal(loc, scale): a batch of Gaussians of the broadcast shape of loc and scale (scale > 0)."""

    has_rsample = True
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    _param_names = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with loc and scale broadcast (as views) to the larger `batch_shape`."""
        return expand_batch(self, batch_shape)

    def _parameter_checks(self):
        return [("loc", self.loc == self.loc, "Real()"), ("scale", self.scale > 0, "GreaterThan(lower_bound=0.0)")]

    @property
    def mean(self):
        """loc."""
        return self.loc

    @property
    def mode(self):
        """loc."""
        return self.loc

    @property
    def stddev(self):
        """scale."""
        return self.scale

    @property
    def variance(self):
        """scale ** 2."""
        return self.scale.pow(2)

    def rsample(self, sample_shape=()):
        """loc + scale * eps with eps standard normal (NumPy's draws, so not PyTorch's numbers)."""
        shape = self._extended_shape(sample_shape)
        eps = randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """The log-density at value."""
        self._check_sample(value, lambda v: v == v, "Real()")
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        """P(X <= value)."""
        self._check_sample(value, lambda v: v == v, "Real()")
        return 0.5 * (1 + erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        """The value below which the probability is `value`."""
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        """0.5 + 0.5 log(2 pi) + log(scale)."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal()

    def _log_normalizer(self, x, y):
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()
