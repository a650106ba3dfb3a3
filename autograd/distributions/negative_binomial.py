"""NegativeBinomial(total_count, probs=None, logits=None): the number of successes before total_count
failures, each trial a success with probability probs; drawn as Poisson(Gamma(total_count, exp(-logits)))."""
from ..grad_mode import no_grad
from ..ops.activation import Softplus
from ..ops.gamma import lgamma
from . import constraints
from ..random_api import poisson
from .constrained import BINARY_LOGITS, BINARY_PROBS, ConstrainedDistribution, given_parameter, one_of
from .distribution import broadcast_all
from .gamma_family import Gamma


class NegativeBinomial(ConstrainedDistribution):
    """NegativeBinomial(total_count, probs=None, logits=None) on the non-negative integers."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0), "logits": constraints.real}
    support = constraints.nonnegative_integer
    probs, logits = BINARY_PROBS, BINARY_LOGITS

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        one_of("NegativeBinomial", probs, logits)
        self._given = "probs" if probs is not None else "logits"
        self.total_count, param = broadcast_all(total_count, probs if probs is not None else logits)
        setattr(self, self._given, param)
        self.total_count = self.total_count.to(param.dtype)
        super().__init__(param.shape, (), validate_args)

    param_shape = property(lambda self: given_parameter(self).shape, doc="The shape of probs and logits.")
    mean = property(lambda self: self.total_count * self.logits.exp(), doc="total_count * exp(logits).")
    mode = property(lambda self: ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0),
                    doc="floor((total_count - 1) exp(logits)), at least 0.")
    variance = property(lambda self: self.mean / (-self.logits).sigmoid(), doc="mean / (1 - probs).")

    def sample(self, sample_shape=()):
        """Counts (in the parameters' dtype), Poisson draws with Gamma(total_count, exp(-logits)) rates (as
        PyTorch's: Gamma draws divided by exp(-logits), then torch.poisson)."""
        with no_grad():
            rate = Gamma(self.total_count, (-self.logits).exp(), validate_args=False).sample(sample_shape)
            return poisson(rate)

    def log_prob(self, value):
        """n logsigmoid(-logits) + k logsigmoid(logits) + lgamma(n + k) - lgamma(k + 1) - lgamma(n)."""
        if self._validate_args:
            self._validate_sample(value)
        n = self.total_count
        unnormalised = -n * Softplus.apply(self.logits) - value * Softplus.apply(-self.logits)
        normaliser = -lgamma(n + value) + lgamma(1.0 + value) + lgamma(n)
        return unnormalised - normaliser.masked_fill(n + value == 0.0, 0.0)
