"""The module path torch.distributions.chi2 has in PyTorch: Chi2, defined in gamma_family.py."""
from .gamma_family import Chi2

__all__ = ["Chi2"]
