"""The module path torch.distributions.multinomial has in PyTorch: Multinomial, defined in one_hot.py."""
from .one_hot import Multinomial

__all__ = ["Multinomial"]
