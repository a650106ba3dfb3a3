"""Embedding layer: a lookup table of learnable vectors."""
import autograd as ag
from autograd import arrays
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..module import Module, Parameter


class Embedding(Module):
    """num_embeddings vectors of size embedding_dim, weight initialised N(0, 1) as PyTorch; the row at
    padding_idx starts at zero and gets no gradient. Input: integer indices of any shape."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx={padding_idx} must lie in [-{num_embeddings}, "
                                 f"{num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        weight = ag.randn(num_embeddings, embedding_dim)
        if padding_idx is not None:
            arrays.array(weight)[padding_idx] = 0
        self.weight = Parameter(weight)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
