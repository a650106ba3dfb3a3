"""Embedding layer: a lookup table of learnable vectors."""
import numbers

import autograd as ag
from autograd import arrays
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..module import Module, Parameter
from autograd.errors import ArgumentError, ShapeError
from autograd.nested import is_nested


class Embedding(Module):
    """num_embeddings vectors of size embedding_dim, weight initialised N(0, 1) as PyTorch; the row at
    padding_idx starts at zero and gets no gradient. Input: integer indices of any shape.

    max_norm renormalises looked-up rows in place to at most that norm_type-norm; scale_grad_by_freq
    divides each row's gradient by its index's count in the batch (both as F.embedding); sparse=True gives
    the weight a sparse COO gradient of the looked-up rows."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        padding_idx, weight = lookup_table("Embedding", num_embeddings, embedding_dim, padding_idx, _weight,
                                           device, dtype)
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.sparse = bool(sparse)
        self.weight = Parameter(weight, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is (a copy-free view of) the 2-D tensor `embeddings`; frozen by default."""
        if getattr(embeddings, "ndim", None) != 2:
            raise ArgumentError(f"Embedding.from_pretrained: embeddings must be a 2-D tensor, got shape "
                                f"{tuple(getattr(embeddings, 'shape', ()))}; a (num_embeddings, embedding_dim) "
                                "table")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)

    def forward(self, input):
        if not is_nested(input):   # a nested index tensor looks up its values (as PyTorch's jagged ones)
            check_tensor(type(self).__name__, input)
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        if self.sparse:
            text += ", sparse=True"
        return text


def lookup_table(name, num_embeddings, embedding_dim, padding_idx, _weight, device, dtype):
    """(padding_idx made non-negative, the initial weight): N(0, 1) with the padding_idx row zero as
    PyTorch, or a detached `_weight` of shape (num_embeddings, embedding_dim). Raises ValueError naming
    the layer for a padding_idx out of range or a `_weight` of the wrong shape."""
    for label, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{name}: {label} must be an int, got {type(n).__name__} {n!r}; pass a whole number")
        if n < 0:
            raise ShapeError(f"{name}: Trying to create tensor with negative dimension {n}: [{num_embeddings}, "
                             f"{embedding_dim}]; {label} must be >= 0")
    if padding_idx is not None:
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise ArgumentError(f"{name}: padding_idx={padding_idx} must lie in [-{num_embeddings}, "
                                f"{num_embeddings})")
        padding_idx %= num_embeddings
    if _weight is None:
        weight = ag.randn(num_embeddings, embedding_dim, device=device, dtype=dtype)
        if padding_idx is not None:
            arrays.array(weight)[padding_idx] = 0
        return padding_idx, weight
    if tuple(_weight.shape) != (num_embeddings, embedding_dim):
        raise ArgumentError(f"{name}: _weight has shape {tuple(_weight.shape)}, expected "
                            f"({num_embeddings}, {embedding_dim}) (num_embeddings, embedding_dim)")
    return padding_idx, _weight.detach()
