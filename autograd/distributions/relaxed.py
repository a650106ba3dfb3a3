"""The relaxed (Concrete / Gumbel-softmax) distributions: continuous, reparameterised stand-ins for Bernoulli
and one-hot Categorical draws at a temperature; as the temperature falls they approach the discrete ones."""
import math

from ..creation import rand, tensor
from ..ops.activation import Softplus
from ..tensor import Tensor
from . import constraints
from .constrained import (BINARY_LOGITS, BINARY_PROBS, ConstrainedDistribution, binary_parameters, clamp_probs,
                          given_parameter)
from .discrete import OverCategorical
from .transformed import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform


def _temperature(temperature, like):
    """temperature as a Tensor (PyTorch needs one for log_prob; a number is taken in like's dtype)."""
    if isinstance(temperature, Tensor):
        return temperature
    return tensor(float(temperature), dtype=like.dtype, device=like.device)


class LogitRelaxedBernoulli(ConstrainedDistribution):
    """LogitRelaxedBernoulli(temperature, probs=None, logits=None): the logit of a RelaxedBernoulli draw,
    (logit(u) + logits) / temperature."""

    has_rsample = True
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    _param_names = ("probs", "logits")
    probs, logits = BINARY_PROBS, BINARY_LOGITS

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        binary_parameters(self, probs, logits)
        self.temperature = _temperature(temperature, given_parameter(self))
        super().__init__(given_parameter(self).shape, (), validate_args)

    param_shape = property(lambda self: given_parameter(self).shape, doc="The shape of probs and logits.")

    def rsample(self, sample_shape=()):
        """(logit(u) + logit(probs)) / temperature, u uniform on (0, 1) clamped away from 0 and 1."""
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(rand(*shape, dtype=self.probs.dtype, device=self.probs.device))
        p = clamp_probs(self.probs)
        return (u.log() - (-u).log1p() + p.log() - (-p).log1p()) / self.temperature

    def log_prob(self, value):
        """log(temperature) + d - 2 log(1 + exp(d)), d = logits - temperature * value."""
        if self._validate_args:
            self._validate_sample(value)
        diff = self.logits - value * self.temperature
        return self.temperature.log() + diff - 2 * Softplus.apply(diff)


class RelaxedBernoulli(TransformedDistribution):
    """RelaxedBernoulli(temperature, probs=None, logits=None): sigmoid of a LogitRelaxedBernoulli draw, in (0, 1)."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = LogitRelaxedBernoulli(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)

    temperature = property(lambda self: self.base_dist.temperature, doc="The relaxation temperature.")
    probs = property(lambda self: self.base_dist.probs, doc="The Bernoulli probabilities.")
    logits = property(lambda self: self.base_dist.logits, doc="The Bernoulli log-odds.")


class ExpRelaxedCategorical(OverCategorical):
    """ExpRelaxedCategorical(temperature, probs=None, logits=None): the log of a RelaxedOneHotCategorical draw,
    log_softmax((logits + Gumbel noise) / temperature)."""

    has_rsample = True
    support = constraints.real_vector

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        super().__init__(probs, logits, validate_args)
        self.temperature = _temperature(temperature, self._categorical.probs)

    def rsample(self, sample_shape=()):
        """log_softmax((logits + g) / temperature), g standard Gumbel noise."""
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(rand(*shape, dtype=self.logits.dtype, device=self.logits.device))
        gumbels = -((-(u.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value):
        """The density of the log-simplex point value (Maddison et al.'s Concrete density)."""
        if self._validate_args:
            self._validate_sample(value)
        k = self._event_shape[0]
        log_scale = math.lgamma(k) + (k - 1) * self.temperature.log()
        score = self.logits - value * self.temperature
        score = (score - score.logsumexp(-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """RelaxedOneHotCategorical(temperature, probs=None, logits=None): the Gumbel-softmax distribution on the
    simplex; exp of an ExpRelaxedCategorical draw."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

    temperature = property(lambda self: self.base_dist.temperature, doc="The relaxation temperature.")
    probs = property(lambda self: self.base_dist.probs, doc="The normalised probabilities.")
    logits = property(lambda self: self.base_dist.logits, doc="The normalised log-probabilities.")
