"""PReLU (learned negative slope), GLU (gated linear unit) and Softmax2d (softmax over channels)."""
import autograd as ag
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..functional.gating import glu, prelu
from ..module import Module, Parameter


class PReLU(Module):
    """max(0, x) + weight * min(0, x) with a learned slope: one shared (num_parameters=1) or one per channel
    (num_parameters = C, dim 1 of the input); weight (num_parameters,) starts at `init`."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(ag.full((num_parameters,), init, dtype=dtype, device=device))

    def forward(self, input):
        return prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """a * sigmoid(b) for the two halves a, b of the input along `dim` (its size halves)."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels at every spatial position of (N, C, H, W) or (C, H, W)."""

    def forward(self, input):
        check_tensor("Softmax2d", input)
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expects an input (N, C, H, W) or (C, H, W), got shape {input.shape}; "
                             "for other ranks use nn.Softmax(dim=...)")
        return F.softmax(input, -3)
