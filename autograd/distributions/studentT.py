"""The module path torch.distributions.studentT has in PyTorch: StudentT, defined in gamma_family.py."""
from .gamma_family import StudentT

__all__ = ["StudentT"]
