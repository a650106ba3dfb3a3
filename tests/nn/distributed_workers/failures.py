"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py failures.py MODE`.

raise: rank 1 raises while rank 0 waits in a collective; the job must end, the message printed once.
mismatch: rank 1 builds a differently shaped layer; wrapping must fail naming the parameter.
"""
import sys

import numpy as np

import nn
from nn import distributed as dist

dist.init()
mode = sys.argv[1]
if mode == "raise":
    if dist.rank() == 1:
        raise ValueError("rank 1 failed on purpose")
    dist.all_reduce(np.ones(4))  # never completes: rank 1 is gone
    dist.barrier()
elif mode == "mismatch":
    width = 5 if dist.rank() == 0 else 6
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, width))
    dist.DistributedDataParallel(model)
