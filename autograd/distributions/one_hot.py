"""OneHotCategorical and Multinomial: a Categorical's draws as one-hot vectors, and their counts over
total_count trials."""
import math

from ..creation import eye
from ..errors import ArgumentRangeError
from ..ops.elementwise import where
from ..ops.gamma import lgamma
from . import constraints
from .constrained import ConstrainedDistribution
from .counts import Binomial
from .discrete import Categorical, OverCategorical
from .distribution import _validate_default, sample_size


def _one_hot(indices, n, dtype):
    return eye(n, dtype=dtype, device=indices.device)[indices]


class OneHotCategorical(OverCategorical):
    """OneHotCategorical(probs=None, logits=None): a Categorical whose values are one-hot vectors."""

    support = constraints.one_hot
    has_enumerate_support = True
    mean = property(lambda self: self.probs, doc="probs.")
    variance = property(lambda self: self.probs * (1 - self.probs), doc="probs (1 - probs).")

    @property
    def mode(self):
        """The one-hot vector of the most likely category."""
        return _one_hot(self.probs.argmax(-1), self._event_shape[0], self.probs.dtype)

    def sample(self, sample_shape=()):
        """One-hot draws (in probs' dtype) of shape sample_shape + batch_shape + (categories,)."""
        return _one_hot(self._categorical.sample(sample_shape), self._event_shape[0], self.probs.dtype)

    def log_prob(self, value):
        """The Categorical's log-probability of value's hot index."""
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        """The Categorical's entropy."""
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        """The n one-hot vectors along a new leading dim (expanded over the batch unless expand=False)."""
        n = self._event_shape[0]
        values = eye(n, dtype=self.probs.dtype, device=self.probs.device)
        values = values.reshape((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand((n,) + tuple(self._batch_shape) + (n,)) if expand else values


class Multinomial(ConstrainedDistribution):
    """Multinomial(total_count=1, probs=None, logits=None): category counts of total_count Categorical draws."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    _param_names = ("probs", "logits")

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("Multinomial: total_count must be a Python int (inhomogeneous total_count is "
                                      f"not supported, as in PyTorch), got {type(total_count).__name__}")
        if total_count < 0 and _validate_default[0]:   # PyTorch's inner Binomial checks it, whatever validate_args
            raise ValueError(f"Multinomial: total_count must be a non-negative int (the constraint "
                             f"IntegerGreaterThan(lower_bound=0)), got {total_count}; pass the number of draws")
        self.total_count = total_count
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        self._given = self._categorical._given
        self._binomial = Binomial(total_count, self._categorical.probs, validate_args=False)
        param = self._categorical.probs
        super().__init__(param.shape[:-1], param.shape[-1:], validate_args=False)
        self._validate_args = self._categorical._validate_args

    @property
    def support(self):
        """Count vectors summing to total_count."""
        return constraints.multinomial(self.total_count)

    probs = property(lambda self: self._categorical.probs, doc="The normalised probabilities.")
    logits = property(lambda self: self._categorical.logits, doc="The normalised log-probabilities.")
    param_shape = property(lambda self: self._categorical.param_shape, doc="batch_shape + (categories,).")
    mean = property(lambda self: self.probs * self.total_count, doc="total_count * probs.")
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs), doc="n p (1 - p).")

    def sample(self, sample_shape=()):
        """Count vectors (in probs' dtype) of shape sample_shape + batch_shape + (categories,)."""
        sample_shape = sample_size(self, sample_shape)
        # as PyTorch's: total_count categorical draws (one multinomial draw with replacement), counted per category
        if self.total_count == 0:   # PyTorch draws total_count categories at least once
            raise ArgumentRangeError(f"Multinomial.sample: cannot draw 0 samples (total_count=0), as in PyTorch; "
                                     "give total_count >= 1")
        trials = self._categorical.sample((self.total_count,) + sample_shape)
        return _one_hot(trials, self.probs.shape[-1], self.probs.dtype).sum(0)

    def log_prob(self, value):
        """lgamma(n + 1) - sum lgamma(x + 1) + sum x log p (a 0 * log 0 term counts as 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits = where((value == 0) & (self.logits == -math.inf), 0.0, self.logits)
        return lgamma(value.sum(-1) + 1) - lgamma(value + 1).sum(-1) + (logits * value).sum(-1)

    def entropy(self):
        """n H(categorical) - lgamma(n + 1) + sum_k sum_x P(count_k = x) lgamma(x + 1)."""
        n = self.total_count
        term1 = n * self._categorical.entropy() - math.lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = self._binomial.log_prob(support).exp()
        return term1 + (binomial_probs * lgamma(support + 1)).sum(0).sum(-1)
