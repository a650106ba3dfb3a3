"""The module path torch.distributions.half_normal has in PyTorch: HalfNormal, defined in derived.py."""
from .derived import HalfNormal

__all__ = ["HalfNormal"]
