"""Poisson, Binomial and Geometric: counts, drawn by PyTorch's CPU samplers from deepgrad's generator."""
import numpy as np

from backends import torch_samplers

from .. import capture
from ..creation import arange, rand
from ..errors import ArgumentRangeError
from ..grad_mode import no_grad
from ..ops.activation import Softplus
from ..ops.elementwise import where
from ..ops.gamma import lgamma
from ..ops.special import xlogy
from . import constraints
from .constrained import (BINARY_LOGITS, BINARY_PROBS, ConstrainedDistribution, binary_parameters, float_host,
                          given_parameter, host_draws, one_of)
from .distribution import broadcast_all
from .exp_family import ExponentialFamily


class Poisson(ExponentialFamily, ConstrainedDistribution):
    """Poisson(rate): P(k) = rate^k exp(-rate) / k! for k = 0, 1, ..."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer
    _param_names = ("rate",)

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    mean = property(lambda self: self.rate, doc="rate.")
    variance = property(lambda self: self.rate, doc="rate.")
    mode = property(lambda self: self.rate.floor(), doc="floor(rate).")

    def sample(self, sample_shape=()):
        """Counts (in rate's dtype) of shape sample_shape + batch_shape."""
        # checked even without validate_args, as PyTorch's sampler does (not while ag.jit captures: no host reads)
        if capture.state.recorder is None and not bool((self.rate >= 0).all()):
            raise ArgumentRangeError(f"Poisson.sample: invalid Poisson rate, expected rate to be non-negative, got "
                                     f"{self.rate.min().item()}; rates count events per interval, so they are >= 0")
        rate = self.rate.expand(self._extended_shape(sample_shape))
        return host_draws(torch_samplers.poisson, rate)

    def log_prob(self, value):
        """value log(rate) - rate - lgamma(value + 1)."""
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return xlogy(value, rate) - rate - lgamma(value + 1)

    @property
    def _natural_params(self):
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()


def _clamp_by_zero(x):
    # max(x, 0) whose derivative at 0 is 1/2, as PyTorch's Binomial writes it
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(ConstrainedDistribution):
    """Binomial(total_count=1, probs=None, logits=None): successes in total_count trials of probability probs
    (or sigmoid(logits))."""

    has_enumerate_support = True
    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval,
                       "logits": constraints.real}
    _param_names = ("total_count", "probs", "logits")
    probs, logits = BINARY_PROBS, BINARY_LOGITS

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        one_of("Binomial", probs, logits)
        self._given = "probs" if probs is not None else "logits"
        param = probs if probs is not None else logits
        self.total_count, param = broadcast_all(total_count, param)
        self.total_count = self.total_count.to(param.dtype)
        setattr(self, self._given, param)
        super().__init__(param.shape, (), validate_args)

    @property
    def support(self):
        """The integers 0 .. total_count."""
        return constraints.integer_interval(0, self.total_count)

    param_shape = property(lambda self: given_parameter(self).shape, doc="The parameters' shape.")
    mean = property(lambda self: self.total_count * self.probs, doc="total_count * probs.")
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs), doc="n p (1 - p).")

    @property
    def mode(self):
        """floor((total_count + 1) probs), at most total_count."""
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    def sample(self, sample_shape=()):
        """Counts (in the parameters' dtype) of shape sample_shape + batch_shape."""
        shape = self._extended_shape(sample_shape)
        return host_draws(lambda stream, n, p: torch_samplers.binomial(stream, float_host(n), float_host(p)),
                          self.total_count.expand(shape), self.probs.expand(shape))

    def log_prob(self, value):
        """log C(n, k) + k logits - n log(1 + exp(logits)), stable for any logits."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = lgamma(n + 1) - lgamma(value + 1) - lgamma(n - value + 1)
        normalizer = n * _clamp_by_zero(logits) + n * (-logits.abs()).exp().log1p()
        return value * logits + log_choose - normalizer

    def entropy(self):
        """-sum_k p(k) log p(k) over the support (total_count must be the same everywhere)."""
        values = self.enumerate_support(expand=False)
        log_prob = self.log_prob(values)
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        """0 .. total_count along a new leading dim (expanded over the batch unless expand=False)."""
        top = int(self.total_count.max().item())
        if not bool((self.total_count == top).all()):
            raise NotImplementedError("Inhomogeneous total count not supported by `enumerate_support`. "
                                      "Binomial.enumerate_support: total_count differs across the batch; "
                                      "enumerate each total_count apart")
        param = given_parameter(self)
        values = arange(1 + top, dtype=param.dtype, device=param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values


class Geometric(ConstrainedDistribution):
    """Geometric(probs=None, logits=None): the number of failures before the first success (0, 1, ...)."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer
    _param_names = ("probs", "logits")

    probs, logits = BINARY_PROBS, BINARY_LOGITS

    def __init__(self, probs=None, logits=None, validate_args=None):
        binary_parameters(self, probs, logits)
        super().__init__(given_parameter(self).shape, (), validate_args)

    def _parameter_checks(self):
        checks = super()._parameter_checks()
        if self._given == "probs":
            checks.append(("probs", self.probs > 0, "Interval(lower_bound=0.0, upper_bound=1.0) with probs > 0"))
        return checks

    mean = property(lambda self: self.probs.reciprocal() - 1, doc="1 / probs - 1.")
    mode = property(lambda self: (self.probs * 0).detach(), doc="0.")
    variance = property(lambda self: (self.probs.reciprocal() - 1) / self.probs, doc="(1 / p - 1) / p.")

    def sample(self, sample_shape=()):
        """floor(log(u) / log(1 - probs)), u uniform on (0, 1)."""
        shape = self._extended_shape(sample_shape)
        tiny = float(np.finfo(self.probs.dtype).tiny)
        with no_grad():
            u = rand(*shape, dtype=self.probs.dtype, device=self.probs.device).clamp(min=tiny)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        """value log(1 - probs) + log(probs) (0 at probs = 1, value = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        safe = where((probs == 1) & (value == 0), 0.0, probs)
        return value * (-safe).log1p() + self.probs.log()

    def entropy(self):
        """BCE-with-logits(logits, probs) / probs."""
        return (Softplus.apply(self.logits) - self.logits * self.probs) / self.probs
