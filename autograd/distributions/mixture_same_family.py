"""The module path torch.distributions.mixture_same_family has in PyTorch: MixtureSameFamily, defined in mixture.py."""
from .mixture import MixtureSameFamily

__all__ = ["MixtureSameFamily"]
