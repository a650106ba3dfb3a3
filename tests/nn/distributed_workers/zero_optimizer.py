"""Run by tests/test_pytorch_leftovers14.py as `mpiexec -n 2 python -m mpi4py zero_optimizer.py`.

ZeroRedundancyOptimizer on two ranks, asserting on each: the shards split the parameters (largest first, to the
rank with fewer elements), each rank holds state for its shard only, 5 AdamW steps (gradients averaged by DDP)
give every rank the parameters of one plain AdamW in one process, the consolidated state dict on rank 0 is the
plain optimiser's, and it loads back into a fresh ZeroRedundancyOptimizer that steps on identically.
"""
import numpy as np

import autograd as ag
import nn
from nn import distributed as dist
from nn.distributed.optim import ZeroRedundancyOptimizer

dist.init()
RANK, WORLD = dist.rank(), dist.world_size()
assert WORLD == 2, WORLD


def model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))


def data():
    rng = np.random.default_rng(1)
    return ag.tensor(rng.normal(size=(16, 6)).astype(np.float32)), ag.tensor(rng.normal(size=(16, 3)).astype(
        np.float32))


def train(net, opt, steps, ddp):
    x, y = data()
    half = slice(RANK * 8, RANK * 8 + 8) if ddp else slice(None)
    runner = dist.DistributedDataParallel(net) if ddp else net
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.mse_loss(runner(x[half]), y[half]).backward()
        opt.step()


plain = model()
reference = nn.optim.AdamW(plain.parameters(), lr=0.05, weight_decay=0.1)
train(plain, reference, 5, ddp=False)

net = model()
zero = ZeroRedundancyOptimizer(net.parameters(), optimizer_class=nn.optim.AdamW, lr=0.05, weight_decay=0.1)
sizes = [sum(p.numel() for g in shard for p in g["params"]) for shard in zero._partition_parameters()]
assert sizes == [48, 24 + 8 + 3], sizes   # the 8x6 weight alone; the 3x8 weight and both biases
train(net, zero, 5, ddp=True)
for p, q in zip(net.parameters(), plain.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=2e-5, atol=2e-6)
assert len(zero.optim.state) == len(zero._partition_parameters()[RANK][0]["params"])
if RANK == 0:
    print("OK steps", flush=True)

zero.consolidate_state_dict(to=0)
if RANK == 0:
    saved = zero.state_dict()
    expected = reference.state_dict()
    assert saved["param_groups"] == expected["param_groups"], (saved["param_groups"], expected["param_groups"])
    assert sorted(saved["state"]) == sorted(expected["state"])
    for k, entries in expected["state"].items():
        for name, value in entries.items():
            np.testing.assert_allclose(np.asarray(saved["state"][k][name].detach().numpy()),
                                       np.asarray(value.detach().numpy()), rtol=2e-5, atol=1e-7)
    print("OK consolidated", flush=True)
else:
    saved = None
    try:
        zero.state_dict()
        raise AssertionError("state_dict() on a rank that did not receive the consolidated state")
    except RuntimeError:
        pass

# every rank loads the global state (rank 0's, broadcast as nn.save/nn.load would hand it round)
saved = reference.state_dict()   # copied: a loaded optimiser shares the buffers of the dict it loads
saved = {"state": {k: {n: v.detach().clone() for n, v in e.items()} for k, e in saved["state"].items()},
         "param_groups": [dict(g) for g in saved["param_groups"]]}
fresh_net = model()
with ag.no_grad():
    for p, q in zip(fresh_net.parameters(), plain.parameters()):
        p.copy_(q)
fresh = ZeroRedundancyOptimizer(fresh_net.parameters(), optimizer_class=nn.optim.AdamW, lr=0.5)
fresh.load_state_dict(saved)
assert fresh.param_groups[0]["lr"] == 0.05 and fresh.optim.param_groups[0]["lr"] == 0.05
train(fresh_net, fresh, 3, ddp=True)
train(plain, reference, 3, ddp=False)
for p, q in zip(fresh_net.parameters(), plain.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=2e-5, atol=2e-6)
if RANK == 0:
    print("OK loaded", flush=True)
