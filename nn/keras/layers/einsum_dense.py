"""EinsumDense: a dense layer whose input/kernel/output axes are given by an einsum equation.

The equation is 'IN,KERNEL->OUT' with letters for axes, optionally with '...' at the start of IN and OUT
(leading axes carried through) or at the end of both (trailing axes carried through). The kernel's size on each
of its letters comes from the input (contracted letters) or from output_shape (the others); the bias covers the
output axes named in bias_axes, broadcast over the rest, as in Keras.
"""
import math
import re
import string

import numpy as np

import autograd as ag

from .. import activations, initializers
from ..constraints import check_names as _check_constraints
from ..input_spec import InputSpec
from ..layer import Layer
from ..layer_config import keras_forms
from .int8_ops import Int8Contract, Int8Plan
from .lora import LoraMixin, LoraWeight
from .quantized import QuantizableMixin


def parse_equation(equation, layer="EinsumDense"):
    """(input letters, kernel letters, output letters, where '...' sits: None, 'left' or 'right')."""
    plain = equation.replace(" ", "")
    for pattern, elided in ((r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", None),
                            (r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$", "left"),
                            (r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$", "right")):
        match = re.match(pattern, plain)
        if match:
            return match.group(1), match.group(2), match.group(3), elided
    raise ValueError(f"{layer}: the equation must look like 'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...', "
                     f"got {equation!r}")


def einsum_shapes(equation, bias_axes, input_shape, output_shape, layer="EinsumDense"):
    """(kernel shape, bias shape or None, full output shape, kernel letters contracted with the input, kernel
    letters of the output) for inputs of `input_shape` (batch axis may be None)."""
    in_spec, w_spec, out_spec, elided_side = parse_equation(equation, layer)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided_side is None and elided):
        raise ValueError(f"{layer}: the equation {equation!r} names {len(in_spec)} input axes, but the input has "
                         f"shape {input_shape}; pass inputs of rank {len(in_spec)} or change the equation")
    out = [input_shape[0]] + list((output_shape,) if isinstance(output_shape, int) else output_shape)
    if elided_side == "left":
        out[1:1] = input_shape[1:elided]
        in_axis = {c: i + elided for i, c in enumerate(in_spec)}
        out_axis = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        out += list(input_shape[len(input_shape) - elided:])
        in_axis = {c: i for i, c in enumerate(in_spec)}
        out_axis = {c: i for i, c in enumerate(out_spec)}
    if len(out) != len(out_spec) + elided:
        raise ValueError(f"{layer}: output_shape {output_shape} does not fit the output axes {out_spec!r} of "
                         f"{equation!r} (give one size per output axis after the batch axis)")
    for c in in_spec:
        if c in out_axis and out[out_axis[c]] is not None and out[out_axis[c]] != input_shape[in_axis[c]]:
            raise ValueError(f"{layer}: axis {c!r} is {input_shape[in_axis[c]]} in the input {input_shape} but "
                             f"{out[out_axis[c]]} in output_shape {output_shape}")
    kernel, contracted, produced = [], [], []
    for c in w_spec:
        if c in out_axis:
            kernel.append(out[out_axis[c]])
            produced.append(c)
        elif c in in_axis:
            kernel.append(input_shape[in_axis[c]])
            contracted.append(c)
        else:
            raise ValueError(f"{layer}: kernel axis {c!r} of {equation!r} is in neither the input nor the output")
    if any(n is None for n in kernel):
        raise ValueError(f"{layer}: the kernel shape {kernel} must be known; give the input shape {input_shape} "
                         "and output_shape sizes for every kernel axis")
    bias = None
    if bias_axes:
        missing = [c for c in bias_axes if c not in out_spec]
        if missing:
            raise ValueError(f"{layer}: bias_axes {bias_axes!r} names {missing}, not in the output {out_spec!r}")
        first = min(out_spec.index(c) for c in bias_axes)
        offset = elided if elided_side == "left" else 0
        bias = [out[offset + i] if c in bias_axes else 1 for i, c in enumerate(out_spec) if i >= first]
        if elided_side != "left":
            bias += [1] * elided
    return tuple(kernel), None if bias is None else tuple(bias), tuple(out), contracted, produced


def _kernel_initializer(initializer, w_spec, contracted, produced):
    """Keras's fans for an einsum kernel: fan_in over the contracted axes, fan_out over the output axes."""
    base = initializers.get(initializer)

    def initialize(shape, dtype=None):
        sizes = dict(zip(w_spec, shape))
        fan_in = math.prod(sizes[c] for c in contracted)
        fan_out = math.prod(sizes[c] for c in produced)
        return base((fan_in, fan_out)).reshape(shape)
    return initialize


class EinsumDense(QuantizableMixin, LoraMixin, Layer):
    """A dense layer as an einsum of the input with a kernel, plus an optional bias and activation; LoRA with
    lora_rank= or enable_lora (lora.py); int8 with quantize("int8") or dtype="int8_from_float32" (quantized.py)."""

    kernel = LoraWeight("kernel", "lora_kernel_a", "lora_kernel_b")
    _keras_order = ("kernel", "bias", "kernel_scale")

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise ValueError(f"{type(self).__name__}: nn.keras takes no quantization_config objects; pass "
                             "quantization_config=None and call layer.quantize('int8') (or give "
                             "dtype='int8_from_float32')")
        parse_equation(equation, type(self).__name__)
        self.equation, self.bias_axes = equation, bias_axes
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        _check_constraints(kernel_constraint, bias_constraint)   # a bad name fails here, as in Keras
        self._init_lora(lora_rank, lora_alpha)

    def build(self, input_shape):
        kernel, bias, self.full_output_shape, contracted, produced = einsum_shapes(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, self.name)
        w_spec = parse_equation(self.equation)[1]
        self._input_rank = len(input_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))   # as Keras
        if not self.quantization_mode:
            self.kernel = self.add_weight(kernel, _kernel_initializer(self.kernel_initializer, w_spec, contracted,
                                                                      produced),
                                          regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                          name="kernel")
        self.bias = (self.add_weight(bias, self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if bias is not None else None)
        if self.quantization_mode:   # after the bias: Keras lists trainable weights first
            self._quantized_build(kernel)
        self._build_lora()

    def compute_output_shape(self, input_shape):
        """Keras's: the batch size, output_shape as given (a None in it stays None, however the input is shaped),
        and the axes that '...' carries through."""
        return einsum_shapes(self.equation, self.bias_axes, input_shape, self.partial_output_shape, self.name)[2]

    def _probe(self, args, kwargs):
        # Keras's functional call takes its output shape from compute_output_shape, so an axis that output_shape
        # leaves None is unknown downstream even where the input's size fixes it
        outputs = super()._probe(args, kwargs)
        given = self.compute_output_shape(args[0].shape)
        if len(given) == len(outputs.shape):
            outputs.shape = tuple(None if g is None else d for d, g in zip(outputs.shape, given))
        return outputs

    _quantizable_class = staticmethod(lambda: EinsumDense)

    @property
    def _plan(self):
        """The Int8Plan of the equation, its '...' spelled out with unused letters for the built input rank."""
        plan = self.__dict__.get("_int8_plan")
        if plan is None:
            in_spec, w_spec, out_spec, side = parse_equation(self.equation)
            spare = sorted(set(string.ascii_letters) - set(in_spec + w_spec + out_spec))
            extra = "".join(spare[:self._input_rank - len(in_spec)])
            if side == "left":
                in_spec, out_spec = extra + in_spec, extra + out_spec
            elif side == "right":
                in_spec, out_spec = in_spec + extra, out_spec + extra
            plan = Int8Plan(in_spec, w_spec, out_spec)
            object.__setattr__(self, "_int8_plan", plan)
        return plan

    def _reduced_axes(self):
        return self._plan.kernel_axes

    def _scale_layout(self, scale):
        return self._plan.to_output(np, scale, self._plan.kernel_moves)

    def _kernel_layout(self, scale):
        return self._plan.to_kernel(np, scale)

    def _int8_call(self, inputs):
        plan = self._plan
        x = Int8Contract.apply(inputs, self.__dict__["kernel"], self.__dict__["kernel_scale"], plan)
        if self.lora_enabled:
            x = x + self._lora_delta(inputs, lambda v, a: ag.einsum(plan.equation, v, a))
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)

    @property
    def _kernel(self):
        """The stored kernel (without the LoRA update)."""
        return self.__dict__["kernel"]

    def get_config(self):
        """Keras's config, in its order: output_shape (a tuple), equation, activation, bias_axes and the
        initializers, regularizers and constraints in Keras's forms, then lora_rank and lora_alpha once set."""
        config = {**super().get_config(), "output_shape": self.partial_output_shape, "equation": self.equation,
                  **keras_forms({"activation": self.activation, "bias_axes": self.bias_axes,
                                 "kernel_initializer": self.kernel_initializer,
                                 "bias_initializer": self.bias_initializer,
                                 "kernel_regularizer": self.kernel_regularizer,
                                 "bias_regularizer": self.bias_regularizer,
                                 "activity_regularizer": self.activity_regularizer,
                                 "kernel_constraint": self.kernel_constraint,
                                 "bias_constraint": self.bias_constraint}),
                  "quantization_config": None}
        return self._lora_config(config)

    def call(self, inputs):
        if inputs.ndim != self._input_rank:
            raise ValueError(f"{self.name}: built for inputs of rank {self._input_rank} (equation "
                             f"{self.equation!r}), got shape {tuple(inputs.shape)}; pass inputs of that rank")
        if self._quantized:
            return self._int8_call(inputs)
        kernel = self.kernel if self.kernel.dtype == inputs.dtype else self.kernel.astype(inputs.dtype)
        y = ag.einsum(self.equation.replace(" ", ""), inputs, kernel)
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)
