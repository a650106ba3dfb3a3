"""torch.utils.data.dataloader's public names (`from torch.utils.data.dataloader import DataLoader` ports as is)."""
from .iterable import get_worker_info
from .loader import DataLoader, default_collate, default_convert

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]
