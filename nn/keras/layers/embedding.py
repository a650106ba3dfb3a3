"""keras.layers.Embedding: integer indices -> rows of a (input_dim, output_dim) table; with mask_zero=True index 0
is padding and the output carries the mask `inputs != 0`."""
from ... import functional as F
from ..context import in_shape_probe
from ..layer import Layer, as_tensor


class Embedding(Layer):
    """Looks up `embeddings[inputs]`; inputs are integer indices in [0, input_dim)."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.embeddings_initializer, self.embeddings_regularizer = embeddings_initializer, embeddings_regularizer
        self.embeddings_constraint = embeddings_constraint

    def build(self, input_shape=None):
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")

    def call(self, inputs):
        if inputs.dtype.kind not in "iu":
            inputs = inputs.long()
        if in_shape_probe():   # placeholder ids (an unknown length probed as 32 positions, say) may not fit the table
            inputs = inputs.clamp(0, self.input_dim - 1)
        return F.embedding(inputs, self.embeddings)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` (a Tensor, for NumPy inputs too) with mask_zero=True, else None."""
        return as_tensor(inputs) != 0 if self.mask_zero else None
