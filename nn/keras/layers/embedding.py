"""keras.layers.Embedding: integer indices -> rows of a (input_dim, output_dim) table; with mask_zero=True index 0
is padding and the output carries the mask `inputs != 0`."""
import numbers
import warnings

import numpy as np

from ... import functional as F
from ..autocast_scope import float_dtype
from ..context import in_shape_probe
from ..layer import Layer, as_tensor
from ..layer_config import keras_forms
from ..symbolic import KerasTensor
from .lora import LoraMixin, LoraWeight
from .int4 import Int4EmbeddingMixin
from .quantized import QuantizableMixin


class Embedding(Int4EmbeddingMixin, QuantizableMixin, LoraMixin, Layer):
    """Looks up `embeddings[inputs]`; inputs are integer indices in [0, input_dim). LoRA with lora_rank= or
    enable_lora (lora.py); int8 with quantize("int8") or dtype="int8_from_float32" (quantized.py), one scale per
    row of the table, and int4 (int4.py)."""

    _array_input = True

    embeddings = LoraWeight("embeddings", "lora_embeddings_a", "lora_embeddings_b")
    _lora_target, _lora_names = "embeddings", ("lora_embeddings_a", "lora_embeddings_b")
    _lora_constraint_words = ("embedding constraints", "embeddings_constraint")
    _lora_alpha_on_build = False
    _keras_order = ("embeddings", "embeddings_scale", "embeddings_zero", "g_idx")
    _modes = ("int8", "int4")

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        if kwargs.pop("input_length", None) is not None:   # Keras 2's argument: Keras 3 warns and ignores it
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise ValueError(f"{type(self).__name__}: nn.keras takes no quantization_config objects; pass "
                             "quantization_config=None and call layer.quantize('int8') (or give "
                             "dtype='int8_from_float32')")
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):   # int(2.5) would give 2
                raise ValueError(f"{type(self).__name__}: `{name}` must be a positive integer. Received: "
                                 f"{name}={value!r} (of type {type(value).__name__}); pass e.g. {name}=int(n)")
            if int(value) <= 0:
                raise ValueError(f"{type(self).__name__}: {name} must be a positive integer, got {value!r} "
                                 "(input_dim: the vocabulary size, output_dim: the vector size)")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.embeddings_initializer, self.embeddings_regularizer = embeddings_initializer, embeddings_regularizer
        self.embeddings_constraint = embeddings_constraint
        self._init_lora(lora_rank, lora_alpha)
        if weights is not None:   # the starting table, as Keras: [table] or the table itself
            self.build()
            self.set_weights(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    def build(self, input_shape=None):
        if self.quantization_mode:
            self._quantized_build((self.input_dim, self.output_dim))
        else:
            self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                              regularizer=self.embeddings_regularizer,
                                              constraint=self.embeddings_constraint, name="embeddings")
        self._build_lora()

    _quantizable_class = staticmethod(lambda: Embedding)

    def _reduced_axes(self):
        return (1,)   # one scale per row

    def _scale_layout(self, scale):
        return scale.reshape(scale.shape[0])

    def _kernel_layout(self, scale):
        return scale[:, None]

    def _int8_call(self, ids):
        state = self.__dict__
        table, scale = state["embeddings"], state["embeddings_scale"]
        dtype = float_dtype(self.compute_dtype) or np.dtype(np.float32)
        outputs = table[ids].to(dtype) / scale[ids].to(dtype).unsqueeze(-1)
        if self.lora_enabled:
            outputs = outputs + self._lora_delta(ids, lambda v, a: a[v])
        return outputs

    @property
    def _embeddings(self):
        """The stored table (without the LoRA update)."""
        return self.__dict__["embeddings"]

    def get_config(self):
        """Keras's config: the sizes, initializer, regularizers, constraint, mask_zero and quantization_config,
        then lora_rank and lora_alpha once set."""
        config = {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                  **keras_forms({"embeddings_initializer": self.embeddings_initializer,
                                 "embeddings_regularizer": self.embeddings_regularizer,
                                 "activity_regularizer": self.activity_regularizer,
                                 "embeddings_constraint": self.embeddings_constraint}),
                  "mask_zero": self.mask_zero, "quantization_config": None}
        return self._lora_config(config)

    def call(self, inputs):
        if inputs.dtype.kind not in "iu":
            inputs = inputs.long()
        if in_shape_probe():   # placeholder ids (an unknown length probed as 32 positions, say) may not fit the table
            inputs = inputs.clamp(0, self.input_dim - 1)
        elif inputs.dtype.kind == "i":
            # as Keras's take on the torch backend: -1 is the last row; below -input_dim stays an error
            # (tensor ops, no host read: a compiled step replays them)
            wraps = (inputs < 0) & (inputs >= -self.input_dim)
            inputs = inputs + wraps.to(inputs.dtype) * self.input_dim
        if self._quantized:
            return self._int4_call(inputs) if self.quantization_mode == "int4" else self._int8_call(inputs)
        return F.embedding(inputs, self.embeddings)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` (a Tensor, for NumPy inputs too) with mask_zero=True, else None; on symbolic inputs the
        `not_equal` operation node Keras's graph records."""
        if not self.mask_zero:
            return None
        if isinstance(inputs, KerasTensor):
            from .. import ops
            return ops.not_equal(inputs, 0)
        return as_tensor(inputs) != 0
