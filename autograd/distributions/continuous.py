"""Uniform, Exponential, Laplace and Cauchy: closed-form families reparameterised through a uniform draw
(the inverse cdf), so rsample carries gradients to every parameter."""
import math

import numpy as np

from ..creation import empty, full, rand
from . import constraints
from .constrained import ConstrainedDistribution
from .distribution import broadcast_all
from .exp_family import ExponentialFamily


def _uniform(dist, sample_shape, ref):
    """U[0, 1) draws of the extended shape, in ref's dtype and device (deepgrad's generator)."""
    return rand(*dist._extended_shape(sample_shape), dtype=ref.dtype, device=ref.device)


def _draws(dist, sample_shape, ref):
    """An uninitialised tensor of the extended shape, in ref's dtype and device, for an in-place random fill."""
    return empty(*dist._extended_shape(sample_shape), dtype=ref.dtype, device=ref.device)


def _filled(dist, ref, value):
    return full(tuple(dist._extended_shape()), value, dtype=ref.dtype, device=ref.device)


class Uniform(ConstrainedDistribution):
    """Uniform(low, high): uniform on [low, high)."""

    has_rsample = True
    _param_names = ("low", "high")

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, (), validate_args)

    @property
    def arg_constraints(self):
        """low < high, each bound by the other."""
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def _parameter_checks(self):
        ok = self.low < self.high
        return [("low", ok, f"LessThan(upper_bound={self.high})"), ("high", ok, f"GreaterThan(lower_bound={self.low})")]

    @property
    def support(self):
        """[low, high] (log_prob itself excludes high, as PyTorch's)."""
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        """(low + high) / 2."""
        return (self.low + self.high) / 2

    @property
    def mode(self):
        """NaN: every point of the interval is equally likely."""
        return self.high * math.nan

    @property
    def stddev(self):
        """(high - low) / sqrt(12)."""
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        """(high - low)^2 / 12."""
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        """low + u (high - low), u uniform on [0, 1)."""
        return self.low + _uniform(self, sample_shape, self.low) * (self.high - self.low)

    def log_prob(self, value):
        """-log(high - low) inside [low, high), -inf outside."""
        if self._validate_args:
            self._validate_sample(value)
        inside = ((self.low <= value) & (self.high > value)).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def cdf(self, value):
        """(value - low) / (high - low), clamped to [0, 1]."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        """low + value (high - low)."""
        return value * (self.high - self.low) + self.low

    def entropy(self):
        """log(high - low)."""
        return (self.high - self.low).log()


class Exponential(ExponentialFamily, ConstrainedDistribution):
    """Exponential(rate): density rate * exp(-rate x) on x >= 0."""

    has_rsample = True
    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    _param_names = ("rate",)

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    mean = property(lambda self: self.rate.reciprocal(), doc="1 / rate.")
    stddev = property(lambda self: self.rate.reciprocal(), doc="1 / rate.")
    variance = property(lambda self: self.rate.pow(-2), doc="1 / rate^2.")

    @property
    def mode(self):
        """0."""
        return (self.rate * 0).detach()

    def rsample(self, sample_shape=()):
        """Exp(1) draws (PyTorch's exponential_) divided by rate."""
        return _draws(self, sample_shape, self.rate).exponential_() / self.rate

    def log_prob(self, value):
        """log(rate) - rate * value."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        """1 - exp(-rate * value)."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        """-log(1 - value) / rate."""
        return -(-value).log1p() / self.rate

    def entropy(self):
        """1 - log(rate)."""
        return 1.0 - self.rate.log()

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -(-x).log()


class _LocationScale(ConstrainedDistribution):
    """The shared start of the location-scale families: real loc, positive scale, broadcast together, real
    support, reparameterised draws."""

    has_rsample = True
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    _param_names = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)


class Laplace(_LocationScale):
    """Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale)."""

    mean = property(lambda self: self.loc, doc="loc.")
    mode = property(lambda self: self.loc, doc="loc.")
    stddev = property(lambda self: 2 ** 0.5 * self.scale, doc="sqrt(2) scale.")
    variance = property(lambda self: 2 * self.scale.pow(2), doc="2 scale^2.")

    def rsample(self, sample_shape=()):
        """loc - scale sign(u) log(1 - |u|), u uniform on (-1, 1)."""
        eps = float(np.finfo(self.loc.dtype).eps)
        u = _draws(self, sample_shape, self.loc).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        """-log(2 scale) - |value - loc| / scale."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        """0.5 - 0.5 sign(value - loc) expm1(-|value - loc| / scale)."""
        if self._validate_args:
            self._validate_sample(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * (-z.abs() / self.scale).expm1()

    def icdf(self, value):
        """loc - scale sign(value - 0.5) log(1 - 2 |value - 0.5|)."""
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        """1 + log(2 scale)."""
        return 1 + (2 * self.scale).log()


class Cauchy(_LocationScale):
    """Cauchy(loc, scale): density 1 / (pi scale (1 + ((x - loc) / scale)^2)); no mean or variance."""

    mean = property(lambda self: _filled(self, self.loc, math.nan), doc="NaN (undefined).")
    variance = property(lambda self: _filled(self, self.loc, math.inf), doc="inf.")
    mode = property(lambda self: self.loc, doc="loc.")

    def rsample(self, sample_shape=()):
        """loc + scale tan(pi (u - 1/2)) (PyTorch's cauchy_ draws)."""
        return self.loc + _draws(self, sample_shape, self.loc).cauchy_() * self.scale

    def log_prob(self, value):
        """-log(pi) - log(scale) - log1p(((value - loc) / scale)^2)."""
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - ((value - self.loc) / self.scale).pow(2).log1p()

    def cdf(self, value):
        """atan((value - loc) / scale) / pi + 1/2."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        """loc + scale tan(pi (value - 1/2))."""
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        """log(4 pi) + log(scale)."""
        return math.log(4 * math.pi) + self.scale.log()
