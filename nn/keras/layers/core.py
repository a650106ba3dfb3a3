"""Core Keras layers: Dense, Activation, Dropout, Flatten, Reshape, Rescaling, Lambda, Masking."""
import inspect
import math
import numbers

import numpy as np

import autograd as ag

from ... import functional as F
from .. import activations, config, masking
from .. import random as keras_random
from ..autocast_scope import in_compute_dtype
from ..constraints import check_names as _check_constraints
from ..context import in_shape_probe
from ..input_spec import InputSpec
from ..layer import Layer, as_tensor
from ..symbolic import KerasTensor
from .bias_add import add_bias, fused_bias
from .int8_ops import Int8Contract
from .lora import LoraMixin, LoraWeight
from .int4 import Int4DenseMixin
from .quantized import QuantizableMixin


class Dense(Int4DenseMixin, QuantizableMixin, LoraMixin, Layer):
    """outputs = activation(inputs @ kernel + bias), kernel (input_dim, units), over the last axis; LoRA with
    lora_rank= or enable_lora (lora.py); int8 or int4 with quantize("int8") or dtype="int8_from_float32"
    (quantized.py, int4.py)."""
    _init_input_spec = {"min_ndim": 2}

    _one_input = _array_input = True

    kernel = LoraWeight("kernel", "lora_kernel_a", "lora_kernel_b")
    _lora_alpha_on_build = False
    _keras_order = ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx")
    _modes = ("int8", "int4")

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise NotImplementedError("Dense: nn.keras takes no quantization_config objects; pass "
                                      "quantization_config=None and call layer.quantize('int8') (or give "
                                      "dtype='int8_from_float32')")
        self.supports_masking = True
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units < 1:   # int(2.5) would give 2
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units, self.use_bias = int(units), use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        _check_constraints(kernel_constraint, bias_constraint)   # a bad name fails here, as in Keras
        self._init_lora(lora_rank, lora_alpha)

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{self.name}: the last axis of the input must be known, got input shape {input_shape}")
        if not self.quantization_mode:
            self.kernel = self.add_weight((features, self.units), self.kernel_initializer,
                                          regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                          name="kernel")
        self.bias = (self.add_weight((self.units,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        if self.quantization_mode:   # after the bias: Keras lists trainable weights first
            self._quantized_build((features, self.units))
        self._build_lora()
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})   # as Keras: later calls are checked

    _quantizable_class = staticmethod(lambda: Dense)

    def _reduced_axes(self):
        return (0,)

    def _scale_layout(self, scale):
        return scale.reshape(scale.shape[-1])

    def _kernel_layout(self, scale):
        return scale

    def _int8_call(self, inputs):
        kernel = self.__dict__["kernel"]
        if inputs.shape[-1] != kernel.shape[0]:
            raise ValueError(f"{self.name}: expected inputs with {kernel.shape[0]} features in the last axis, "
                             f"got shape {inputs.shape}")
        x = Int8Contract.apply(inputs, kernel, self.__dict__["kernel_scale"], None)
        if self.lora_enabled:
            x = x + self._lora_delta(inputs, ag.matmul)
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)

    @property
    def _kernel(self):
        """The stored kernel (without the LoRA update)."""
        return self.__dict__["kernel"]

    def call(self, inputs):
        if self._quantized:
            return self._int4_call(inputs) if self.quantization_mode == "int4" else self._int8_call(inputs)
        kernel = self.kernel
        if inputs.shape[-1] != kernel.shape[0]:
            raise ValueError(f"{self.name}: expected inputs with {kernel.shape[0]} features in the last axis, "
                             f"got shape {inputs.shape}")
        if inputs.dtype.kind in "biu":   # Keras's matmul promotes integer inputs to the kernel's float dtype
            inputs = inputs.to(kernel.dtype)
        y = F.linear(inputs, kernel.T, fused_bias(self.bias, inputs))
        return self.activation(add_bias(y, self.bias, inputs, axis=-1))   # Keras's rounding in half precision


