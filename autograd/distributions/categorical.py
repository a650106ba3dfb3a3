"""The module path torch.distributions.categorical has in PyTorch: Categorical, defined in discrete.py."""
from .discrete import Categorical

__all__ = ["Categorical"]
