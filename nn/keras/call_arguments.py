"""What Keras 3's `Layer.__call__` does to a call's arguments besides the first: every leaf that is an array (a
NumPy array or scalar, a Tensor) of the other positional arguments and of the keyword arguments (masks included,
nested in lists, tuples and dicts) reaches `call` as a Tensor, its floats cast to the layer's compute dtype and its
integers and booleans kept; Python numbers, strings and None pass through. Other positional values are refused,
as Keras refuses them."""
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
    """(args, kwargs) with args[1:] and every keyword value converted leaf by leaf (`argument_tensor`), after
    refusing, as Keras does, a positional leaf after the first that is no array, tensor or None."""
    rest = map_structure(lambda v: argument_tensor(v, cast_to), args[1:]) if len(args) > 1 else ()
    for value in flatten(rest):
        if value is not None and not isinstance(value, (Tensor, KerasTensor, np.ndarray)):
            raise ValueError(f"Only input tensors may be passed as positional arguments. Layer '{layer.name}' got "
                             f"{value!r} (of type {type(value)}) after its first argument; pass it as a keyword "
                             "argument instead")
    kwargs = {name: map_structure(lambda v: argument_tensor(v, cast_to), value) for name, value in kwargs.items()}
    return args[:1] + tuple(rest), kwargs
