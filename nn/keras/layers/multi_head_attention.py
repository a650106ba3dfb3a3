"""MultiHeadAttention with Keras's weights (EinsumDense sub-layers 'query', 'key', 'value', 'attention_output',
and 'gate' with use_gate) and Keras's numbers.

Masks: the query's Keras mask (batch, T), the value's and key's (batch, S), use_causal_mask, sliding_window and
attention_mask are combined with AND into one boolean (batch, T, S) mask. Keras has two ways to apply it and
both are kept, since they differ on rows with nothing to attend to (padding queries):
- 3-D inputs, no dropout, no returned scores (Keras's fused attention): masked logits get -0.7 * float max added,
  so a fully masked row attends uniformly to every step;
- otherwise (Keras's explicit softmax): masked logits become -1e9 and masked probabilities 0, so such a row
  gives zeros before the output projection.
"""
import math
import string

import autograd as ag
from autograd.errors import DimRangeError, ShapeError

from ... import functional as F
from .. import initializers, masking
from .. import random as keras_random
from ..layer import Layer, as_tensor
from ..layer_config import automatic_config
from .core import Dropout
from .einsum_dense import EinsumDense

_FUSED_FILL = {"float16": -0.7 * 65500.0}
_FUSED_FILL_DEFAULT = -0.7 * 3.38953e38
_SOFTMAX_FILL = {"float16": -3e4}
_SOFTMAX_FILL_DEFAULT = -1e9


def projection_equation(free, bound, produced):
    """An einsum 'input,kernel->output' keeping `free` input axes, contracting `bound`, adding `produced`."""
    letters = string.ascii_lowercase
    kept, summed, made = (letters[:free], letters[free:free + bound],
                          letters[free + bound:free + bound + produced])
    return f"{kept}{summed},{summed}{made}->{kept}{made}", made


