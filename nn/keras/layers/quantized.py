"""Keras 3's post-training quantization ("int8") of Dense, EinsumDense and Embedding, and model.quantize ("int4"
of Dense is in int4.py).

`layer.quantize("int8")` on a built layer replaces its float kernel (embedding table) by an int8 one, abs-max
quantized per output channel (per row of an embedding table), plus a float scale `kernel_scale`
(`embeddings_scale`), both non-trainable, and sets its dtype policy to 'int8_from_<previous policy>'. A layer
made with dtype='int8_from_float32' builds those variables directly (a loaded quantized model does). Its call
quantizes the inputs on the fly and contracts in integers (int8_ops.py); bias, LoRA adapters and the rest stay
float and trainable. Saving stores Keras's variables in Keras's order (kernel, bias, kernel_scale); with LoRA on,
the kernel is dequantized, merged with the adapters and quantized again, as Keras saves it.
"""
import re
import warnings

import numpy as np

import autograd as ag
from autograd import arrays

from ...module import Parameter
from ..dtype_policy import QUANTIZATION_MODES, quantized_policy
from ..layer_lock import state_unlocked
from ..quantizers import abs_max_arrays
from .int4 import DEFAULT_BLOCK_SIZE

IMPLEMENTED_MODES = ("int8", "int4")   # int4: Dense only (int4.py)


def resolve_config(mode, config):
    """(mode, config) as Keras resolves quantize's arguments: a string config is the mode; a QuantizationConfig
    gives the mode (which must agree with `mode`); nn.keras then takes the configs whose quantizers are Keras's
    defaults (any int4 block size)."""
    from ..quantizers import AbsMaxQuantizer, QuantizationConfig
    if isinstance(config, str):   # Keras accepts quantize(config="int8")
        mode, config = config, None
    if mode is not None and mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
    if config is None:
        if mode is None:
            raise ValueError("You must provide either `mode` or `config` to `quantize`.")
        return mode, None
    if not isinstance(config, QuantizationConfig):
        raise ValueError("Argument `config` must be an instance of `QuantizationConfig`. "
                         f"Received: config={config} (of type {type(config)})")
    if mode is not None and config.mode != mode:
        raise ValueError(f"Contradictory arguments: mode='{mode}' but config.mode='{config.mode}'")
    mode = config.mode
    inputs = config.activation_quantizer
    default_inputs = (isinstance(inputs, AbsMaxQuantizer) and tuple(inputs.value_range) == (-127, 127)
                      and inputs.epsilon == 1e-7 and inputs.output_dtype == "int8")
    if config.weight_quantizer is not None or (mode == "int8" and not default_inputs) or \
            (mode == "int4" and inputs is not None):
        raise NotImplementedError(f"quantize: nn.keras takes {type(config).__name__} with Keras's default quantizers "
                                  "only (int8: abs-max inputs into [-127, 127]; int4: weight-only, any block_size), "
                                  f"got weight_quantizer={config.weight_quantizer!r}, activation_quantizer={inputs!r}; "
                                  "leave them at their defaults")
    return mode, config


def check_quantize_args(layer, mode, config=None):
    """Keras's checks before quantizing `layer`, in its order: the mode (and config), that the layer is built,
    that it is not quantized already, and that int8 does not meet a float16 compute dtype; (mode, config)."""
    mode, config = resolve_config(mode, config)
    if not layer.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer '{layer.name}' (of type "
                         f"'{type(layer).__name__}') is not built yet.")
    if layer.__dict__.get("_is_quantized"):
        raise ValueError(f"Layer '{layer.name}' is already quantized with dtype_policy="
                         f"'{layer.dtype_policy.name}'. Received: mode={mode}")
    if mode == "int8" and layer.compute_dtype == "float16":
        raise ValueError(f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'. Consider "
                         "loading model/layer with another dtype policy such as 'mixed_bfloat16' or "
                         "'mixed_float16' before calling `quantize()`.")
    check_implemented(mode, layer.name)
    return mode, config


def check_implemented(mode, who):
    """NotImplementedError for Keras's modes that nn.keras does not implement (float8, gptq, awq)."""
    if mode not in IMPLEMENTED_MODES:
        raise NotImplementedError(f"{who}: quantization mode '{mode}' is not implemented in nn.keras (it implements "
                                  f"{IMPLEMENTED_MODES}, int4 for Dense only); quantize with mode='int8'")


