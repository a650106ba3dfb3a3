"""keras.quantizers: abs-max quantization, as Keras's post-training int8 (and int4) quantization uses it, and
int4 packing.

abs_max_quantize maps each slice of `inputs` along `axis` (the axes reduced) to integers in value_range by
scale = value_range[1] / (max |x| over those axes + epsilon), q = clip(round(x * scale)), so x ~ q / scale; the
arithmetic runs in the inputs' own dtype, as Keras's does, and rounds half to even.
"""
import numpy as np

import autograd as ag
from autograd import arrays

EPSILON = 1e-7   # keras.config.epsilon()'s default, which Keras binds as the quantizers' default


def abs_max_arrays(xp, x, axis, value_range=(-127, 127), epsilon=EPSILON):
    """(the rounded, clipped values as floats of x's dtype, the scale with the reduced axes kept as 1) for a
    backend array `x` and the axes `axis` (an int or a tuple)."""
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    kind = x.dtype.type
    amax = xp.max(xp.abs(x), axis=axis, keepdims=True)
    scale = (kind(value_range[1]) / (amax + kind(epsilon))).astype(x.dtype)
    return xp.clip(xp.round(x * scale), value_range[0], value_range[1]), scale


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=EPSILON, to_numpy=False):
    """(quantized inputs in `dtype`, scale in the inputs' dtype) as Tensors; `to_numpy` is accepted for Keras's
    signature (the computation is the same)."""
    x = inputs if isinstance(inputs, ag.Tensor) else ag.tensor(np.asarray(inputs, dtype=np.float32))
    values, scale = abs_max_arrays(x.device.xp, arrays.array(x.detach()), axis, value_range, epsilon)
    return ag.tensor(values.astype(np.dtype(dtype))), ag.tensor(scale)


def pack_int4(arr, axis=0, dtype="int8"):
    """(packed, its shape, the original length of `axis`): int4 values (int8 in [-8, 7]) two to a byte along
    `axis`, the first of each pair in the low nibble (an odd length gets a zero pad)."""
    values = np.moveaxis(np.asarray(arr), axis, 0)
    length = values.shape[0]
    if length % 2:
        values = np.concatenate([values, np.zeros((1,) + values.shape[1:], values.dtype)])
    nibbles = values.astype(np.uint8) & np.uint8(0x0F)
    packed = np.moveaxis((nibbles[0::2] | (nibbles[1::2] << np.uint8(4))).view(np.dtype(dtype)), 0, axis)
    return packed, tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """pack_int4 undone: the signed int4 values (int8 in [-8, 7]) of `packed`, `orig_len` of them along `axis`."""
    raw = np.moveaxis(np.asarray(packed), axis, 0).view(np.uint8)
    pairs = np.stack([raw & np.uint8(0x0F), raw >> np.uint8(4)], axis=1)   # low nibble first
    values = pairs.reshape((-1,) + raw.shape[1:])[:orig_len].astype(np.int8)
    return np.moveaxis((values ^ np.int8(8)) - np.int8(8), 0, axis).astype(np.dtype(dtype))


def grouped_quantize_arrays(w, block_size, value_range=(-8, 7), epsilon=EPSILON):
    """(values int8 (rows, cols), scale (groups, cols) in w's dtype, zero point int8 (groups, cols)) of Keras's
    asymmetric int4 quantization of a 2-D NumPy `w` in groups of `block_size` rows: scale = (max - min +
    epsilon) / (qmax - qmin), zero = clip(round(-min / scale) + qmin), q = clip(round(w / scale) + zero)."""
    rows, cols = w.shape
    groups = -(-rows // block_size)
    padded = np.concatenate([w, np.zeros((groups * block_size - rows, cols), w.dtype)])
    blocks = padded.reshape(groups, block_size, cols)
    low, high = blocks.min(axis=1, keepdims=True), blocks.max(axis=1, keepdims=True)
    qmin, qmax = value_range
    scale = (high - low + w.dtype.type(epsilon)) / w.dtype.type(qmax - qmin)
    zero = np.clip(np.round(-low / scale) + qmin, qmin, qmax)
    values = np.clip(np.round(blocks / scale) + zero, qmin, qmax).astype(np.int8)
    return values.reshape(-1, cols)[:rows], scale[:, 0], zero[:, 0].astype(np.int8)


class Quantizer:
    """Base of Keras's quantizers: `quantizer(x)` gives the quantized value."""

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        """The quantizer a get_config() dict describes."""
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")


class AbsMaxQuantizer(Quantizer):
    """abs_max_quantize over `axis` (given here or at the call; -1 when neither), into value_range."""

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=EPSILON, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range, self.epsilon = value_range, epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError("Quantizer with output_dtype='int8' requires value_range to be within the interval "
                             f"[-128, 127]. Received: value_range={value_range}")

    def __call__(self, x, axis=None, to_numpy=False):
        axis = axis if axis is not None else (self.axis if self.axis is not None else -1)
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self):
        """value_range, epsilon, output_dtype, and axis when it was given."""
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


class QuantizationConfig:
    """What quantize(config=...) takes: the weights' and the inputs' quantizers (None: the mode's default for the
    weights, no quantization for the inputs); subclasses say the `mode`."""

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer, self.activation_quantizer = weight_quantizer, activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError("Subclasses must implement this property. Do not instantiate QuantizationConfig "
                                  "directly.")

    def get_config(self):
        """The quantizers, serialized."""
        from .saving.serialization import serialize_keras_object
        return {"weight_quantizer": serialize_keras_object(self.weight_quantizer),
                "activation_quantizer": serialize_keras_object(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        """The config a get_config() dict describes."""
        from .saving.serialization import deserialize_keras_object
        return cls(**{k: deserialize_keras_object(v) for k, v in config.items()})


class Int8QuantizationConfig(QuantizationConfig):
    """int8: the inputs abs-max quantized by default (activation_quantizer="default")."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        super().__init__(weight_quantizer, AbsMaxQuantizer() if activation_quantizer == "default"
                         else activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError("Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'. "
                             f"Received: output_dtype={weight_quantizer.output_dtype}")

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4: weight-only by default; `block_size` rows per group with a zero point each (None or -1: one
    symmetric scale per channel)."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        super().__init__(weight_quantizer, None if activation_quantizer == "default" else activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError(f"block_size must be None, -1, or a positive integer. Received: block_size={block_size}")
        self.block_size = block_size
        if block_size is not None and block_size > 0 and (weight_quantizer is not None
                                                          or self.activation_quantizer is not None):
            raise ValueError("Int4 sub-channel quantization (block_size > 0) does not support custom quantizers. "
                             "Either set block_size to None or -1 for per-channel quantization, or remove the "
                             f"custom quantizer arguments. Received: block_size={block_size}")

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        """The quantizers and block_size."""
        return {**super().get_config(), "block_size": self.block_size}


__all__ = ["AbsMaxQuantizer", "Int4QuantizationConfig", "Int8QuantizationConfig", "QuantizationConfig", "Quantizer",
           "abs_max_quantize", "pack_int4", "unpack_int4"]
