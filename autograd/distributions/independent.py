"""The module path torch.distributions.independent has in PyTorch: Independent, defined in distribution.py."""
from .distribution import Independent

__all__ = ["Independent"]
