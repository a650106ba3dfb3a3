"""The base of torch.distributions' classes: shapes, sample/rsample, argument checks, and Independent."""

import numpy as np

from ..dtypes import get_default_dtype
from ..errors import ShapeError
from ..grad_mode import no_grad
from ..ops.arrange import broadcast_tensors
from ..size import Size
from ..tensor import Tensor
from . import constraints

_validate_default = [True]


def sample_size(distribution, sample_shape):
    """sample_shape as a tuple; a bare number is refused with PyTorch's TypeError (a shape is a sequence)."""
    if not hasattr(sample_shape, "__iter__"):
        raise TypeError(f"{type(distribution).__name__}.sample: sample_shape must be a tuple or list of sizes (a "
                        f"torch.Size), got {type(sample_shape).__name__} {sample_shape!r}; pass "
                        f"({sample_shape!r},) for that many draws")
    sizes = tuple(sample_shape)
    if any(isinstance(n, int) and n < 0 for n in sizes):   # PyTorch's expand refuses them (RuntimeError)
        raise ShapeError(f"{type(distribution).__name__}.sample: sample_shape must hold non-negative sizes, got "
                         f"{sizes}; pass a shape such as (10,) for ten draws")
    return sizes


class NotDefinedError(NotImplementedError, TypeError):
    """An operation a distribution (or a pair of them) does not define: PyTorch raises NotImplementedError
    there, deepgrad raised TypeError, so it is both and either except clause catches it."""


class ParameterTypeError(AttributeError, ValueError):
    """A distribution parameter that must be a Tensor was not one: PyTorch fails with AttributeError there (its
    `.dim()` call on a list or number), deepgrad raised ValueError, so it is both."""


def require_tensors(distribution, **params):
    """Refuse, by name, parameters that a distribution takes only as Tensors (given ones that are not)."""
    for name, value in params.items():
        if value is not None and not isinstance(value, Tensor):
            raise ParameterTypeError(f"{distribution}: {name} must be a Tensor, got {type(value).__name__} "
                                     f"{_preview(value)}; wrap it with ag.tensor(...)")


def broadcast_all(*values):
    """The parameters as Tensors of one broadcast shape; numbers take the Tensors' float dtype (the default dtype,
    float32 unless set_default_dtype changed it, when every parameter is a number), as
    torch.distributions.utils.broadcast_all."""
    for v in values:   # as PyTorch: Python numbers only (a NumPy float32 or int64 scalar is refused)
        if not isinstance(v, (Tensor, int, float, bool)):
            raise ValueError(f"torch.distributions: parameters must be Python numbers or Tensors, got "
                             f"{type(v).__name__} {_preview(v)}; wrap a list or array with ag.tensor(...), e.g. "
                             "Normal(ag.tensor([0.0, 1.0]), 1.0), and pass a NumPy scalar as float(x)")
    tensors = [v for v in values if isinstance(v, Tensor)]
    if not tensors:
        dtype = get_default_dtype()
        return broadcast_tensors(*[Tensor(np.asarray(v, dtype=dtype)) for v in values])
    ref = tensors[0]
    dtype = ref.dtype if ref.dtype.kind == "f" else np.dtype(np.float32)
    return broadcast_tensors(*[v if isinstance(v, Tensor) else Tensor(np.asarray(v, dtype=dtype), device=ref.device)
                               for v in values])


