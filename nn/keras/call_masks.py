"""Keras's rule for the mask arguments a layer's `call` receives from its inputs' masks (Keras 3's
`Layer.__call__`, "populate mask arguments"): a call with one tensor argument gets that argument's mask as
`mask`; a call with several gets `<name>_mask` for each tensor argument `<name>` it declares, and no `mask`.
So `TransformerDecoder(x, encoder_outputs)` with `call(self, inputs, encoder_outputs, mask=None)` gets no mask in
Keras, and a multi-input layer declaring `query_mask`/`value_mask` gets both."""
import functools
import inspect

import numpy as np

from autograd import Tensor

from . import masking
from .symbolic import KerasTensor, flatten


@functools.lru_cache(maxsize=None)
def _signature(call):
    try:
        return inspect.signature(call)
    except (TypeError, ValueError):
        return None


def _is_tensor(value, allow_none=False):
    return isinstance(value, (Tensor, KerasTensor, np.ndarray)) or (allow_none and value is None)


def _is_tensor_argument(value):
    """Whether Keras counts a call argument as a tensor argument: a tensor, or a non-empty list, tuple or dict
    whose leaves are all tensors or None."""
    if _is_tensor(value):
        return True
    if isinstance(value, (list, tuple, dict)) and len(value) > 0:
        return all(_is_tensor(leaf, allow_none=True) for leaf in flatten(value))
    return False


def filled_call_masks(call, args, kwargs):
    """The mask keyword arguments Keras fills in for `call(self, *args, **kwargs)`: a dict of the declared mask
    parameters left out (or None) to the masks of their tensors (None when those carry none)."""
    signature = _signature(call)
    if signature is None or not any(name == "mask" or name.endswith("_mask") for name in signature.parameters):
        return {}
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return {}
    bound.apply_defaults()
    tensors = {name: value for name, value in list(bound.arguments.items())[1:] if _is_tensor_argument(value)}
    if len(tensors) == 1:
        wanted = {"mask": next(iter(tensors.values()))}
    else:
        wanted = {f"{name}_mask": value for name, value in tensors.items()}
    return {key: masking.masks_of(value) for key, value in wanted.items()
            if key in signature.parameters and bound.arguments.get(key) is None}
