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


def image_data_format():
    """The default layout of image layers: 'channels_last', Keras's default (the layers take data_format=)."""
    return "channels_last"


def is_keras_tensor(x):
    """Whether `x` is a symbolic KerasTensor (from keras.Input or a layer called on one)."""
    from .symbolic import KerasTensor
    return isinstance(x, KerasTensor)


__all__ = ["backend", "clear_session", "epsilon", "floatx", "image_data_format", "is_keras_tensor"]
