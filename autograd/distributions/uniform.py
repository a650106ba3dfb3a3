"""The module path torch.distributions.uniform has in PyTorch: Uniform, defined in continuous.py."""
from .continuous import Uniform

__all__ = ["Uniform"]