class Activation(Layer):
    """Applies an activation function ('relu', 'softmax', ... or a callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Dropout(Layer):
    """In training, zeroes each value with probability `rate` and scales the rest by 1 / (1 - rate); noise_shape
    (None entries take the input's size) shares one draw along its axes of size 1. As Keras on torch: without
    seed and noise_shape the mask is F.dropout's from the global stream; otherwise it comes from the layer's
    SeedGenerator (keras.random.dropout)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        if not isinstance(rate, numbers.Real):   # Keras's comparison fails: its TypeError, with the layer named
            raise TypeError(f"Dropout: rate must be a number in [0, 1] (the fraction of inputs to drop), got "
                            f"{type(rate).__name__} {rate!r}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1], got {rate}")
        self.rate, self.seed = float(rate), seed
        self.noise_shape = _noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=False):   # Keras's default: it stays in the call context for later layers
        if training and self.rate > 0:
            return keras_random.dropout(inputs, self.rate, self.noise_shape, self.seed_generator)
        return inputs


def _noise_shape(noise_shape):
    """Dropout's noise_shape as a tuple of positive ints and Nones (Keras's checks)."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str) or not hasattr(noise_shape, "__iter__"):
        raise ValueError(f"Dropout: noise_shape must be a tuple or list of integers, got noise_shape={noise_shape!r}")
    noise_shape = tuple(noise_shape)
    for k, n in enumerate(noise_shape):
        if n is not None and (not isinstance(n, numbers.Integral) or isinstance(n, bool) or n <= 0):
            raise ValueError(f"Dropout: noise_shape entries must be positive integers or None, got {n!r} at index "
                             f"{k} of {noise_shape}")
    return noise_shape


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...), in the inputs' memory order (channels last)."""
    _init_input_spec = {"min_ndim": 1}

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"Flatten: the `data_format` argument must be one of {{'channels_first', "
                             f"'channels_last'}}, got data_format={data_format!r}")

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.movedim(1, -1)
        return inputs.reshape(inputs.shape[0], math.prod(inputs.shape[1:]))


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry of target_shape may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            self.target_shape = tuple(target_shape)
        except TypeError:   # Keras's tuple() fails the same way
            hint = f"; write target_shape=({target_shape},)" if isinstance(target_shape, numbers.Integral) else ""
            raise TypeError(f"Reshape: target_shape must be a tuple of ints (the shape of each example, without "
                            f"the batch axis), got {type(target_shape).__name__} {target_shape!r}{hint}") from None
        if any(isinstance(n, int) and n < -1 for n in self.target_shape):
            raise ValueError(f"Reshape: each dimension in `target_shape` must be a non-negative integer, or -1 for a "
                             f"single unknown dimension, got target_shape={self.target_shape}")
        if self.target_shape.count(-1) > 1:
            raise ValueError(f"Reshape: there must be at most one unknown dimension (-1) in `target_shape`, got "
                             f"target_shape={self.target_shape}; give every size but one")

    def call(self, inputs):
        per_example = math.prod(inputs.shape[1:])
        known = math.prod(n for n in self.target_shape if n != -1)
        fits = per_example % known == 0 if -1 in self.target_shape and known else per_example == known
        if not fits:
            # a functional call probes with a made-up batch size: shown as Keras shows it, None
            shape = (None,) + tuple(inputs.shape[1:]) if in_shape_probe() else tuple(inputs.shape)
            raise ValueError(f"{self.name}: cannot reshape inputs of shape {shape} ({per_example} values "
                             f"per example) to target_shape={self.target_shape}; the total size per example must stay "
                             "the same (one entry may be -1)")
        return inputs.reshape(inputs.shape[0], *self.target_shape)

    def _probe(self, args, kwargs):
        # as Keras's compute_output_shape: inputs with an unknown size reshape to target_shape unchecked when it
        # has no -1 (a probe with a made-up size could not fit it)
        inputs = args[0] if args else None
        if isinstance(inputs, KerasTensor) and None in inputs.shape[1:] and -1 not in self.target_shape:
            return KerasTensor((inputs.shape[0],) + self.target_shape, inputs.dtype)
        return super()._probe(args, kwargs)


