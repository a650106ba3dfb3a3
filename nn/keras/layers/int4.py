"""Keras 3's int4 quantization of Dense and Embedding: `layer.quantize("int4")` or
dtype='int4/<block size>_from_float32'.

The weight (Dense's kernel (input_dim, units), Embedding's table (input_dim, output_dim)) is stored as int4 values
packed two to an int8 byte along its last axis, shape (input_dim, ceil(last / 2)). By default (Keras's
Int4QuantizationConfig, block_size=128) it is quantized asymmetrically in groups of 128 along the group axis
(Dense: the input rows; Embedding: the output columns), each group with a float scale and an int8 zero point
(`<weight>_scale`, `<weight>_zero`), and the float `g_idx` gives each row (column) its group. With block size -1
(or a plain 'int4_from_...' policy) there is one symmetric abs-max scale per output unit (per table row). The
call is weight-only, as Keras's default: the inputs stay float and meet the dequantized weight (Dense per
channel: the output is divided by the scale). LoRA adds its float update on top; saving merges it into the weight
and quantizes again, as Keras saves it.
"""
import numpy as np

import autograd as ag
from autograd import arrays

from ..layer_lock import state_unlocked
from ..quantizers import abs_max_arrays, grouped_quantize_arrays, pack_int4, unpack_int4

DEFAULT_BLOCK_SIZE = 128   # Keras's Int4QuantizationConfig default


