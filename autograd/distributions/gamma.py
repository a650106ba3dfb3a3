"""The module path torch.distributions.gamma has in PyTorch: Gamma, defined in gamma_family.py."""
from .gamma_family import Gamma

__all__ = ["Gamma"]