class Rescaling(Layer):
    """inputs * scale + offset (e.g. Rescaling(1 / 255) for pixels)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        # as Keras: inputs, scale and offset in the compute dtype (16-bit under a mixed policy), then x * s + o
        if isinstance(inputs, (list, tuple)):   # Python data (a preprocessing layer takes it): one tensor, as Keras
            try:
                inputs = ag.as_tensor(inputs)
            except (TypeError, ValueError):
                pass
        if not isinstance(inputs, ag.Tensor):   # a string reaches call unconverted: Keras's "Invalid dtype"
            raise ValueError(f"{self.name}: inputs must be numbers (an array or tensor), got {type(inputs).__name__} "
                             f"{inputs!r:.40}")
        inputs = in_compute_dtype(self, inputs if inputs.is_floating_point() else inputs.float())
        scale = inputs.new_tensor(self._number("scale", self.scale)).to(inputs.dtype)
        offset = inputs.new_tensor(self._number("offset", self.offset)).to(inputs.dtype)
        return inputs * scale + offset

    def _number(self, name, value):
        """`value` as a float32 array; ValueError naming the layer for a string or another non-number."""
        try:
            return np.asarray(value, np.float32)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: Rescaling's {name} must be a number or an array of numbers, got "
                             f"{type(value).__name__} {value!r} (Invalid dtype); e.g. Rescaling(1 / 255)") from None


class Lambda(Layer):
    """Applies `function(inputs)` (a function of Tensors; it has no weights), passing it `mask` and `training`
    when it takes them. As in Keras, a mask goes on only when `mask` is given: a callable
    `mask(inputs, previous_mask)`, or the output mask itself."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise TypeError(f"Lambda: unsupported callable: function must be a function of the inputs (e.g. "
                            f"lambda x: x * 2), got {type(function).__name__} {function!r}")
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})
        object.__setattr__(self, "mask", mask)   # a mask tensor is not a weight
        self.supports_masking = mask is not None
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._fn_takes = tuple(name for name in ("mask", "training") if name in parameters)

    def call(self, inputs, mask=None, training=None):
        extra = {"mask": mask, "training": training}
        return self.function(inputs, **self.arguments, **{name: extra[name] for name in self._fn_takes})

    def compute_mask(self, inputs, mask=None):
        """`mask(inputs, mask)` when the layer was given a callable, else the mask it was given (or None)."""
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def get_config(self):
        """Keras's keys: the function (serialized when it can be found again by name: registered with
        register_keras_serializable or one of keras's own; otherwise the function itself, as nn.keras stores no
        code), output_shape and mask when given, and the arguments."""
        from ..saving.registration import get_registered_name
        from ..saving.serialization import serialize_keras_object

        def written(fn):
            named = getattr(fn, "__name__", "<lambda>")
            findable = named != "<lambda>" and (get_registered_name(fn) != named
                                                or getattr(fn, "__module__", "").startswith("nn.keras"))
            return serialize_keras_object(fn) if findable else fn
        output_shape = self._constructor_arguments.get("output_shape") if self._constructor_arguments else None
        config = {**super().get_config(), "function": written(self.function)}
        if output_shape is not None:
            config["output_shape"] = written(output_shape) if callable(output_shape) else output_shape
        if self.mask is not None:
            config["mask"] = written(self.mask) if callable(self.mask) else self.mask
        return {**config, "arguments": serialize_keras_object(self.arguments)}

    @classmethod
    def from_config(cls, config):
        """A Lambda from get_config's dictionary; an output_shape read back as a list of sizes (as JSON gives
        it) becomes a tuple again, as in Keras."""
        shape = config.get("output_shape")
        if isinstance(shape, list) and all(isinstance(size, (int, type(None))) for size in shape):
            config = {**config, "output_shape": tuple(shape)}
        return super().from_config(config)


class Masking(Layer):
    """Masks the steps whose features all equal `mask_value`: their outputs become 0 and the output carries the
    mask (batch, steps), True where a step has any other value."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """True where a step has a feature different from mask_value (a Tensor, for NumPy inputs too); on
        symbolic inputs the `not_equal` and `any` operation nodes Keras's graph records."""
        if isinstance(inputs, KerasTensor):
            from .. import ops
            return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)
        return (as_tensor(inputs) != self.mask_value).any(dim=-1)

    def call(self, inputs):
        keep = (inputs != self.mask_value).any(dim=-1, keepdim=True)
        outputs = ag.where(keep, inputs, 0.0)
        masking.set_mask(outputs, keep.squeeze(-1))
        return outputs
