"""What Keras 3's `Layer.__call__` does to a call's arguments besides the first: every leaf that is an array (a
NumPy array or scalar, a Tensor) of the other positional arguments and of the keyword arguments (masks included,
nested in lists, tuples and dicts) reaches `call` as a Tensor, its floats cast to the layer's compute dtype and its
integers and booleans kept; Python numbers, strings and None pass through. Before that, the values Keras refuses are refused: Python values
among the positional arguments, and nested arguments that mix tensors with other values."""
import functools
import inspect

import numpy as np

import autograd as ag
from autograd import Tensor

from . import masking
from .symbolic import KerasTensor, flatten, map_structure


def argument_tensor(value, cast_to):
    """`value` as `call` sees it: an array leaf as a Tensor of its own dtype, a float one cast to `cast_to` (a
    NumPy dtype, or None for no cast: autocast=False); anything else unchanged."""
    if isinstance(value, Tensor):
        tensor = value
    elif isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind not in "USOV":
        tensor = ag.tensor(np.asarray(value))
    else:
        return value
    if cast_to is not None and tensor.is_floating_point() and tensor.dtype != cast_to:
        cast = tensor.to(cast_to)
        mask = masking.get_mask(tensor)
        if mask is not None:
            masking.set_mask(cast, mask)
        return cast
    return tensor


def convert_other_arguments(layer, args, kwargs, cast_to):
    """(args, kwargs) with args[1:] and every keyword value converted leaf by leaf (`argument_tensor`); the
    values Keras refuses were refused before (`check_call_arguments`)."""
    rest = map_structure(lambda v: argument_tensor(v, cast_to), args[1:]) if len(args) > 1 else ()
    kwargs = {name: map_structure(lambda v: argument_tensor(v, cast_to), value) for name, value in kwargs.items()}
    return args[:1] + tuple(rest), kwargs


# Keras's layers that take Python data positionally (their `_allow_non_tensor_positional_args` is True): the
# preprocessing layers and pipelines; a functional model checks its inputs its own way
_TAKE_PYTHON_DATA = frozenset({
    "AugMix", "AutoContrast", "CategoryEncoding", "CenterCrop", "ContrastLimitedAdaptiveHistogramEqualization",
    "CutMix", "Discretization", "Equalization", "HashedCrossing", "Hashing", "IntegerLookup", "MaxNumBoundingBoxes",
    "MelSpectrogram", "MixUp", "Normalization", "Pipeline", "RandAugment", "RandomBrightness",
    "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomCrop", "RandomElasticTransform",
    "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
    "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear",
    "RandomTranslation", "RandomZoom", "Rescaling", "Resizing", "Solarization", "StringLookup", "TextVectorization",
    "IndexLookup", "Functional"})


def _takes_python_data(layer):
    """Whether `layer` accepts Python values among its positional arguments: a built-in layer Keras lets take them
    (or one derived from it), or a layer whose `_allow_non_tensor_positional_args` was set, as in Keras."""
    if getattr(layer, "_allow_non_tensor_positional_args", False):
        return True
    return any(cls.__name__ in _TAKE_PYTHON_DATA and cls.__module__.startswith("nn.keras")
               for cls in type(layer).__mro__)


def _is_tensor(value):
    """Whether `value` reaches `call` as a tensor: a Tensor, a KerasTensor, or an array Keras converts."""
    return isinstance(value, (Tensor, KerasTensor, np.ndarray, np.generic))


@functools.lru_cache(maxsize=None)
def _call_signature(call):
    """`call`'s signature (None where Python cannot read one), read once per function."""
    try:
        return inspect.signature(call)
    except (TypeError, ValueError):
        return None


def check_call_arguments(layer, args, kwargs):
    """Raise Keras's ValueError for call arguments Keras's `Layer.__call__` refuses: a positional leaf that is no
    tensor, array or None (a Python number or string), unless the layer takes Python data; and, for every
    argument of `call`, a nested list, tuple or dict that mixes tensors with other values (None aside)."""
    if len(args) == 1 and not kwargs and isinstance(args[0], (Tensor, KerasTensor)):
        return   # the common call: nothing to check
    takes_data = _takes_python_data(layer)
    if not takes_data:
        for value in flatten(args):
            if value is not None and not _is_tensor(value):
                raise ValueError(
                    "Only input tensors may be passed as positional arguments. The following argument value should "
                    f"be passed as a keyword argument: {value} (of type {type(value)}). Layer '{layer.name}' (of "
                    f"type {type(layer).__name__}) got it among its positional arguments; make it an array "
                    f"(np.asarray({value!r})) or pass it by keyword")
    if type(layer).__name__ == "Functional" and takes_data:
        return
    signature = _call_signature(type(layer).call)
    try:
        bound = signature.bind(layer, *args, **kwargs).arguments
    except (TypeError, AttributeError):   # AttributeError: no signature (None)
        return   # the call itself fails on these arguments, with call's own error
    for name, value in bound.items():
        if isinstance(value, (list, tuple, dict)) and len(value):
            leaves = flatten(value)
            if any(_is_tensor(v) for v in leaves) and not all(v is None or _is_tensor(v) for v in leaves):
                odd = next(v for v in leaves if v is not None and not _is_tensor(v))
                raise ValueError(
                    "In a nested call() argument, you cannot mix tensors and non-tensors. Received invalid mixed "
                    f"argument: {name}={value!r}. Layer '{layer.name}' (of type {type(layer).__name__}) got "
                    f"{odd!r} (of type {type(odd)}) beside tensors; make every entry an array or tensor, or pass "
                    "the Python value as a separate keyword argument")
