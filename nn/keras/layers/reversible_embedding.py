"""keras.layers.ReversibleEmbedding: an Embedding that can also be called in reverse, `layer(hidden, reverse=True)`,
to project hidden vectors back to vocabulary logits — with the transposed embedding table (tie_weights=True, the
weight tying of language models) or with its own (output_dim, input_dim) `reverse_embeddings` weight."""
import numpy as np

from .. import masking
from ..layer import as_tensor
from .embedding import Embedding


class ReversibleEmbedding(Embedding):
    """Forward: ids -> vectors (Embedding); reverse=True: vectors (..., output_dim) -> logits (..., input_dim),
    optionally soft-capped as tanh(logits / logit_soft_cap) * logit_soft_cap."""

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights, self.reverse_dtype, self.logit_soft_cap = tie_weights, reverse_dtype, logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight((self.output_dim, self.input_dim), self.embeddings_initializer,
                                                      name="reverse_embeddings")

    def call(self, inputs, reverse=False):
        if not reverse:
            vectors = super().call(inputs)
            if self.mask_zero:   # as Keras: the mask rides on the output, compute_mask itself answers None
                masking.set_mask(vectors, as_tensor(inputs) != 0)
            return vectors
        if inputs.shape[-1] != self.output_dim:
            raise ValueError(f"{self.name}: reverse=True projects vectors of size output_dim={self.output_dim} to "
                             f"logits, got inputs of shape {tuple(inputs.shape)}; pass (..., {self.output_dim}) "
                             "vectors (token ids go in with reverse=False)")
        kernel = self.embeddings.T if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            dtype = np.dtype(self.reverse_dtype)
            inputs, kernel = inputs.astype(dtype), kernel.astype(dtype)
        logits = inputs @ kernel
        if self.logit_soft_cap is not None:
            logits = (logits / self.logit_soft_cap).tanh() * self.logit_soft_cap
        return logits

    def get_config(self):
        """Embedding's config, then tie_weights, reverse_dtype and logit_soft_cap (Keras's order)."""
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}

    def compute_mask(self, inputs, mask=None):
        """None, as Keras: the forward call attaches the padding mask (mask_zero=True) to its output itself."""
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        """(..., output_dim) forward, (..., input_dim) in reverse."""
        shape = list(input_shape)
        return tuple(shape[:-1] + [self.input_dim]) if reverse else tuple(shape + [self.output_dim])
