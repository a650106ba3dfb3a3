"""PyTorch's torch.nn.parallel.distributed, the module DistributedDataParallel is defined in (code imports it from
there: `from torch.nn.parallel.distributed import DistributedDataParallel as DDP`)."""
from ..distributed.ddp import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
