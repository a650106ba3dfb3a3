"""Data-parallel training over several processes: MPI (mpi4py) on the CPU devices, NCCL between GPUs.

    # launch: mpiexec -n 2 python -m mpi4py train.py
    import nn
    from nn import distributed as dist

    dist.init()                                   # the world mpiexec started
    model = dist.DistributedDataParallel(build_model())
    sampler = nn.data.DistributedSampler(dataset, shuffle=True, seed=0)
    loader = nn.data.DataLoader(dataset, batch_size=64, sampler=sampler)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for x, y in loader:
            ...                                   # the usual step; backward averages the gradients

`model.fit(...)` needs none of this: after `init()` it shards the data, averages the gradients and
reports the same numbers on every rank by itself.
"""
from .collectives import ReduceOp, all_gather, all_reduce, broadcast
from .ddp import DistributedDataParallel
from .world import barrier, get_backend, init, is_initialized, is_main_process, rank, world_size
from .torch_names import destroy_process_group, get_rank, get_world_size, init_process_group, is_available
from . import optim   # torch.distributed.optim: ZeroRedundancyOptimizer
from . import nn   # torch.distributed.nn: the collectives inside the graph
import sys as _sys

# `import torch.distributed.nn` after the torch -> autograd rename finds these, not second copies
_sys.modules.setdefault("autograd.distributed.nn", nn)
_sys.modules.setdefault("autograd.distributed.nn.functional", nn.functional)

__all__ = ["init", "is_initialized", "rank", "world_size", "get_backend", "barrier", "is_main_process",
           "all_reduce", "broadcast", "all_gather", "ReduceOp", "DistributedDataParallel",
           "init_process_group", "get_rank", "get_world_size", "destroy_process_group", "is_available"]
