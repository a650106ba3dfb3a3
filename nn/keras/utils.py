"""keras.utils: to_categorical, normalize, set_random_seed, pad_sequences, PyDataset, unpack_x_y_sample_weight,
model_to_dot and plot_model (pydot), Keras's aliases of keras.saving's registration helpers and of a few keras.config /
keras.backend names, the dataset builders (timeseries_dataset_from_array, image_ and text_dataset_from_directory,
split_dataset) and the image file helpers (load_img, img_to_array, array_to_img, save_img)."""
import random

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import DimRangeError

from .data import PyDataset, Sequence
from .progress import Progbar
from .saving.registration import CustomObjectScope, custom_object_scope, get_custom_objects, register_keras_serializable
from .data import pack as pack_x_y_sample_weight
from .data import unpack as unpack_x_y_sample_weight
from .backend import clear_session, is_keras_tensor
from .config import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled
from .dtypes import standardize_dtype
from .saving.registration import get_registered_name, get_registered_object
from .saving.serialization import deserialize_keras_object, serialize_keras_object
from .feature_space import FeatureSpace
from .utils_get_file import get_file
from .legacy import saving as legacy  # keras.utils.legacy: Keras 2's (de)serialization
from .utils_directory import image_dataset_from_directory, text_dataset_from_directory
from .utils_audio import audio_dataset_from_directory
from .utils_images import array_to_img, img_to_array, load_img, save_img
from .utils_padding import pad_sequences
from .utils_split import get_source_inputs, split_dataset
from .utils_timeseries import timeseries_dataset_from_array
from .utils_config import Config
from .model_plot import model_to_dot, plot_model
from . import bounding_boxes   # keras.utils.bounding_boxes


def to_categorical(x, num_classes=None):
    """One-hot rows for integer class labels (N,) or (N, 1): shape (N, num_classes), float64 as Keras gives
    for NumPy labels (fit casts targets to the model's float32)."""
    labels = np.asarray(x, dtype=np.int64)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < -num_classes or labels.max() >= num_classes):
        raise DimRangeError(f"to_categorical: labels must be in [0, {num_classes}) (or counted from the end, down to "
                            f"-{num_classes}), got {labels.min()}..{labels.max()}; pass num_classes= to cover them")
    labels = np.where(labels < 0, labels + num_classes, labels)   # Keras indexes with them: -1 is the last class
    out = np.zeros(labels.shape + (num_classes,))
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def normalize(x, axis=-1, order=2):
    """x divided by its L-`order` norm along `axis`: for a NumPy array a NumPy array (zero vectors stay zero);
    for a tensor keras.ops.normalize's tensor, differentiable (as Keras: a custom loss normalizes features with it)."""
    if isinstance(x, Tensor):
        from .ops import normalize as normalize_tensor
        return normalize_tensor(x, axis=axis, order=order)
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, ord=order, axis=axis))
    norm[norm == 0] = 1
    # Keras's NumPy path reads axis=0 (and None) as -1 when it puts the reduced axis back: the norms taken along
    # axis 0 then divide along the last axis (a (1, n) result for a vector); the same numbers as Keras, kept on purpose
    back = axis or -1
    try:
        return x / np.expand_dims(norm, back)
    except ValueError:
        raise ValueError(f"normalize: the norms along axis={axis} of an array of shape {x.shape} have shape "
                         f"{norm.shape} and, as in Keras (whose NumPy path puts the reduced axis back at -1 for "
                         "axis=0), do not broadcast against it; pass a Tensor (keras.ops.normalize) or axis=-1 "
                         "on the transposed array") from None


def set_random_seed(seed):
    """Seed Python's, NumPy's and deepgrad's generators at once, and forget keras.random's global SeedGenerator,
    as Keras does: the layers' and initializers' default seeds then come from Python's `random` as Keras's do,
    and unseeded dropout and fit's shuffles from deepgrad's stream as torch.manual_seed(seed) leaves torch's."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed: expected an integer seed, got seed={seed!r} (of type "
                         f"{type(seed).__name__})")
    from .random import reset_global_seed_generator
    seed = int(seed)
    reset_global_seed_generator()
    random.seed(seed)
    np.random.seed(seed % 2**32)
    ag.manual_seed(seed)


__all__ = ["FeatureSpace", "get_file", "to_categorical", "normalize", "set_random_seed", "pad_sequences",
           "PyDataset", "Sequence", "Progbar", "Config",
           "register_keras_serializable", "custom_object_scope", "CustomObjectScope", "get_custom_objects",
           "pack_x_y_sample_weight", "unpack_x_y_sample_weight", "clear_session", "is_keras_tensor",
           "disable_interactive_logging", "enable_interactive_logging", "is_interactive_logging_enabled",
           "standardize_dtype", "get_registered_name", "get_registered_object", "deserialize_keras_object",
           "serialize_keras_object", "image_dataset_from_directory", "text_dataset_from_directory", "array_to_img",
           "audio_dataset_from_directory",
           "img_to_array", "load_img", "save_img", "get_source_inputs", "split_dataset",
           "timeseries_dataset_from_array", "model_to_dot", "plot_model", "legacy"]
