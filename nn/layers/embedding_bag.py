"""EmbeddingBag: the sum, mean or max of the embedding vectors of each bag of indices."""
from autograd.ops.dims import check_tensor

from ..functional.embedding_bag import MODES, embedding_bag
from ..module import Module, Parameter
from .embedding import lookup_table


class EmbeddingBag(Module):
    """num_embeddings vectors of size embedding_dim (weight initialised N(0, 1), the padding_idx row zero),
    reduced per bag by `mode` ('sum', 'mean' or 'max'). Input: a 2-D (bags, indices) tensor, or a 1-D one with
    offsets, the start of each bag; see F.embedding_bag."""

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__()
        name = type(self).__name__
        if mode not in MODES:
            raise ValueError(f"{name}: mode must be one of {MODES}, got {mode!r}")
        padding_idx, weight = lookup_table(name, num_embeddings, embedding_dim, padding_idx, _weight, device, dtype)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, bool(sparse), include_last_offset
        self.padding_idx = padding_idx
        self.weight = Parameter(weight)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        """An EmbeddingBag whose weight is the 2-D tensor `embeddings`; frozen (no gradient) by default."""
        if getattr(embeddings, "ndim", None) != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be a 2-D tensor, got shape "
                             f"{tuple(getattr(embeddings, 'shape', ()))}")
        bag = cls(*embeddings.shape, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag

    def forward(self, input, offsets=None, per_sample_weights=None):
        check_tensor(type(self).__name__, input)
        try:
            return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                                 self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                                 self.include_last_offset, self.padding_idx)
        except ValueError as err:   # the functional form names itself; name the layer too
            raise ValueError(f"{self!r}: {err}") from None

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        text += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
