"""The module path torch.distributions.half_cauchy has in PyTorch: HalfCauchy, defined in derived.py."""
from .derived import HalfCauchy

__all__ = ["HalfCauchy"]
