"""keras.constraints: projections applied to a weight after every optimizer step (a layer's
kernel_constraint / bias_constraint, or add_weight(constraint=...)), with Keras's formulas: norms are taken
along `axis` (0: per output unit of a Dense kernel) and divided with 1e-7 added."""
import inspect

from autograd import Tensor, arrays, no_grad, tensor
from autograd.errors import IdentifierError

from .settings import epsilon

EPSILON = 1e-7


class Constraint:
    """Base class: `constraint(weight)` -> the projected weight (a Tensor of the same shape)."""

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments."""
        accepted = inspect.signature(type(self).__init__).parameters
        return {k: v for k, v in vars(self).items() if k in accepted}

    @classmethod
    def from_config(cls, config):
        """A constraint from get_config's dict."""
        return cls(**config)


def _norms(w, axis):
    return (w * w).sum(dim=axis, keepdim=True).sqrt()


def _as_tensor(w):
    return w if isinstance(w, Tensor) else tensor(w)


class MaxNorm(Constraint):
    """Scale down the weights whose norm along `axis` exceeds max_value (default 2) to that norm."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = _as_tensor(w)
        norms = _norms(w, self.axis)
        return w * (norms.clamp(0.0, self.max_value) / (norms + epsilon()))


class MinMaxNorm(Constraint):
    """Move each norm along `axis` toward [min_value, max_value] (default [0, 1]): the new norm is
    rate * clip(norm) + (1 - rate) * norm."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = _as_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * norms.clamp(self.min_value, self.max_value) + (1.0 - self.rate) * norms
        return w * (desired / (norms + epsilon()))


class NonNeg(Constraint):
    """Negative weights set to zero."""

    def __call__(self, w):
        return _as_tensor(w).clamp(min=0.0)


class UnitNorm(Constraint):
    """Each weight vector along `axis` divided by its norm (plus 1e-7)."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _as_tensor(w)
        return w / (_norms(w, self.axis) + epsilon())


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
_NAMES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
          "maxnorm": MaxNorm, "minmaxnorm": MinMaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm}


def check_names(*identifiers):
    """Resolve each constraint argument once, so that a name Keras does not know fails at construction with
    Keras's ValueError (the layer keeps the argument as given)."""
    for identifier in identifiers:
        get(identifier)


def get(identifier):
    """A Constraint for None (None), a name ('max_norm', 'non_neg', 'MaxNorm', ...), a Constraint, a class, a
    config dict {'class_name': ..., 'config': ...} or a callable (used as is)."""
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, dict):
        cls = _class(identifier.get("class_name"))
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, str):
        return _class(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise IdentifierError(f"Could not interpret constraint identifier: {identifier!r}; a constraint must be a name, "
                          f"a keras.constraints.Constraint or a callable, got {type(identifier).__name__}")


def _class(name):
    key = str(name).lower()
    for cls in (MaxNorm, MinMaxNorm, NonNeg, UnitNorm, Constraint):
        if cls.__name__.lower() == key:
            return cls
    if key not in _NAMES:
        raise ValueError(f"unknown constraint {name!r}; known: MaxNorm, MinMaxNorm, NonNeg, UnitNorm "
                         f"({', '.join(_NAMES)})")
    return _NAMES[key]


def apply(weights):
    """Project every weight that carries a `constraint` (after an optimizer step), in place."""
    with no_grad():
        for weight in weights:
            constraint = getattr(weight, "constraint", None)
            if constraint is not None:
                arrays.assign_(weight, arrays.array(_as_tensor(constraint(weight))))


from .serialize_api import serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("constraints", by_name=get)
