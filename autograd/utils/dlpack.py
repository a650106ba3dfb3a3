"""torch.utils.dlpack's counterpart: to_dlpack and from_dlpack (autograd/dlpack_api.py)."""
from ..dlpack_api import from_dlpack, to_dlpack

__all__ = ["from_dlpack", "to_dlpack"]
