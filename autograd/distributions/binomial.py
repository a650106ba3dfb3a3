"""The module path torch.distributions.binomial has in PyTorch: Binomial, defined in counts.py."""
from .counts import Binomial

__all__ = ["Binomial"]
