"""The module path torch.distributions.poisson has in PyTorch: Poisson, defined in counts.py."""
from .counts import Poisson

__all__ = ["Poisson"]
