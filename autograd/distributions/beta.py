"""The module path torch.distributions.beta has in PyTorch: Beta, defined in dirichlet.py."""
from .dirichlet import Beta

__all__ = ["Beta"]
