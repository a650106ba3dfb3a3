"""The module path torch.distributions.laplace has in PyTorch: Laplace, defined in continuous.py."""
from .continuous import Laplace

__all__ = ["Laplace"]