class Int4Mixin:
    """int4 quantize, variables, dequantization and LoRA merging for a 2-D weight `_lora_target`, grouped along
    `_group_axis` (0: rows, Dense; 1: columns, Embedding); subclasses define `_width()` (the unpacked last axis)
    and `_int4_call`."""

    _group_axis = 0

    @property
    def _zero_name(self):
        return f"{self._lora_target}_zero"

    def _int4_block_size(self):
        """The block size of the layer's policy: None for one scale per channel (block size -1, or a policy
        without one such as 'int4_from_float32')."""
        size = getattr(self.dtype_policy, "block_size", None)
        return None if size in (None, -1) else size

    def _int4_arrays(self, weights, block_size):
        """(int4 values as int8, scale, zero point or None) of a float 2-D NumPy weight, as Keras quantizes it."""
        axis = self._group_axis
        if block_size is None:
            values, scale = abs_max_arrays(np, weights, (axis,), value_range=(-8, 7))
            return values.astype(np.int8), np.squeeze(scale, axis), None
        if axis == 0:
            return grouped_quantize_arrays(weights, block_size)
        return tuple(np.ascontiguousarray(a.T) for a in grouped_quantize_arrays(np.ascontiguousarray(weights.T),
                                                                               block_size))

    def _quantize_int4(self, block_size=DEFAULT_BLOCK_SIZE):
        """Quantize the float weight to int4 in groups of `block_size` (None: one scale per channel)."""
        target = self.__dict__[self._lora_target]
        values, scale, zero = self._int4_arrays(target.detach().float().numpy(), block_size)   # float32, as Keras
        self._drop_weight(self._lora_target)
        self._int4_build(tuple(target.shape), block_size)
        self._assign_int4(values, scale, zero)
        self._set_quantized_policy(f"int4/{-1 if block_size is None else block_size}")

    def _assign_int4(self, values, scale, zero):
        state = self.__dict__
        state[self._lora_target].assign(pack_int4(values, axis=-1)[0])
        state[self._scale_name].assign(scale)
        if zero is not None:
            state[self._zero_name].assign(zero)

    def _int4_build(self, shape, block_size):
        """The packed weight, its scale and, for blocks, the zero points and each row's (column's) group."""
        length = shape[self._group_axis]
        channels = shape[1 - self._group_axis]
        groups = None if block_size is None else -(-length // block_size)
        scale_shape = (channels,) if groups is None else ((groups, channels) if self._group_axis == 0
                                                          else (channels, groups))
        with state_unlocked(self):   # quantize() replaces a built layer's weight, as Keras allows
            self.add_weight((shape[0], (shape[1] + 1) // 2), "zeros", dtype="int8", trainable=False,
                            name=self._lora_target)
            self.add_weight(scale_shape, "ones", trainable=False, name=self._scale_name)
            if groups is not None:
                self.add_weight(scale_shape, "zeros", dtype="int8", trainable=False, name=self._zero_name)
                self.add_weight((length,), "zeros", dtype="float32", trainable=False, name="g_idx")
                self.__dict__["g_idx"].assign(np.arange(length, dtype=np.float32) // block_size)
        object.__setattr__(self, "_int4_block", block_size)
        object.__setattr__(self, "_is_quantized", True)

    def _unpacked(self):
        """The int4 values as int8, in the weight's full shape."""
        return unpack_int4(_host(self.__dict__[self._lora_target]), self._width(), axis=-1)

    def _dequantized(self, values, rows=None):
        """Float weight values from int4 `values` (the rows `rows` of the table when given): (q - zero) * scale
        for blocks, q / scale per channel."""
        state = self.__dict__
        scale = _host(state[self._scale_name])
        zero = state.get(self._zero_name)
        if rows is not None:
            scale = scale[rows]
        dtype = np.float32 if scale.dtype.itemsize == 4 else scale.dtype
        if zero is None:
            return values.astype(dtype) / (scale if self._group_axis == 0 else scale[..., None])
        groups = _host(state["g_idx"]).astype(np.int64)
        zero = _host(zero) if rows is None else _host(zero)[rows]
        if self._group_axis == 0:
            return (values.astype(dtype) - zero[groups].astype(dtype)) * scale[groups]
        return (values.astype(dtype) - zero[..., groups].astype(dtype)) * scale[..., groups]

    def _adapted_shape(self):
        """The weight's shape as LoRA adapts it: the unpacked one for int4."""
        if self.quantization_mode != "int4":
            return super()._adapted_shape()
        packed = self.__dict__[self._lora_target]
        return (packed.shape[0], self._width())

    def _merged_int4(self):
        """{id(variable): value} of the weight merged with LoRA's update and quantized again (as Keras saves)."""
        state = self.__dict__
        a, b = (state[name].numpy() for name in self._lora_names)
        merged = self._dequantized(self._unpacked()) + (self.lora_alpha / self.lora_rank) * (a @ b)
        values, scale, zero = self._int4_arrays(merged.astype(np.float32), self._int4_block)
        out = {id(state[self._lora_target]): pack_int4(values, axis=-1)[0], id(state[self._scale_name]): scale}
        if zero is not None:
            out[id(state[self._zero_name])] = zero
        return out


class Int4DenseMixin(Int4Mixin):
    """int4 for Dense: kernel (input_dim, units), grouped along the input rows."""

    _group_axis = 0

    def _width(self):
        return self.units

    def _int4_call(self, inputs):
        kernel = self._unpacked()
        if inputs.shape[-1] != kernel.shape[0]:
            raise ValueError(f"{self.name}: expected inputs with {kernel.shape[0]} features in the last axis, "
                             f"got shape {inputs.shape}")
        if self.__dict__.get("kernel_zero") is None:   # one scale per unit: divide the output, as Keras
            x = ag.matmul(inputs, ag.tensor(kernel, device=inputs.device).to(inputs.dtype))
            x = x / self.__dict__["kernel_scale"].to(x.dtype)
        else:
            x = ag.matmul(inputs, ag.tensor(self._dequantized(kernel), device=inputs.device).to(inputs.dtype))
        if self.lora_enabled:
            x = x + self._lora_delta(inputs, ag.matmul)
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)


class Int4EmbeddingMixin(Int4Mixin):
    """int4 for Embedding: table (input_dim, output_dim), grouped along the output columns."""

    _group_axis = 1

    def _width(self):
        return self.output_dim

    def _int4_call(self, ids):
        rows = _host(ids).astype(np.int64)
        outputs = ag.tensor(self._dequantized(self._unpacked()[rows], rows), device=ids.device)
        if self.lora_enabled:
            outputs = outputs + self._lora_delta(ids, lambda v, a: a[v])
        return outputs


def _host(tensor):
    """A variable's values as a NumPy array in its own dtype (bfloat16 included), copied off a GPU."""
    values = arrays.array(tensor.detach())
    return values.get() if hasattr(values, "get") else np.asarray(values)
