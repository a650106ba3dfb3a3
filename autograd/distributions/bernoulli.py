"""The module path torch.distributions.bernoulli has in PyTorch: Bernoulli, defined in discrete.py."""
from .discrete import Bernoulli

__all__ = ["Bernoulli"]
