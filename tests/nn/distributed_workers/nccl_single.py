"""Run by tests/nn/test_distributed.py on a GPU as `mpiexec -n 1 python -m mpi4py nccl_single.py`: the NCCL
backend with world size 1 (collectives, a non-blocking bucket, DistributedDataParallel steps)."""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
from autograd import arrays
from nn import distributed as dist

ag.set_default_device("cuda")
dist.init()
assert dist.get_backend() == "nccl" and dist.world_size() == 1
t = ag.tensor(np.arange(4, dtype=np.float32), device="cuda")
assert dist.all_reduce(t, "mean").tolist() == [0.0, 1.0, 2.0, 3.0]
assert dist.broadcast(t).tolist() == [0.0, 1.0, 2.0, 3.0]
assert [p.tolist() for p in dist.all_gather(t)] == [[0.0, 1.0, 2.0, 3.0]]
backend = dist.world._world.backend
flat = ag.ones(5, device="cuda")
request = backend.start_all_reduce(arrays.array(flat))
request.wait()
assert flat.tolist() == [1.0] * 5
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to("cuda")
ddp = dist.DistributedDataParallel(model)
opt = nn.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    F.cross_entropy(ddp(ag.randn(6, 4, device="cuda")), ag.tensor([0, 1, 0, 1, 0, 1], device="cuda")).backward()
    opt.step()
dist.barrier()
print("OK nccl", flush=True)
