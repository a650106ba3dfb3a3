"""Ready-made parametrizations (PyTorch's torch.nn.utils.parametrizations), registered through
nn.utils.parametrize: weight_norm here, orthogonal (nn/utils/orthogonal.py) and spectral_norm
(nn/utils/spectral_norm_parametrization.py)."""
from ..module import Module
from .parametrize import register_parametrization
from .weight_norm import norm_except_dim, weight_norm_of
from .orthogonal import orthogonal
from .spectral_norm_parametrization import spectral_norm

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    """weight = weight_v * (weight_g / norm_except_dim(weight_v, dim)), from original0 = g and original1 = v."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_norm_of(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        """(g, v): the weight's norm over every dim but `dim`, and the weight itself."""
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Weight normalisation as a parametrization: `module.parametrizations.<name>.original0` is the magnitude g,
    `original1` the direction v, and `module.<name>` is computed from them on each read. Returns the module."""
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