class QuantizableMixin:
    """quantize() and int8 variables (int4 too where the class lists it in `_modes`: int4.py) for a layer whose
    adapted weight is `_lora_target` ('kernel' or 'embeddings'), quantized over `_reduced_axes()`; the layer class
    defines `_int8_call` and `_keras_order` (its variable names in Keras's saving order), `_reduced_axes()` and the
    scale's layouts `_scale_layout` (from the abs-max scale with the reduced axes kept) and `_kernel_layout` (from
    the stored scale to one that broadcasts against the kernel)."""

    @property
    def _scale_name(self):
        return f"{self._lora_target}_scale"

    _modes = ("int8",)   # the modes this layer class implements

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the built layer's weights in place ('int8'; 'int4' for Dense); once per layer."""
        mode, config = check_quantize_args(self, mode, config)
        if type_check and type(self) is not self._quantizable_class():   # as Keras: subclasses say no
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented.")
        self._check_mode(mode)
        if mode == "int4":
            block_size = DEFAULT_BLOCK_SIZE if config is None else config.block_size
            self._quantize_int4(None if block_size == -1 else block_size)
            return
        target = self.__dict__[self._lora_target]
        xp = target.device.xp   # in the weight's own dtype (bfloat16 too), as Keras
        values, scale = abs_max_arrays(xp, arrays.array(target.detach()), self._reduced_axes())
        self._drop_weight(self._lora_target)   # its regularizer goes too: Keras's int8 kernel has none
        self._int8_build(tuple(target.shape))
        self.__dict__[self._lora_target].assign(ag.tensor(values.astype(np.int8), device=target.device))
        self.__dict__[self._scale_name].assign(ag.tensor(self._scale_layout(scale), device=target.device))
        self._set_quantized_policy(mode)

    def _check_mode(self, mode):
        if mode not in self._modes:
            raise NotImplementedError(f"{self.name}: quantization mode '{mode}' is not implemented in nn.keras for "
                                      f"{type(self).__name__} (it implements {self._modes}); use mode='int8'")

    def _set_quantized_policy(self, mode):
        """The policy '<mode>_from_<the float policy>' (kept when the layer had a quantized one already)."""
        if self.dtype_policy.quantization_mode is None:
            object.__setattr__(self, "_dtype_policy", quantized_policy(f"{mode}_from_{self.dtype_policy.name}"))

    def _quantized_build(self, shape):
        """The quantized variables of a weight of `shape`, for the mode of the layer's policy."""
        mode = self.quantization_mode
        self._check_mode(mode)
        if mode == "int4":
            self._int4_build(shape, self._int4_block_size())
        else:
            self._int8_build(shape)

    def _drop_weight(self, name):
        """Forget the layer's weight `name` (its float kernel, replaced by the int8 one)."""
        delattr(self, name)
        self._weight_names.remove(name)
        self._regularizers.pop(name, None)

    def _int8_build(self, shape):
        """The int8 weight (non-trainable) and its scale (float, ones) of a weight of `shape`."""
        with state_unlocked(self):   # quantize() replaces a built layer's weight, as Keras allows
            self.add_weight(shape, "zeros", dtype="int8", trainable=False, name=self._lora_target)
            self.add_weight(self._scale_shape(shape), "ones", trainable=False, name=self._scale_name)
        object.__setattr__(self, "_is_quantized", True)

    def _scale_shape(self, shape):
        return tuple(self._scale_layout(np.ones([1 if i in self._reduced_axes() else n
                                                 for i, n in enumerate(shape)], np.float32)).shape)

    def _own_weights(self):
        """As Keras lists a quantized layer's weights: those made trainable (bias, LoRA's A and B) first, then the
        int8 kernel and its scale."""
        own = super()._own_weights()
        if not self._quantized:
            return own
        return [w for w in own if isinstance(w, Parameter)] + [w for w in own if not isinstance(w, Parameter)]

    @property
    def _quantized(self):
        """Whether the layer holds quantized variables (int8 or int4)."""
        return self.__dict__.get("_is_quantized", False)

    def _lora_delta(self, inputs, project):
        """The LoRA term of a quantized call: (alpha / rank) * project(inputs, A) @ B (float, trainable)."""
        state = self.__dict__
        return project(inputs, state[self._lora_names[0]]).matmul(state[self._lora_names[1]]) \
            * (self.lora_alpha / self.lora_rank)

    # ----- saving ------------------------------------------------------------------------------------
    def _merged_int8(self):
        """{id(variable): value} of the int8 kernel merged with LoRA's update and quantized again, and its scale
        (as Keras saves them)."""
        state = self.__dict__
        kernel, scale = state[self._lora_target].numpy(), state[self._scale_name].numpy()
        a, b = (state[n].numpy() for n in self._lora_names)
        merged = kernel.astype(np.float32) / self._kernel_layout(scale) + (self.lora_alpha / self.lora_rank) * (a @ b)
        values, new_scale = abs_max_arrays(np, merged.astype(np.float32), self._reduced_axes())
        return {id(state[self._lora_target]): values.astype(np.int8), id(state[self._scale_name]):
                self._scale_layout(new_scale)}

    def _keras_variable_order(self):
        """The own weights in the order Keras saves them (A and B of LoRA left out)."""
        if not self._quantized:
            return super()._keras_variable_order()
        state = self.__dict__
        return [state[name] for name in self._keras_order if state.get(name) is not None]

    def _lora_merged_values(self):
        """{id(weight): value stored in its place} for weight files (LoRA merged as Keras saves it)."""
        if not self._quantized:
            return super()._lora_merged_values()
        if not self.__dict__.get("lora_enabled"):
            return {}
        return self._merged_int4() if self.quantization_mode == "int4" else self._merged_int8()

    def save_own_variables(self, store):
        """Keras's store: the variables in Keras's order ('0': the int8 kernel, ..., the scale last)."""
        if not self._quantized:
            return super().save_own_variables(store)
        if not self.built:
            return
        merged = self._lora_merged_values()
        for k, weight in enumerate(self._keras_variable_order()):
            store[str(k)] = np.asarray(merged.get(id(weight), weight.numpy()))

    def load_own_variables(self, store):
        """Set the variables from a store in Keras's order; LoRA's A and B go to zero (the kernel holds them)."""
        if not self._quantized:
            return super().load_own_variables(store)
        if not self.built:
            return
        own = self._keras_variable_order()
        if not self.__dict__.get("lora_enabled") and len(store.keys()) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                             f"variables during loading. Expected: {[w.name for w in own]}")
        for k, weight in enumerate(own):
            weight.assign(np.asarray(store[str(k)]))
        for name in self._lora_names if self.__dict__.get("lora_enabled") else ():
            weight = self.__dict__[name]
            weight.assign(np.zeros(tuple(weight.shape), np.float32))


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    """Keras's model.quantize: quantize every leaf layer that can be (warning for those that cannot), those whose
    name matches `filters` (a regex, a list of them, or a callable taking the layer) when given."""
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}: {kwargs}")
    if filters is not None and not isinstance(filters, (str, list, tuple)) and not callable(filters):
        raise ValueError("The `filters` argument must be a regex string, a list of regex strings, or a callable. "
                         f"Received: {type(filters)}")
    mode, config = resolve_config(mode, config)
    check_implemented(mode, f"{model.name}.quantize")
    if not model.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer '{model.name}' (of type "
                         f"'{type(model).__name__}') is not built yet.")
    changed = False
    for layer in model.modules():
        # a Keras layer (every one has `quantize`; nn's modules have not) without Keras layers inside
        if not hasattr(layer, "quantize") or any(hasattr(m, "quantize") for m in layer.children()):
            continue
        if not _selected(layer, filters):
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
            changed = True
        except NotImplementedError as error:
            warnings.warn(str(error), stacklevel=2)
    if not changed:
        return
    optimizer = getattr(model, "optimizer", None)
    if hasattr(optimizer, "_group"):   # it collects the trainable weights again at its next step
        optimizer._group["params"] = []
    compiled = getattr(model, "_compiled", None)
    if getattr(compiled, "_jit_steps", None) is not None:   # as Keras drops its train_function: traced steps
        from ...training.steps import Steps                 # hold the float kernels
        compiled._jit_steps = Steps(True)


def _selected(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    return bool(filters(layer))
