"""keras.layers.Embedding: integer indices -> rows of a (input_dim, output_dim) table."""
from ... import functional as F
from ..layer import Layer


class Embedding(Layer):
    """Looks up `embeddings[inputs]`; inputs are integer indices in [0, input_dim)."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        super().__init__(**kwargs)
        if mask_zero:
            raise ValueError("Embedding: mask_zero=True (masking padded steps in later layers) is not supported; "
                             "pad sequences and leave mask_zero=False")
        if embeddings_constraint is not None:
            raise ValueError("Embedding: embeddings_constraint is not supported")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer, self.embeddings_regularizer = embeddings_initializer, embeddings_regularizer

    def build(self, input_shape=None):
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer, name="embeddings")

    def call(self, inputs):
        if inputs.dtype.kind not in "iu":
            inputs = inputs.long()
        return F.embedding(inputs, self.embeddings)
