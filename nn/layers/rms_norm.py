"""RMSNorm: normalise by the root mean square over the last dimensions (PyTorch's parameters)."""
import numbers

import autograd as ag

from .. import functional as F
from .. import init
from ..module import Module, Parameter


class RMSNorm(Module):
    """Divide by the root mean square over the last dimensions `normalized_shape`, then scale by weight (of
    that shape, ones) when elementwise_affine. eps=None: the machine epsilon of the computation's dtype."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ag.ones(self.normalized_shape, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self):
        """Weight back to ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
