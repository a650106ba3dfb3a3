"""The module path torch.distributions.cauchy has in PyTorch: Cauchy, defined in continuous.py."""
from .continuous import Cauchy

__all__ = ["Cauchy"]