class MultiHeadAttention(Layer):
    """Attention of `query` over `value` (keys from `key`, default `value`) in num_heads heads of key_dim."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for label, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim),
                             ("sliding_window", sliding_window)):
            if value is not None and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"MultiHeadAttention: {label} must be a positive int, got {value!r}")
        self.supports_masking = True
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.use_gate, self.seed = float(dropout), use_bias, use_gate, seed
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.projected_shape = output_shape or None   # Keras's output_shape argument (the name is taken)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention: attention_axes must be an int, list or tuple, "
                             f"got {attention_axes!r}")
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.sliding_window = sliding_window
        self.flash_attention = bool(flash_attention)
        if self.flash_attention and self.dropout > 0:
            raise ValueError("MultiHeadAttention: dropout is not supported with flash_attention=True; set "
                             "dropout=0.0 or leave flash_attention unset")
        # made now, as Keras's initializers.get makes them (an unseeded one takes its default seed here); each
        # projection gets a fresh copy made from its config at build (so a default seed is drawn for each)
        self._initializers = (initializers.get(kernel_initializer), initializers.get(bias_initializer))
        self._sublayer_args = dict(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    # ----- weights ---------------------------------------------------------------------------------
    def _build_for(self, inputs):
        """Weights need the value's and key's shapes too, so call() builds them."""
        if getattr(self, "_build_input_shape", None) is None:
            object.__setattr__(self, "_build_input_shape", tuple(inputs.shape) if hasattr(inputs, "shape") else None)

    # Keras keeps the projections as _query_dense, ... (code that enables LoRA on them reaches them so)
    _query_dense = property(lambda self: self.query_dense, doc="The query projection (an EinsumDense).")
    _key_dense = property(lambda self: self.key_dense, doc="The key projection (an EinsumDense).")
    _value_dense = property(lambda self: self.value_dense, doc="The value projection (an EinsumDense).")
    _output_dense = property(lambda self: self.output_dense, doc="The output projection (an EinsumDense).")

    def _dense(self, rank, bound, produced_shape, name, activation=None):
        equation, made = projection_equation(rank - bound, bound, len(produced_shape))
        output_shape = (None,) * (rank - bound - 1) + tuple(produced_shape)   # the kept axes follow the input
        kernel_initializer, bias_initializer = (_fresh_copy(i) for i in self._initializers)
        return EinsumDense(equation, output_shape, activation=activation, bias_axes=made if self.use_bias else None,
                           name=name, dtype=self.dtype_policy, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer, **self._sublayer_args)   # Keras: its own policy

    def get_config(self):
        """Keras's config, in its order: value_dim resolved (key_dim when not given), use_gate after use_bias, the
        initializers, regularizers and constraints in Keras's forms, and no flash_attention (Keras leaves it out)."""
        given = automatic_config(type(self), dict(self._constructor_arguments or {}))
        names = ("num_heads", "key_dim", "value_dim", "dropout", "use_bias", "use_gate", "output_shape",
                 "attention_axes", "sliding_window", "kernel_initializer", "bias_initializer", "kernel_regularizer",
                 "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "seed")
        values = {**given, "value_dim": self.value_dim, "output_shape": self.projected_shape,
                  "attention_axes": self.attention_axes}
        return {**super().get_config(), **{name: values.get(name) for name in names}}

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the projections for inputs of these shapes (value defaults to the query's, key to the value's)."""
        value_shape = tuple(query_shape if value_shape is None else value_shape)
        given_key, key_shape = key_shape, value_shape if key_shape is None else tuple(key_shape)
        query_shape = tuple(query_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        self._shapes = {"query_shape": query_shape, "value_shape": value_shape}
        if given_key is not None:   # as Keras's build config: the shapes build was given
            self._shapes["key_shape"] = key_shape
        heads_k, heads_v = (self.num_heads, self.key_dim), (self.num_heads, self.value_dim)
        self.query_dense = self._dense(len(query_shape), 1, heads_k, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._dense(len(key_shape), 1, heads_k, "key")
        self.key_dense.build(key_shape)
        if self.use_gate:
            self.gate_dense = self._dense(len(query_shape), 1, heads_v, "gate", activation="sigmoid")
            self.gate_dense.build(query_shape)
        self.value_dense = self._dense(len(value_shape), 1, heads_v, "value")
        self.value_dense.build(value_shape)
        # Keras's attention dropout is a Dropout layer made here, between the value and the output projections
        # (its SeedGenerator takes its default seed in that order)
        self._dropout_layer = Dropout(self.dropout, seed=self.seed, dtype=self.dtype_policy)
        self._dropout_layer.built = True   # Keras's Dropout is built when made (quantize checks)
        out_shape = self.projected_shape or (query_shape[-1],)
        self.output_dense = self._dense(len(query_shape) + 1, 2, out_shape, "attention_output")
        self.output_dense.build(query_shape[:-1] + heads_v)
        rank = len(query_shape) + 1   # of the projected tensors (..., heads, dim)
        axes = tuple(range(1, rank - 2)) if self.attention_axes is None else self.attention_axes
        self.attention_axes = axes   # as Keras's: the axes build chose are the layer's (and its config's) from now on
        self._axes = tuple(a if a >= 0 else rank - 1 + a for a in axes)
        if any(not 0 < a < rank - 2 for a in self._axes):
            raise DimRangeError(f"{self.name}: attention_axes {self.attention_axes} must name axes of the query "
                             f"{query_shape} other than the batch and feature axes")
        self._query_features = query_shape[-1]

    def get_build_config(self):
        """{'shapes_dict': the query, value and key shapes the weights were made for}, as Keras; None before."""
        if not self.built:
            return None
        return {"shapes_dict": {k: tuple(None if k2 == 0 else d for k2, d in enumerate(v))
                                for k, v in self._shapes.items()}}

    def build_from_config(self, config):
        """Create the weights from get_build_config's shapes (or a plain {'input_shape': query shape})."""
        if self.built or not config:
            return
        shapes = config.get("shapes_dict") or {"query_shape": config.get("input_shape")}
        if shapes.get("query_shape") is not None:
            self.build(shapes["query_shape"], shapes.get("value_shape"), shapes.get("key_shape"))

    def _check_shapes(self, query_shape, value_shape, key_shape):
        if len(query_shape) < 3 or len(value_shape) < 3:
            raise DimRangeError(f"{self.name}: query and value must be at least 3-D (batch, steps, features); got "
                             f"query shape {query_shape} and value shape {value_shape}")
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(f"{self.name}: value and key must have the same shape except the last axis; got "
                             f"value shape {value_shape} and key shape {key_shape}")

    # ----- computation -----------------------------------------------------------------------------
    #: Keras's MultiHeadAttention takes the masks off its input tensors, so later layers given the same tensors
    #: see none; its GroupedQueryAttention leaves them on
    _clears_input_masks = True

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        query, value = as_tensor(query), as_tensor(value)
        key_given = key is not None
        key = as_tensor(key) if key_given else value
        if not self.built:
            self.build(tuple(query.shape), tuple(value.shape), tuple(key.shape) if key_given else None)
        self._check_shapes(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        if query.shape[-1] != self._query_features:
            raise ValueError(f"{self.name}: built for queries with {self._query_features} features, got query "
                             f"shape {tuple(query.shape)}; pass queries with that many features or use a new layer")
        if self.flash_attention and return_attention_scores:
            raise ValueError(f"{self.name}: return_attention_scores=True is not available with flash_attention=True")
        query_mask = self._query_mask(query, query_mask)
        value_mask = value_mask if value_mask is not None else masking.get_mask(value)
        if key_given and key_mask is None:
            key_mask = masking.get_mask(key)
        mask = self._combined_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        if self._clears_input_masks:   # as Keras: the masks are used up here, not passed to the projections
            for tensor in (query, value, key):
                masking.set_mask(tensor, None)
        gate = self.gate_dense(query) if self.use_gate else None
        q, k, v = self._projections(query, key, value)
        fused = self.dropout == 0 and not return_attention_scores and query.ndim == 3
        output, scores = self._attend(q, k, v, mask, fused, training)
        output = self.output_dense(output if gate is None else output * gate)
        return (output, scores) if return_attention_scores else output

    def _query_mask(self, query, query_mask):
        """The query mask attention uses: as Keras's MultiHeadAttention, the query's own mask, whatever was passed."""
        return masking.get_mask(query)

    def _projections(self, query, key, value):
        """q, k, v: the inputs through the query, key and value projections."""
        return self.query_dense(query), self.key_dense(key), self.value_dense(value)

    def _combined_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """The AND of every mask that applies, broadcastable to (batch, T, S); None when none does."""
        parts = []
        if query_mask is not None:
            parts.append(masking.as_bool(as_tensor(query_mask)).unsqueeze(-1))
        for step_mask in (value_mask, key_mask):
            if step_mask is not None:
                parts.append(masking.as_bool(as_tensor(step_mask)).unsqueeze(-2))
        t, s = query.shape[1], value.shape[1]
        if use_causal_mask or self.sliding_window is not None:
            rows = ag.arange(t, device=query.device).reshape(1, t, 1)
            cols = ag.arange(s, device=query.device).reshape(1, 1, s)
            if use_causal_mask:
                parts.append(rows >= cols)
            if self.sliding_window is not None:
                parts.append((rows - cols).abs() < self.sliding_window)
        if attention_mask is not None:
            parts.append(masking.as_bool(as_tensor(attention_mask)))
        if not parts:
            return None
        mask = parts[0]
        for part in parts[1:]:
            mask = mask & part
        return mask

    def _attend(self, q, k, v, mask, fused, training):
        """Attention of projected q (..., heads, key_dim) over k, v along the attention axes: (output in q's
        layout with value_dim, probabilities (batch axes..., heads, query attention axes, key attention axes))."""
        rank, axes = q.ndim, self._axes
        batch_axes = [a for a in range(rank - 1) if a not in axes]   # batch, other non-attention axes, heads
        order = batch_axes + list(axes) + [rank - 1]
        q, k, v = q.permute(order), k.permute(order), v.permute(order)
        dtype = q.dtype
        computed = str(dtype)   # the compute dtype (float16 under 'mixed_float16'): Keras's fills follow it
        if fused and q.dtype.itemsize == 2:   # torch's fused CPU kernel computes 16-bit attention in float32
            q, k, v = q.float(), k.float(), v.float()
        nb = len(batch_axes)
        batch, t_shape, s_shape = tuple(q.shape[:nb]), tuple(q.shape[nb:-1]), tuple(k.shape[nb:-1])
        t, s = math.prod(t_shape), math.prod(s_shape)
        q = q.reshape(batch + (t, q.shape[-1]))
        k = k.reshape(batch + (s, k.shape[-1]))
        v = v.reshape(batch + (s, v.shape[-1]))
        scale = 1.0 / math.sqrt(float(self.key_dim))
        logits = (q @ k.transpose(-1, -2)) * scale if fused else (q * scale) @ k.transpose(-1, -2)
        if mask is not None:
            mask = self._mask_for(mask, batch + t_shape + s_shape).reshape(batch + (t, s))
            if fused:   # added, not substituted: masked logits get gradients too, as in the fused kernel
                logits = ag.where(mask, logits, logits + _FUSED_FILL.get(computed, _FUSED_FILL_DEFAULT))
            else:
                logits = ag.where(mask, logits, _SOFTMAX_FILL.get(computed, _SOFTMAX_FILL_DEFAULT))
        probs = F.softmax(logits, dim=-1)
        if mask is not None and not fused:
            probs = ag.where(mask, probs, 0.0)
        dropped = probs
        if training and self.dropout > 0:   # the masks of Keras's Dropout, from its SeedGenerator
            dropped = keras_random.dropout(probs, self.dropout, seed=self._dropout_layer.seed_generator)
        out = dropped @ v
        if fused and mask is not None and computed != "float16":   # float16's fill (-45850) does not swamp the
            # logits in the kernel's float32, so there its backward pass sees the true probabilities.
            # Torch's fused kernel (Keras's torch backend) recomputes the probabilities of a row with nothing to
            # attend to as exp(0) = 1 rather than 1 / s in its backward pass (log(s) vanishes against the fill),
            # so such rows send s times the exact gradient to the logits and to the values. A term that is zero
            # in value and carries (s - 1) times those rows' gradient gives the same numbers.
            empty_rows = ~mask.any(dim=-1, keepdim=True)
            extra = ag.where(empty_rows, probs * float(s - 1), 0.0) @ v
            out = out + (extra - extra.detach())
        out = out.reshape(batch + t_shape + (v.shape[-1],)).to(dtype)
        inverse = [order.index(a) for a in range(rank)]
        return out.permute(inverse), probs.reshape(batch + t_shape + s_shape)

    def _mask_for(self, mask, score_shape):
        """The boolean mask with size-1 axes inserted before the query attention axes (Keras's rule), broadcast
        to the scores' shape."""
        spot, given = -2 * len(self._axes) - 1, tuple(mask.shape)
        while mask.ndim < len(score_shape):
            mask = mask.unsqueeze(spot) if spot + mask.ndim + 1 >= 0 else mask.unsqueeze(0)
        try:
            return mask.expand(score_shape)
        except (ValueError, RuntimeError) as error:
            raise ShapeError(f"{self.name}: the attention mask (with the query/value masks) has shape "
                             f"{given}, which does not broadcast to the attention scores' shape "
                             f"{score_shape}; pass attention_mask of shape (batch, query steps, value steps)") \
                from error


def _fresh_copy(initializer):
    """A new initializer made from `initializer`'s config (one left unseeded draws a new default seed), as
    Keras gives each projection; a function is shared as it is."""
    if isinstance(initializer, initializers.Initializer):
        return type(initializer)(**initializer.get_config())
    return initializer
