"""GroupQueryAttention (Keras's GroupedQueryAttention): num_query_heads query heads share num_key_value_heads
key/value heads, each key/value head serving num_query_heads // num_key_value_heads query heads. Keras's weights
(EinsumDense sub-layers 'query', 'key', 'value', 'attention_output', and 'gate' with use_gate) and Keras's numbers,
masks and fused/explicit attention paths as in MultiHeadAttention."""
from .. import masking
from ..naming import unique_name
from ..layer import Layer
from ..layer_config import automatic_config
from .core import Dropout
from .multi_head_attention import MultiHeadAttention


class GroupQueryAttention(MultiHeadAttention):
    """Attention of `query` (batch, T, dim) over `value` (batch, S, dim) (keys from `key`, default `value`)
    with grouped key/value heads; returns (batch, T, query dim), and with return_attention_scores the
    probabilities (batch, num_query_heads, T, S) too."""

    _clears_input_masks = False     # Keras's leaves the masks on its inputs for later layers

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        for label, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                             ("num_key_value_heads", num_key_value_heads)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"GroupQueryAttention: {label} must be a positive int, got {value!r}")
        if num_query_heads % num_key_value_heads:
            raise ValueError(f"GroupQueryAttention: num_query_heads ({num_query_heads}) must be divisible by "
                             f"num_key_value_heads ({num_key_value_heads})")
        if kwargs.get("name") is None:   # Keras's class is GroupedQueryAttention, and names follow it
            kwargs["name"] = unique_name("grouped_query_attention")
        super().__init__(num_query_heads, head_dim, dropout=dropout, use_bias=use_bias, sliding_window=sliding_window,
                         flash_attention=flash_attention, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, use_gate=use_gate,
                         seed=seed, **kwargs)
        self.head_dim, self.num_query_heads, self.num_key_value_heads = head_dim, num_query_heads, num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads

    def get_config(self):
        """Keras's config, in its order (use_gate after use_bias, dropout after sliding_window), with the
        initializers, regularizers and constraints in Keras's forms and no flash_attention (Keras leaves it out)."""
        given = automatic_config(GroupQueryAttention, dict(self._constructor_arguments or {}))
        names = ("head_dim", "num_query_heads", "num_key_value_heads", "use_bias", "use_gate", "sliding_window",
                 "dropout", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                 "activity_regularizer", "kernel_constraint", "bias_constraint", "seed")
        return {**Layer.get_config(self), **{name: given.get(name) for name in names}}

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the projections for inputs of these shapes (value defaults to the query's, key to the value's)."""
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        self._shapes = {"query_shape": query_shape, "value_shape": value_shape, "key_shape": key_shape}
        heads_q, heads_kv = (self.num_query_heads, self.head_dim), (self.num_key_value_heads, self.head_dim)
        self.query_dense = self._dense(3, 1, heads_q, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._dense(3, 1, heads_kv, "key")
        self.key_dense.build(key_shape)
        if self.use_gate:
            self.gate_dense = self._dense(3, 1, heads_q, "gate", activation="sigmoid")
            self.gate_dense.build(query_shape)
        self.value_dense = self._dense(3, 1, heads_kv, "value")
        self.value_dense.build(value_shape)
        self._dropout_layer = Dropout(self.dropout, seed=self.seed, dtype=self.dtype_policy)   # as Keras, here
        self._dropout_layer.built = True   # Keras's Dropout is built when made (quantize checks)
        self.output_dense = self._dense(4, 2, (query_shape[-1],), "attention_output")
        self.output_dense.build((None, None) + heads_q)
        self._axes = (1,)
        self._query_features = query_shape[-1]

    def _check_shapes(self, query_shape, value_shape, key_shape):
        if len(query_shape) != 3 or len(value_shape) != 3 or len(key_shape) != 3:
            raise ValueError(f"{self.name}: query, value and key must be 3-D (batch, steps, features); got query "
                             f"{tuple(query_shape)}, value {tuple(value_shape)}, key {tuple(key_shape)}")
        super()._check_shapes(query_shape, value_shape, key_shape)

    def _query_mask(self, query, query_mask):
        """As Keras's GroupedQueryAttention: a query_mask passed in, else the query's own mask."""
        return query_mask if query_mask is not None else masking.get_mask(query)

    def _projections(self, query, key, value):
        q, k, v = super()._projections(query, key, value)
        # each key/value head serves num_repeats query heads
        return q, k.repeat_interleave(self.num_repeats, dim=2), v.repeat_interleave(self.num_repeats, dim=2)
