"""GroupNorm: normalise groups of channels within each sample."""
import autograd as ag
from autograd.ops.dims import check_tensor

from ..functional.sample_norm import group_norm
from ..module import Module, Parameter
from autograd.errors import ShapeError, ZeroArgumentError


class GroupNorm(Module):
    """Normalise each of num_groups groups of channels of (N, C, *) per sample; weight (ones) and bias
    (zeros) of shape (C,) when affine (bias only when bias=True)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_groups == 0:
            raise ZeroArgumentError(f"GroupNorm: num_groups must be positive, got 0 (for {num_channels} channels); "
                                    "GroupNorm(1, C) normalizes all channels together")
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = Parameter(ag.ones(num_channels, dtype=dtype, device=device)) if affine else None
        self.bias = Parameter(ag.zeros(num_channels, dtype=dtype, device=device)) if affine and bias else None
        if self.weight is None:
            self.register_parameter("weight", None)
        if self.bias is None:
            self.register_parameter("bias", None)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        # without affine parameters PyTorch takes any channel count the groups divide, as F.group_norm does
        if getattr(input, "ndim", 0) < 2 or self.affine and input.shape[1] != self.num_channels:
            raise ShapeError(f"{self!r}: expected an input (N, {self.num_channels}, *), got shape "
                             f"{getattr(input, 'shape', input)}")
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