def _preview(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def sum_rightmost(value, dims):
    """value summed over its last `dims` dimensions."""
    return value if dims == 0 else value.reshape(value.shape[:value.ndim - dims] + (-1,)).sum(-1)


class Distribution:
    """A batch of probability distributions with `batch_shape` and `event_shape` (Sizes, as PyTorch's)."""

    has_rsample = False
    has_enumerate_support = False

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        self._validate_args = _validate_default[0] if validate_args is None else bool(validate_args)
        if self._validate_args:
            self._check_parameters()

    @staticmethod
    def set_default_validate_args(value):
        """Turn argument and sample checks on (the default, as PyTorch's) or off for new distributions."""
        if value not in (True, False):
            raise ValueError(f"Distribution.set_default_validate_args: value must be True or False, got {value!r}")
        _validate_default[0] = bool(value)

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of one sample."""
        return self._event_shape

    @property
    def stddev(self):
        """The standard deviation, sqrt(variance)."""
        return self.variance.sqrt()

    @property
    def mean(self):
        """The mean; each distribution that has one defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def variance(self):
        """The variance; each distribution that has one defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def mode(self):
        """The most likely value; each distribution that has one defines it."""
        raise NotImplementedError(f"{type(self)} does not implement mode")

    def _extended_shape(self, sample_shape=()):
        return sample_size(self, sample_shape) + self._batch_shape + self._event_shape

    def sample(self, sample_shape=()):
        """Draws of shape sample_shape + batch_shape + event_shape, without a gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """Reparameterised draws that carry gradients to the parameters (only where has_rsample)."""
        raise NotDefinedError(f"{type(self).__name__} has no reparameterised sample (rsample) (its draws are "
                              "discrete, or not differentiable in its parameters, as in PyTorch); use sample(), "
                              "which carries no gradient, and a score-function (log_prob) estimator")

    def enumerate_support(self, expand=True):
        """Every value of a discrete support (only where has_enumerate_support)."""
        raise NotDefinedError(f"{type(self).__name__}.enumerate_support: its support cannot be listed (it is "
                              "continuous or unbounded), as in PyTorch; only distributions with "
                              "has_enumerate_support = True (Bernoulli, Categorical, Binomial, OneHotCategorical) "
                              "enumerate theirs")

    def perplexity(self):
        """exp(entropy())."""
        return self.entropy().exp()

    def log_prob(self, value):
        """The log density (or mass) at value; each distribution that has one defines it."""
        raise NotDefinedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value):
        """P(X <= value); the distributions with a closed form define it (NotImplementedError, as PyTorch's)."""
        raise NotDefinedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value):
        """The inverse of cdf; the distributions with a closed form define it."""
        raise NotDefinedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self):
        """The entropy; the distributions with a closed form define it."""
        raise NotDefinedError(f"{type(self).__name__} does not implement entropy")

    def _check_parameters(self):
        for name, check, constraint in self._parameter_checks():
            bad = not bool(check.all())
            if bad:
                value = getattr(self, name)
                raise ValueError(f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of distribution "
                                 f"{self!r} to satisfy the constraint {constraint}, but found invalid values:\n"
                                 f"{value}\n(pass validate_args=False to skip this check)")

    def _parameter_checks(self):
        return []

    def _check_sample(self, value, in_support, support):
        if not self._validate_args:
            return
        if not isinstance(value, Tensor):
            raise ValueError(f"{type(self).__name__}.log_prob: the value must be a Tensor, got {type(value).__name__}")
        event = len(self._event_shape)
        if event and tuple(value.shape[value.ndim - event:]) != self._event_shape:
            raise ValueError(f"{type(self).__name__}.log_prob: the value's last dims {tuple(value.shape)} must be "
                             f"the event shape {tuple(self._event_shape)}")
        try:
            np.broadcast_shapes(tuple(value.shape), self._batch_shape + self._event_shape)
        except ValueError:
            raise ValueError(f"{type(self).__name__}.log_prob: value shape {tuple(value.shape)} does not broadcast "
                             f"with batch_shape + event_shape {tuple(self._batch_shape + self._event_shape)}") from None
        if not bool(in_support(value).all()):
            raise ValueError(f"Expected value argument (Tensor of shape {tuple(value.shape)}) to be within the "
                             f"support ({support}) of the distribution {self!r}, but found invalid values:\n{value}")

    def __repr__(self):
        # Bernoulli/Categorical hold the parameter they were given, and the other once something has read it
        names = [n for n in self._param_names if n in self.__dict__]
        # as PyTorch: a one-element parameter formatted as itself (a 0-d one as its number), others as their size
        parts = [f"{n}: {self.__dict__[n] if self.__dict__[n].numel() == 1 else self.__dict__[n].size()}"
                 for n in names]
        return f"{type(self).__name__}({', '.join(parts)})"

    _param_names = ()


class Independent(Distribution):
    """`base_distribution` with its rightmost `reinterpreted_batch_ndims` batch dims read as event dims, so
    log_prob and entropy sum over them (e.g. a diagonal Normal over a vector)."""

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        n = int(reinterpreted_batch_ndims)
        shape = base_distribution.batch_shape
        if n > len(shape):
            raise ValueError(f"Independent: reinterpreted_batch_ndims ({n}) must be at most the base "
                             f"distribution's batch dims {shape}")
        self.base_dist, self.reinterpreted_batch_ndims = base_distribution, n
        self.has_rsample = base_distribution.has_rsample
        split = len(shape) - n
        super().__init__(shape[:split], shape[split:] + base_distribution.event_shape, validate_args=False)

    arg_constraints = {}

    @property
    def has_enumerate_support(self):
        """The base distribution's, when no dims are reinterpreted; False otherwise."""
        return self.reinterpreted_batch_ndims == 0 and self.base_dist.has_enumerate_support

    @property
    def support(self):
        """The base distribution's support, its reinterpreted dims read as event dims."""
        base = self.base_dist.support
        return base if self.reinterpreted_batch_ndims == 0 else constraints.independent(
            base, self.reinterpreted_batch_ndims)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its base expanded, the event dims kept)."""
        n = self.reinterpreted_batch_ndims
        base_batch = self.base_dist.batch_shape
        event = tuple(base_batch[len(base_batch) - n:])
        return Independent(self.base_dist.expand(tuple(batch_shape) + event), n, validate_args=False)

    def enumerate_support(self, expand=True):
        """Refused when dims are reinterpreted (the joint support would grow as a product), as PyTorch."""
        if self.reinterpreted_batch_ndims > 0:
            raise NotImplementedError("Independent: enumeration over reinterpreted batch dims is not possible (the "
                                      "support grows as a product), as in PyTorch")
        return self.base_dist.enumerate_support(expand)

    @property
    def mean(self):
        """The base distribution's mean."""
        return self.base_dist.mean

    @property
    def variance(self):
        """The base distribution's variance."""
        return self.base_dist.variance

    @property
    def mode(self):
        """The base distribution's mode."""
        return self.base_dist.mode

    def sample(self, sample_shape=()):
        """The base distribution's draws."""
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        """The base distribution's reparameterised draws."""
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        """The base log-densities summed over the reinterpreted dims."""
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        """The base entropies summed over the reinterpreted dims."""
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
