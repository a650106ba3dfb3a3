"""keras.backend: the backend helpers Keras programs call; the settings live in keras.config."""
from .config import backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from .naming import clear_session, get_uid


def is_keras_tensor(x):
    """Whether `x` is a symbolic KerasTensor (from keras.Input or a layer called on one)."""
    from .symbolic import KerasTensor
    return isinstance(x, KerasTensor)


__all__ = ["backend", "clear_session", "epsilon", "floatx", "image_data_format", "is_keras_tensor", "set_epsilon",
           "set_floatx", "set_image_data_format", "standardize_dtype", "is_float_dtype", "is_int_dtype",
           "result_type", "get_uid"]
