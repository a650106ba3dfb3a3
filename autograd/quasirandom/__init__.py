"""torch.quasirandom: low-discrepancy sequences (SobolEngine)."""
from .sobol import SobolEngine

__all__ = ["SobolEngine"]
