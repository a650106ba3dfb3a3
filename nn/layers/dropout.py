"""Dropout layers: Dropout, AlphaDropout and FeatureAlphaDropout."""
import numbers

from .. import functional as F
from ..module import Module


class Dropout(Module):
    """In training mode zero each element with probability p and scale the rest by 1 / (1 - p); identity in
    eval mode. With `inplace=True` the training-mode result is written into the input (as PyTorch)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not isinstance(p, numbers.Real):   # PyTorch's comparison fails with a TypeError
            raise TypeError(f"Dropout: p must be a probability in [0, 1], got {type(p).__name__} {p!r}")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class AlphaDropout(Module):
    """Alpha dropout for self-normalising (SELU) networks: in training mode set elements to SELU's negative
    saturation with probability p, then restore zero mean and unit variance; identity in eval mode."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"AlphaDropout: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        # PyTorch's AlphaDropout does not pass `inplace` on either: it always returns a new tensor
        return F.alpha_dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class FeatureAlphaDropout(Module):
    """Alpha dropout of whole channels (dim 1 of an (N, C, *) input): in training mode set each channel to SELU's
    negative saturation with probability p, then restore zero mean and unit variance; identity in eval mode."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"FeatureAlphaDropout: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        # as PyTorch's FeatureAlphaDropout, `inplace` is not passed on: the result is always a new tensor
        return F.feature_alpha_dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
