"""The module path torch.distributions.log_normal has in PyTorch: LogNormal, defined in derived.py."""
from .derived import LogNormal

__all__ = ["LogNormal"]
