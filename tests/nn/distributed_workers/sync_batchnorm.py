"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py sync_batchnorm.py`.

SyncBatchNorm on two ranks, each holding half of a batch, against one process running BatchNorm on the whole
batch (float64): the outputs, the input gradients and the running statistics equal; the parameter gradients
summed over the ranks equal the one-process ones; a DDP model converted with convert_sync_batchnorm trains
for 5 steps to the weights of one process on the global batch.
"""
import numpy as np

import autograd as ag
import nn
from nn import distributed as dist

dist.init()
RANK, WORLD = dist.rank(), dist.world_size()
assert WORLD == 2, WORLD
rng = np.random.default_rng(0)
X = rng.standard_normal((8, 3, 4, 5)) * 2 + 1
COT = rng.standard_normal((8, 3, 4, 5))
HALF = slice(4 * RANK, 4 * RANK + 4)


def ok(name):
    if RANK == 0:
        print(f"OK {name}", flush=True)


def layers(momentum):
    ag.manual_seed(0)
    sync, single = nn.SyncBatchNorm(3, momentum=momentum).double(), nn.BatchNorm2d(3, momentum=momentum).double()
    with ag.no_grad():
        for layer in (sync, single):
            layer.weight.copy_(ag.tensor([0.5, 1.5, -1.0], dtype=ag.float64))
            layer.bias.copy_(ag.tensor([0.1, -0.2, 0.3], dtype=ag.float64))
    return sync, single


for momentum in (0.1, None):
    sync, single = layers(momentum)
    for step in range(2):
        x_mine = ag.tensor(X[HALF] + step, requires_grad=True)
        x_all = ag.tensor(X + step, requires_grad=True)
        sync.zero_grad()
        single.zero_grad()
        out_mine, out_all = sync(x_mine), single(x_all)
        (out_mine * ag.tensor(COT[HALF])).sum().backward()
        (out_all * ag.tensor(COT)).sum().backward()
        np.testing.assert_allclose(out_mine.numpy(), out_all.numpy()[HALF], atol=1e-12)
        np.testing.assert_allclose(x_mine.grad.numpy(), x_all.grad.numpy()[HALF], atol=1e-12)
        for name in ("weight", "bias"):
            summed = dist.all_reduce(getattr(sync, name).grad.clone(), "sum")
            np.testing.assert_allclose(summed.numpy(), getattr(single, name).grad.numpy(), atol=1e-12)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(sync, name).numpy(), getattr(single, name).numpy(), atol=1e-12)
    sync.eval()
    single.eval()
    np.testing.assert_allclose(sync(ag.tensor(X[HALF])).numpy(), single(ag.tensor(X)).numpy()[HALF], atol=1e-12)
ok("sync batchnorm equals one process")


def model():
    ag.manual_seed(1)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(80, 2)).double()


targets = rng.standard_normal((8, 2))
parallel = dist.DistributedDataParallel(nn.SyncBatchNorm.convert_sync_batchnorm(model()))
alone = model()
opt_parallel = ag.optim.SGD(parallel.parameters(), lr=0.05, momentum=0.9)
opt_alone = ag.optim.SGD(alone.parameters(), lr=0.05, momentum=0.9)
for step in range(5):
    for net, opt, rows in ((parallel, opt_parallel, HALF), (alone, opt_alone, slice(None))):
        opt.zero_grad()
        loss = ((net(ag.tensor(X[rows])) - ag.tensor(targets[rows])) ** 2).mean()
        loss.backward()
        opt.step()
for (name, a), b in zip(parallel.module.state_dict().items(), alone.state_dict().values()):
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-10, err_msg=name)
ok("converted DDP model trains as one process")
