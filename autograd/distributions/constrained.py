"""The base of the families beyond Normal/Bernoulli/Categorical: arguments checked against `arg_constraints`,
values against `support`, a generic `expand`, draws from deepgrad's generator, and probs/logits helpers."""
import numpy as np

from ..errors import ShapeError
from ..grad_mode import enable_grad
from ..ops.no_grad_op import no_grad_op
from ..random_generator import host_stream
from ..size import Size
from ..tensor import Tensor
from .constraints import is_dependent
from .distribution import Distribution, broadcast_all


class ConstrainedDistribution(Distribution):
    """A Distribution whose parameter checks come from `arg_constraints` and whose value checks come from
    `support`, as torch.distributions does it."""

    arg_constraints = {}
    support = None
    _property_params = ()     # parameters held by an inner distribution, read through properties

    def _parameter_checks(self):
        given = self.__dict__.get("_given")
        checks = []
        for name, constraint in self.arg_constraints.items():
            if is_dependent(constraint) or given not in (None, name) and name in ("probs", "logits"):
                continue
            value = getattr(self, name) if name in self._property_params else self.__dict__.get(name)
            if isinstance(value, Tensor):
                checks.append((name, constraint.check(value), repr(constraint)))
        return checks

    def __repr__(self):
        # probs / logits: the one given, and the other once something has read it (DerivedParameter)
        names = [n for n in self.arg_constraints if isinstance(self.__dict__.get(n), Tensor)]
        # as PyTorch: a one-element parameter formatted as itself (a 0-d one as its number), others as their size
        parts = [f"{n}: {self.__dict__[n] if self.__dict__[n].numel() == 1 else self.__dict__[n].size()}"
                 for n in names]
        return f"{type(self).__name__}({', '.join(parts)})"

    def _validate_sample(self, value):
        support = self.support
        self._check_sample(value, support.check, repr(support))

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters broadcast (as views) to the larger `batch_shape`."""
        return expand_batch(self, batch_shape)

    def enumerate_support(self, expand=True):
        """Every value of a discrete support; the families with a finite one define it."""
        raise NotImplementedError(f"{type(self).__name__} has no enumerable support")

    def entropy(self):
        """The entropy; the families with a closed form define it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def cdf(self, value):
        """P(X <= value); the families with a closed form define it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value):
        """The inverse of cdf; the families with a closed form define it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")


def expand_batch(dist, batch_shape):
    """A copy of dist whose batch_shape is `batch_shape`: every Tensor (and inner distribution) whose leading
    dims are the batch dims is expanded, its trailing (event) dims kept."""
    batch_shape = Size(batch_shape)
    old = dist.batch_shape
    try:
        if np.broadcast_shapes(tuple(old), tuple(batch_shape)) != tuple(batch_shape):
            raise ValueError
    except ValueError:
        raise ShapeError(f"{type(dist).__name__}.expand: batch_shape {tuple(old)} cannot be expanded to "
                         f"{tuple(batch_shape)}; pass a shape that {tuple(old)} broadcasts to") from None
    new = object.__new__(type(dist))
    new.__dict__.update(dist.__dict__)
    n = len(old)
    for key, value in dist.__dict__.items():
        if isinstance(value, Tensor) and value.ndim >= n and tuple(value.shape[:n]) == tuple(old):
            new.__dict__[key] = value.expand(tuple(batch_shape) + tuple(value.shape[n:]))
        elif isinstance(value, Distribution) and tuple(value.batch_shape[:n]) == tuple(old):
            new.__dict__[key] = expand_batch(value, batch_shape + value.batch_shape[n:])
    new._batch_shape = batch_shape
    return new


def host_draws(draw, *params):
    """draw(stream, *params as host arrays of their own dtypes), a NumPy array, as a Tensor of params[0]'s float
    dtype (float32 for any other) and device. On the host devices `stream` is the device's own TorchStream, so
    the samplers of backends/torch_samplers.py give torch.manual_seed(s)'s numbers after ag.manual_seed(s); on a
    GPU it is a TorchStream seeded from the device's generator. The draw runs inside one op, so an ag.jit replay
    draws afresh from the parameters' current values."""
    device = params[0].device
    dtype = params[0].dtype if params[0].dtype.kind == "f" else np.dtype(np.float32)

    def compute(xp, *arrays):
        stream = host_stream(device, None)
        host = [np.asarray(device.to_host(a)) for a in arrays]
        return device.asarray(np.asarray(draw(stream, *host)).astype(dtype))
    return no_grad_op("distribution_draw", compute, *params)


def float_host(array):
    """A host array as the float dtype PyTorch's samplers compute in: float32 and float64 as they are, any other
    (float16, bfloat16, integers) as float32."""
    return array if array.dtype in (np.float32, np.float64) else array.astype(np.float32)


def clamp_probs(probs):
    """probs kept within [eps, 1 - eps] of their dtype, as torch.distributions.utils.clamp_probs."""
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """log-odds (binary) or log-probabilities (categorical) from probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


def logits_to_probs(logits, is_binary=False):
    """sigmoid(logits) (binary) or softmax over the last dim."""
    return logits.sigmoid() if is_binary else logits.softmax(-1)


class DerivedParameter:
    """A class attribute for the parameter a distribution was not given (probs when it got logits, or the
    reverse): computed from the other on first read, with grad mode on, and kept in the instance's __dict__, as
    PyTorch's lazy_property. So repr and expand show it only once something has read it, as PyTorch's do."""

    def __init__(self, compute):
        self.compute = compute
        self.name = None

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, dist, owner=None):
        if dist is None:
            return self
        with enable_grad():
            value = self.compute(dist)
        dist.__dict__[self.name] = value
        return value


def given_parameter(dist):
    """The probs or logits tensor `dist` was built from (PyTorch's `_param`), without deriving the other."""
    return dist.__dict__[dist._given]


#: the derived probs / logits of the binary families (success probabilities and log-odds)
BINARY_PROBS = DerivedParameter(lambda dist: logits_to_probs(dist.logits, is_binary=True))
BINARY_LOGITS = DerivedParameter(lambda dist: probs_to_logits(dist.probs, is_binary=True))


def binary_parameters(dist, probs, logits):
    """Set dist.probs or dist.logits, whichever was given, and dist._given, as PyTorch's binary families do;
    the class's BINARY_PROBS / BINARY_LOGITS attributes derive the other when it is read."""
    one_of(type(dist).__name__, probs, logits)
    dist._given = "probs" if probs is not None else "logits"
    if probs is not None:
        dist.probs, = broadcast_all(probs)
    else:
        dist.logits, = broadcast_all(logits)


def one_of(name, first, second, names=("probs", "logits")):
    """Refuse unless exactly one of the two alternative parameters was given."""
    if (first is None) == (second is None):
        raise ValueError(f"{name}: pass either {names[0]} or {names[1]}, not both and not neither")
