"""Attention (Luong-style dot-product or 'concat' scores) and AdditiveAttention (Bahdanau-style), as Keras.

Called on [query, value] or [query, value, key] (key defaults to value), shapes (batch, Tq, dim) and
(batch, Tv, dim). Masked value steps (the value's Keras mask) and, with use_causal_mask, later steps get 1e9
subtracted from their scores before the softmax; outputs at masked query steps are zeros and keep the query's
mask. Dropout (training only) applies to the attention distribution, which return_attention_scores returns.
"""
import numpy as np

import autograd as ag
from autograd.errors import ShapeError

from ... import functional as F
from ..symbolic import KerasTensor
from .. import masking
from .. import random as keras_random
from ..layer import Layer, as_tensor


class Attention(Layer):
    """Dot-product attention: scores = query @ key^T (times a learned scalar `scale` with use_scale), or with
    score_mode='concat' concat_score_weight * sum(tanh(scale * (query_i + key_j)))."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__}: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, float(dropout), seed
        self.supports_masking = True
        self.scale = None
        if self.dropout > 0:
            # as Keras: made here, so an unseeded layer takes its default seed (one draw) at construction
            self.seed_generator = keras_random.SeedGenerator(seed)

    def build(self, input_shape):
        self._check_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight((), "ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight")

    def _check_inputs(self, inputs):
        """[query, value] or [query, value, key] of shapes (batch, Tq, dim), (batch, Tv, dim), (batch, Tv, dim)."""
        name = f"{self.name} ({type(self).__name__})"
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3 or \
                not all(isinstance(s, (list, tuple)) or hasattr(s, "shape") for s in inputs):
            raise ValueError(f"{name}: call it on a list [query, value] or [query, value, key], got {inputs!r}")
        shapes = [tuple(s.shape) if hasattr(s, "shape") else tuple(s) for s in inputs]
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) > 2 else value
        if len(query) < 2 or len(value) != len(query) or len(key) != len(query) or value[-2] != key[-2] or \
                query[-1] != key[-1]:
            raise ShapeError(f"{name}: expects query (batch, Tq, dim), value (batch, Tv, value_dim) and key "
                             f"(batch, Tv, dim) with query and key sharing dim; got shapes {shapes}")

    def _scores(self, query, key):
        """(batch, Tq, Tv) scores."""
        if self.score_mode == "dot":
            scores = query @ key.transpose(-1, -2)
            return scores if self.scale is None else scores * self.scale
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * summed.tanh().sum(dim=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._check_inputs(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{self.name}: mask must be a list [query_mask, value_mask], got {mask!r}")
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        keep = None if value_mask is None else masking.as_bool(as_tensor(value_mask)).unsqueeze(-2)
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            rows = ag.arange(tq, device=scores.device).reshape(1, tq, 1)
            cols = ag.arange(tv, device=scores.device).reshape(1, 1, tv)
            causal = rows >= cols
            keep = causal if keep is None else keep & causal
        if keep is not None:
            scores = ag.where(keep, scores, scores - (65504.0 if scores.dtype == np.float16 else 1.0e9))
        weights = F.softmax(scores, dim=-1)
        if training and self.dropout > 0:
            weights = keras_random.dropout(weights, self.dropout, None, self.seed_generator)
        output = weights @ value
        if query_mask is not None:
            output = ag.where(masking.as_bool(as_tensor(query_mask)).unsqueeze(-1), output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        """The query's mask (None without one); on symbolic inputs through the `convert_to_tensor` operation
        node Keras's graph records."""
        if not mask or mask[0] is None:
            return None
        if isinstance(mask[0], KerasTensor):
            from .. import ops
            from ..symbolic_ops import operation_for
            operation, args, kwargs = operation_for(ops.convert_to_tensor, "convert_to_tensor", (mask[0],), {})
            return operation(*args, **kwargs)
        return mask[0]


class AdditiveAttention(Attention):
    """Additive attention: scores = sum(scale * tanh(query_i + key_j)) with a learned `scale` of shape (dim,)
    (use_scale=True, the default) or 1."""

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        self._check_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight((input_shape[0][-1],), "glorot_uniform", name="scale")

    def _scores(self, query, key):
        summed = (query.unsqueeze(-2) + key.unsqueeze(-3)).tanh()
        return (summed if self.scale is None else self.scale * summed).sum(dim=-1)
