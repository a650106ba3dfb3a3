"""The module path torch.distributions.exponential has in PyTorch: Exponential, defined in continuous.py."""
from .continuous import Exponential

__all__ = ["Exponential"]
