"""The module path torch.distributions.gumbel has in PyTorch: Gumbel, defined in derived.py."""
from .derived import Gumbel

__all__ = ["Gumbel"]
