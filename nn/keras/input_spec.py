"""keras.InputSpec: what a layer accepts (rank, sizes of some axes, a whole shape), checked on every call as
Keras checks it; a layer sets `self.input_spec` (one spec, or a list with one per input)."""
import re
import sys

import numpy as np

from .dtypes import standardize_dtype
from .symbolic import flatten


class InputSpec:
    """The rank (`ndim`, or bounds `min_ndim` / `max_ndim`), the sizes of given axes (`axes`: {axis: size}) or the
    whole `shape` (None for any size) a layer's input must have."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = None if dtype is None else standardize_dtype(dtype)
        self.name, self.optional = name, optional
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError, AttributeError):
            raise TypeError(f"Argument `axes` must be a dict with integer keys. Received: axes={axes}") from None
        top = self.ndim or self.max_ndim   # as Keras: an axis past the rank is refused (with min_ndim alone, not)
        if self.axes and top and max(self.axes) > top - 1:
            raise ValueError(f"Axis {max(self.axes)} is greater than the maximum allowed value: {top - 1} "
                             f"(InputSpec(ndim={self.ndim}, max_ndim={self.max_ndim}, axes={self.axes}))")

    def __repr__(self):
        # as Keras: only the fields that are set and not empty or zero
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                          ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                          ("axes", self.axes)) if v]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        """The constructor arguments."""
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        """An equal spec from get_config's dict."""
        return cls(**config)


def check_positional(layer, inputs):
    """Raise Keras's ValueError for a first call argument the layer cannot take: a string or nested Python numbers
    where it takes tensors or arrays (`layer._array_input`: Dense, Conv, Embedding; Keras's preprocessing layers
    take Python data), or several tensors where it takes one (`layer._one_input`: Dense, Conv)."""
    if not layer._array_input:
        return
    if isinstance(inputs, str):
        raise ValueError(f"Only input tensors may be passed as positional arguments; layer '{layer.name}' got the "
                         f"string {inputs!r}; pass a tensor or array (text goes through keras.layers.StringLookup or "
                         "TextVectorization first)")
    if isinstance(inputs, (list, tuple)):
        leaves = flatten(inputs)
        if leaves and all(isinstance(v, (bool, int, float)) and not isinstance(v, np.generic) for v in leaves):
            data = repr(inputs) if len(repr(inputs)) <= 40 else "data"
            raise ValueError(f"Only input tensors may be passed as positional arguments; layer '{layer.name}' got a "
                             f"Python {type(inputs).__name__} of numbers; make it an array first: np.array({data})")
        if layer._one_input and len(leaves) > 1:
            raise ValueError(f"Layer '{layer.name}' expects 1 input(s), but it received {len(leaves)} input tensors; "
                             "join them first (keras.layers.Concatenate()(inputs)) or call the layer on each")


def check_input_spec(layer, inputs):
    """Raise Keras's ValueError when `inputs` (the first call argument) do not fit `layer.input_spec`."""
    specs = flatten(layer.input_spec)
    values = flatten(inputs)
    if len(specs) != len(values):
        raise ValueError(f"Layer '{layer.name}' expects {len(specs)} input(s), but it received {len(values)} input "
                         "tensors.")
    for index, (spec, value) in enumerate(zip(specs, values)):
        shape = getattr(value, "shape", None)
        if spec is None or shape is None:
            continue
        shape = tuple(shape)
        where = f"Input {index} with name '{spec.name}' of layer '{layer.name}' is incompatible with the layer: "
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and len(shape) != spec.ndim:
            raise ValueError(f"{where}expected ndim={spec.ndim}, found ndim={len(shape)}. Full shape received: "
                             f"{shape}{_rank_fix(layer, spec.ndim, len(shape))}")
        if spec.max_ndim is not None and len(shape) > spec.max_ndim:
            raise ValueError(f"{where}expected max_ndim={spec.max_ndim}, found ndim={len(shape)}"
                             f"{_rank_fix(layer, spec.max_ndim, len(shape), 'at most ')}")
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(f"{where}expected min_ndim={spec.min_ndim}, found ndim={len(shape)}. Full shape "
                             f"received: {shape}{_rank_fix(layer, spec.min_ndim, len(shape), 'at least ')}")
        if spec.dtype is not None and standardize_dtype(value.dtype) != spec.dtype:
            raise ValueError(f"{where}expected dtype={spec.dtype}, found dtype={standardize_dtype(value.dtype)}")
        for axis, size in spec.axes.items():
            found = shape[axis] if -len(shape) <= axis < len(shape) else None
            if size is not None and found is not None and found != size:
                raise ValueError(f"{where}expected axis {axis} of input shape to have value {size}, but received "
                                 f"input with shape {shape}")
        if spec.shape is not None and len(shape) == len(spec.shape):
            for want, got in zip(spec.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{where}expected shape={spec.shape}, found shape={shape}")


def _rank_fix(layer, rank, found, bound=""):
    """What to do about an input of rank `found` where the layer takes `rank` (after Keras's own words): the
    layer's form for that many spatial axes (GlobalAveragePooling2D -> GlobalAveragePooling1D) where Keras has one,
    else a reshape. A user's layer gets Keras's words alone (its own spec says what it takes)."""
    if not type(layer).__module__.startswith(__package__):
        return ""
    keras_layers = sys.modules.get(f"{__package__}.layers")   # loaded with any layer (importing it here: a cycle)
    kind = type(layer).__name__
    layout = getattr(layer, "input_layout", None)
    takes = f"; {kind} takes {bound}{rank}-D inputs" + (f" {layout}" if layout else "")
    match = re.fullmatch(r"(.*)([123])D(.*)", kind)
    if match:
        other = f"{match.group(1)}{found - rank + int(match.group(2))}D{match.group(3)}"
        if other != kind and isinstance(getattr(keras_layers, other, None), type):
            return f"{takes}: for {found}-D inputs use keras.layers.{other}"
    return f"{takes}: reshape them first (keras.layers.Reshape) or pick a layer for {found}-D inputs"


def channels_spec(layer, input_shape, channels):
    """The input spec Keras's convolutions set when built for `channels`: at least the built rank, and the channel
    axis (last, or 1 with channels_first) fixed."""
    axis = 1 if getattr(layer, "data_format", "channels_last") == "channels_first" else -1
    return InputSpec(min_ndim=len(input_shape), axes={axis: channels})
