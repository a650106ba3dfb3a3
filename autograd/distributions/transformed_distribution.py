"""The module path torch.distributions.transformed_distribution has in PyTorch: TransformedDistribution,
defined in transformed.py."""
from .transformed import TransformedDistribution

__all__ = ["TransformedDistribution"]
