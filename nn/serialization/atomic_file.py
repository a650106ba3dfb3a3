"""nn's name for autograd.atomic_file (written files are replaced whole or not at all)."""
from autograd.atomic_file import write_atomically

__all__ = ["write_atomically"]
