"""keras.regularizers: penalties on weights that fit adds to the loss (Keras's formulas: l2 is sum(w^2)
times the factor, without Keras 2's 1/2)."""
import math

import numpy as np

from .naming import snake_case
from .regularizer_base import Regularizer, as_weight


def _factor(owner, name, value):
    """A penalty factor as Keras takes it: None as 0, else a finite non-negative number; a ValueError otherwise."""
    value = 0.0 if value is None else value
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{owner}: invalid value for argument {name}: expected a non-negative float, got "
                         f"{name}={value!r}; pass e.g. {name}=0.01")
    return float(value)


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor(type(self).__name__, "l1", l1), _factor(type(self).__name__, "l2", l2)

    def __call__(self, weight):
        weight = as_weight(weight)
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * weight.abs().sum()
        if self.l2:
            penalty = penalty + self.l2 * (weight * weight).sum()
        return penalty if not isinstance(penalty, float) else weight.sum() * 0.0


class L1(L1L2):
    """l1 * sum(|w|)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def __call__(self, weight):
        # Keras's L1 is the product alone (a MulBackward0 node), where L1L2 adds its terms to a zero
        return self.l1 * as_weight(weight).abs().sum()

    def get_config(self):
        """{'l1': ...}, the factor as Keras keeps it: a float32 tensor (0.1 reads back as 0.10000000149011612)."""
        return {"l1": float(np.float32(self.l1))}


class L2(L1L2):
    """l2 * sum(w^2)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def __call__(self, weight):
        # Keras's L2 is the product alone (a MulBackward0 node), where L1L2 adds its terms to a zero
        weight = as_weight(weight)
        return self.l2 * (weight * weight).sum()


def get(identifier):
    """Keras's `regularizers.get`: None; a config dict (deserialized); a class's name or its snake_case name
    ('l1', 'L2', 'l1l2', 'orthogonal_regularizer'), made with its defaults; a Regularizer or a function of the
    weight as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialized_identifier(deserialize, identifier, "regularizer")
    elif isinstance(identifier, str):
        found = _BY_NAME.get(identifier)
        if found is None:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier}; known names: "
                             f"{', '.join(sorted(_BY_NAME))} (for both penalties pass keras.regularizers.l1_l2(l1=..., "
                             "l2=...), an instance: 'l1_l2' is not a name Keras knows)")
    else:
        found = identifier
    if not callable(found):
        raise ValueError(f"Could not interpret regularizer identifier: {identifier}; pass a name, a config dict, a "
                         "Regularizer or a function of the weight")
    return found() if isinstance(found, type) else found


from .serialize_api import deserialized_identifier, serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("regularizers", by_name=lambda name: get(name))

from .regularizers_orthogonal import OrthogonalRegularizer, orthogonal_regularizer  # noqa: E402,F401

# as in Keras, the lower-case names are the classes themselves
l1, l2, l1_l2 = L1, L2, L1L2
_BY_NAME = {name: cls for cls in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
            for name in (cls.__name__, snake_case(cls.__name__))}

# saved configs name a class by its public module
Regularizer.__module__ = OrthogonalRegularizer.__module__ = __name__
