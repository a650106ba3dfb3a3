"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py torch_port.py OUT.npz`.

A PyTorch DDP script with only its imports changed: init_process_group("gloo"), get_rank/get_world_size,
torch.nn.parallel.DistributedDataParallel with PyTorch's arguments, DistributedSampler with set_epoch,
no_sync accumulation, all_reduce of a metric (async_op), rank-0-only saving, destroy_process_group.
Rank 0 writes the final parameters to OUT.npz for the test to compare with PyTorch.
"""
import sys

import numpy as np

import autograd as torch
import nn
import nn.functional as F
from nn.data import DataLoader, DistributedSampler, TensorDataset
from nn.parallel import DistributedDataParallel as DDP

dist = torch.distributed
try:
    dist.init_process_group("gloo", world_size=3)
except ValueError as exc:
    assert "world_size=3 but mpiexec started this process with world_size 2" in str(exc), exc
else:
    raise AssertionError("a world_size that mpiexec did not start should be refused")
dist.init_process_group("gloo", rank=int(dist.get_rank()), world_size=2)
rank, world = dist.get_rank(), dist.get_world_size()
assert dist.is_available() and dist.is_initialized() and world == 2

rng = np.random.default_rng(0)
x = rng.standard_normal((96, 5)).astype(np.float32)
y = rng.integers(0, 3, 96)
dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
init = {k: v.numpy().copy() for k, v in model.state_dict().items()}
model = DDP(model, device_ids=None, find_unused_parameters=True)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
sampler = DistributedSampler(dataset, shuffle=False)
loader = DataLoader(dataset, batch_size=8, sampler=sampler)
ACCUM = 2
for epoch in range(2):
    sampler.set_epoch(epoch)
    seen = torch.zeros(1)
    for step, (xb, yb) in enumerate(loader):
        if (step + 1) % ACCUM:
            with model.no_sync():
                (F.cross_entropy(model(xb), yb) / ACCUM).backward()
        else:
            (F.cross_entropy(model(xb), yb) / ACCUM).backward()
            optimizer.step()
            optimizer.zero_grad()
        seen += len(yb)
    dist.all_reduce(seen, op=dist.ReduceOp.SUM, async_op=True).wait()
    assert seen.item() == 96, seen
if rank == 0:
    np.savez(sys.argv[1], **{f"init.{k}": v for k, v in init.items()},
             **{f"final.{k}": v.numpy() for k, v in model.module.state_dict().items()})
dist.barrier()
dist.destroy_process_group()
assert not dist.is_initialized()
