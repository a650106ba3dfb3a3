"""keras.backend: the few backend helpers Keras programs call."""
from .losses import EPSILON
from .naming import clear_session


def backend():
    """The name of the backend: 'deepgrad'."""
    return "deepgrad"


def epsilon():
    """The fuzz factor Keras clips probabilities with (1e-7)."""
    return EPSILON


def floatx():
    """The default float type, 'float32'."""
    return "float32"


__all__ = ["backend", "clear_session", "epsilon", "floatx"]
