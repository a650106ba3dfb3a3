"""torch.utils.data.distributed's public name (`from torch.utils.data.distributed import DistributedSampler`)."""
from .sampler import DistributedSampler

__all__ = ["DistributedSampler"]
