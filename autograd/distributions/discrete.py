"""Bernoulli and Categorical, from probs or logits (either one; the other is derived as PyTorch does)."""
import numpy as np

from ..creation import arange, bernoulli, full
from ..errors import ArgumentRangeError
from ..grad_mode import no_grad
from ..ops.activation import Softplus, softmax
from ..ops.arrange import broadcast_tensors
from ..ops.discrete import multinomial
from ..ops.elementwise import where
from ..ops.shape import reshape
from . import constraints
from .constrained import (BINARY_LOGITS, BINARY_PROBS, ConstrainedDistribution, DerivedParameter, expand_batch,
                          given_parameter)
from .distribution import Distribution, broadcast_all, require_tensors
from .exp_family import ExponentialFamily


def _one_of(name, probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: pass either probs or logits, not both and not neither")


def _clamped(probs):
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


class Bernoulli(ExponentialFamily):
    """Bernoulli(probs=None, logits=None): 1 with probability probs (or sigmoid(logits)), else 0."""

    has_enumerate_support = True

    _param_names = ("probs", "logits")
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    probs, logits = BINARY_PROBS, BINARY_LOGITS

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of("Bernoulli", probs, logits)
        if probs is not None:
            self.probs, = broadcast_all(probs)
        else:
            self.logits, = broadcast_all(logits)
        self._given = "probs" if probs is not None else "logits"
        super().__init__(given_parameter(self).shape, (), validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with probs and logits broadcast (as views) to the larger `batch_shape`."""
        return expand_batch(self, batch_shape)

    @property
    def param_shape(self):
        """The shape of probs and logits (the batch shape)."""
        return given_parameter(self).shape

    def enumerate_support(self, expand=True):
        """The values 0 and 1, shape (2,) + batch_shape (or (2,) + (1,) * batch dims with expand=False)."""
        values = _counting(2, len(self._batch_shape), given_parameter(self))
        return values.expand((2,) + tuple(self._batch_shape)) if expand else values

    def _parameter_checks(self):
        if self._given == "probs":
            return [("probs", (self.probs >= 0) & (self.probs <= 1), "Interval(lower_bound=0.0, upper_bound=1.0)")]
        return [("logits", self.logits == self.logits, "Real()")]

    @property
    def mean(self):
        """probs."""
        return self.probs

    @property
    def variance(self):
        """probs * (1 - probs)."""
        return self.probs * (1 - self.probs)

    @property
    def mode(self):
        """The most likely value: 1 where probs > 0.5, 0 where below, NaN at exactly 0.5 (a tie), as PyTorch."""
        return where(self.probs == 0.5, float("nan"), (self.probs > 0.5).to(self.probs.dtype))

    def sample(self, sample_shape=()):
        """0/1 draws in the parameters' dtype, without a gradient."""
        with no_grad():
            return bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    def log_prob(self, value):
        """log p(value) for value in {0, 1}: -BCE-with-logits(logits, value)."""
        self._check_sample(value, lambda v: (v == 0) | (v == 1), "Boolean()")
        logits, value = broadcast_tensors(self.logits, value)
        return -(Softplus.apply(logits) - logits * value)

    def entropy(self):
        """-(p log p + (1 - p) log(1 - p)), computed from the logits."""
        return Softplus.apply(self.logits) - self.logits * self.probs

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return (self.probs.logit(),)

    def _log_normalizer(self, x):
        return x.exp().log1p()


class Categorical(Distribution):
    """Categorical(probs=None, logits=None) over the last dim: probs are normalised to sum to 1, logits are
    normalised log-probabilities (logits - logsumexp)."""

    has_enumerate_support = True

    _param_names = ("probs", "logits")
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    probs = DerivedParameter(lambda self: softmax(self.logits, -1))
    logits = DerivedParameter(lambda self: _clamped(self.probs).log())

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of("Categorical", probs, logits)
        require_tensors("Categorical", probs=probs, logits=logits)
        param, = broadcast_all(probs if probs is not None else logits)
        if param.ndim < 1:
            raise ValueError(f"Categorical: {'probs' if probs is not None else 'logits'} must have at least one "
                             f"dimension (the categories), got a 0-d tensor")
        self._given = "probs" if probs is not None else "logits"
        if probs is not None:
            self._raw = param
            self.probs = param / param.sum(-1, keepdim=True)
        else:
            self.logits = param - param.logsumexp(-1, keepdim=True)
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], (), validate_args)

    def _parameter_checks(self):
        if self._given == "probs":
            return [("probs", (self._raw >= 0) & (self._raw.sum(-1) > 0).unsqueeze(-1), "Simplex()")]
        return [("logits", self.logits == self.logits, "IndependentConstraint(Real(), 1)")]

    @property
    def support(self):
        """The category indices 0 .. n - 1."""
        return constraints.integer_interval(0, self._num_events - 1)

    def expand(self, batch_shape, _instance=None):
        """This distribution with probs and logits broadcast (as views) to the larger `batch_shape`."""
        return expand_batch(self, batch_shape)

    def enumerate_support(self, expand=True):
        """The categories 0 .. n - 1 (int64), shape (n,) + batch_shape (or (n,) + (1,) * batch dims with
        expand=False)."""
        values = _counting(self._num_events, len(self._batch_shape), given_parameter(self)).long()
        return values.expand((self._num_events,) + tuple(self._batch_shape)) if expand else values

    @property
    def param_shape(self):
        """The shape of probs and logits: batch_shape + (number of categories,)."""
        return given_parameter(self).shape

    @property
    def mean(self):
        """NaN, as PyTorch: a category index has no mean."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype, device=self.probs.device)

    variance = mean

    @property
    def mode(self):
        """The most likely category (int64; the first one on a tie)."""
        return self.probs.argmax(-1)

    def sample(self, sample_shape=()):
        """Category indices (int64) of shape sample_shape + batch_shape, drawn with replacement."""
        shape = self._extended_shape(sample_shape)
        count = int(np.prod(shape[:len(shape) - len(self._batch_shape)], dtype=np.int64))
        if count == 0:   # PyTorch's multinomial draws at least one sample
            raise ArgumentRangeError(f"{type(self).__name__}.sample: cannot draw 0 samples (sample_shape "
                                     f"{tuple(sample_shape)} holds a 0), as in PyTorch; give every size >= 1")
        with no_grad():
            draws = multinomial(self.probs.detach().reshape(-1, self._num_events), max(count, 1), True)
        return draws.t().reshape(shape)

    def log_prob(self, value):
        """log p(value) for integer category indices."""
        self._check_sample(value, lambda v: (v >= 0) & (v < self._num_events) & (v == v.floor() if
                                             v.dtype.kind == "f" else v == v), f"IntegerInterval(lower_bound=0, "
                                                                             f"upper_bound={self._num_events - 1})")
        value, log_pmf = broadcast_tensors(value.long().unsqueeze(-1), self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self):
        """-sum(p log p) over the categories (0 log 0 = 0)."""
        logits = self.logits.clamp(min=float(np.finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)


def _counting(n, batch_dims, like):
    """0, 1, ..., n - 1 in like's dtype and device, shaped (n,) + (1,) * batch_dims."""
    return reshape(arange(n, dtype=like.dtype, device=like.device), (n,) + (1,) * batch_dims)


class OverCategorical(ConstrainedDistribution):
    """The shared start of the families drawn over a Categorical's classes (OneHotCategorical,
    ExpRelaxedCategorical): probs or logits held and checked by a Categorical, its batch shape, and an event
    of one entry per class."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    _param_names = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        self._given = self._categorical._given
        param = self._categorical.probs
        super().__init__(param.shape[:-1], param.shape[-1:], validate_args=False)
        self._validate_args = self._categorical._validate_args

    probs = property(lambda self: self._categorical.probs, doc="The normalised probabilities.")
    logits = property(lambda self: self._categorical.logits, doc="The normalised log-probabilities.")
    param_shape = property(lambda self: self._categorical.param_shape, doc="batch_shape + (categories,).")
