"""Dropout layer."""
from .. import functional as F
from ..module import Module


class Dropout(Module):
    """In training mode zero each element with probability p and scale the rest by 1 / (1 - p); identity in
    eval mode. With `inplace=True` the training-mode result is written into the input (as PyTorch)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
