"""PyTorch's torch.nn.parallel path to DistributedDataParallel (the class lives in nn.distributed)."""
from ..distributed.ddp import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
