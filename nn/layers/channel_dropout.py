"""Channel-wise dropout layers: Dropout1d, Dropout2d, Dropout3d zero whole channels in training."""
from autograd.ops.dims import check_tensor

from ..functional.channel_dropout import dropout1d, dropout2d, dropout3d
from ..module import Module


class _ChannelDropout(Module):
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_ChannelDropout):
    """In training zero each channel of (N, C, L) or (C, L) with probability p, scaling the rest by 1 / (1 - p)."""

    _fn = staticmethod(dropout1d)


class Dropout2d(_ChannelDropout):
    """In training zero each channel of (N, C, H, W) or (C, H, W) with probability p, scaling the rest by
    1 / (1 - p) (a 3-D input is read as (N, C, L), as in PyTorch)."""

    _fn = staticmethod(dropout2d)


class Dropout3d(_ChannelDropout):
    """In training zero each channel of (N, C, D, H, W) or (C, D, H, W) with probability p, scaling the rest by
    1 / (1 - p)."""

    _fn = staticmethod(dropout3d)
