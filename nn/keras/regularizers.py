"""keras.regularizers: penalties on weights that fit adds to the loss (Keras's formulas: l2 is sum(w^2)
times the factor, without Keras 2's 1/2)."""
import numpy as np

from .regularizer_base import Regularizer, as_weight


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

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

    def get_config(self):
        """{'l1': ...}, the factor as Keras keeps it: a float32 tensor (0.1 reads back as 0.10000000149011612)."""
        return {"l1": float(np.float32(self.l1))}


class L2(L1L2):
    """l2 * sum(w^2)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


def l1(l1=0.01):
    """L1(l1)."""
    return L1(l1)


def l2(l2=0.01):
    """L2(l2)."""
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    """L1L2(l1, l2) (both 0.01 by default, as in Keras)."""
    return L1L2(l1, l2)


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2'), a Regularizer or a function of the weight."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        table = {"l1": L1, "l2": L2, "l1_l2": lambda: L1L2(0.01, 0.01),
                 "orthogonal_regularizer": OrthogonalRegularizer}
        if identifier.lower() not in table:
            raise ValueError(f"unknown regularizer {identifier!r}; known: {', '.join(table)}")
        return table[identifier.lower()]()
    raise TypeError(f"a regularizer must be a name, a Regularizer or a function, got {type(identifier).__name__}")


from .serialize_api import serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("regularizers", by_name=get)

from .regularizers_orthogonal import OrthogonalRegularizer, orthogonal_regularizer  # noqa: E402,F401

# saved configs name a class by its public module
Regularizer.__module__ = OrthogonalRegularizer.__module__ = __name__
