"""The module path torch.distributions.geometric has in PyTorch: Geometric, defined in counts.py."""
from .counts import Geometric

__all__ = ["Geometric"]
