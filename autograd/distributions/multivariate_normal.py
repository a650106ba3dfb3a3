"""The module path torch.distributions.multivariate_normal has in PyTorch: MultivariateNormal,
defined in multivariate.py."""
from .multivariate import MultivariateNormal

__all__ = ["MultivariateNormal"]
