"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py ddp_steps.py [device [backend]]`.

Checks, asserting on the ranks (a failure ends the job with a traceback and a non-zero exit):
collectives; 20 DistributedDataParallel steps bit-identical across ranks and equal to one process on
the global batch; no_sync accumulation equal to one big step; BatchNorm buffers taken from rank 0.
"""
import sys

import numpy as np

import autograd as ag
import nn
from autograd import arrays
import nn.functional as F
from nn import distributed as dist

DEVICE = sys.argv[1] if len(sys.argv) > 1 else "cpu"
ag.set_default_device(DEVICE)
dist.init(sys.argv[2] if len(sys.argv) > 2 else None)
RANK, WORLD = dist.rank(), dist.world_size()
assert WORLD == 2, WORLD


def ok(name):
    if RANK == 0:
        print(f"OK {name}", flush=True)


def check_collectives():
    t = ag.tensor(np.full(3, RANK + 1.0, np.float32))
    assert dist.all_reduce(t) is t and t.tolist() == [3.0] * 3
    a = np.full((2, 2), RANK + 1.0)
    dist.all_reduce(a, op="mean")
    assert np.all(a == 1.5)
    b = np.array([RANK, -RANK], np.int64)
    dist.all_reduce(b, dist.ReduceOp.MAX)
    assert b.tolist() == [1, 0]
    assert dist.all_reduce(RANK + 1) == 3 and dist.all_reduce(float(RANK), "mean") == 0.5
    strided = np.arange(6.0).reshape(2, 3)[:, ::2] * (RANK + 1)  # not contiguous: reduced through a copy
    dist.all_reduce(strided)
    assert strided.tolist() == [[0.0, 6.0], [9.0, 15.0]]
    c = ag.tensor(np.arange(4, dtype=np.float32) * (RANK + 10))
    dist.broadcast(c, src=1)
    assert c.tolist() == [0.0, 11.0, 22.0, 33.0]
    parts = dist.all_gather(ag.tensor([float(RANK)] * 2))
    assert [p.tolist() for p in parts] == [[0.0, 0.0], [1.0, 1.0]]
    filled = [None, None]
    dist.all_gather(filled, ag.tensor([RANK]))
    assert [f.tolist() for f in filled] == [[0], [1]]
    assert dist.all_gather(np.array([RANK * 2.0]))[1][0] == 2.0
    try:
        dist.all_reduce(np.ones(2, np.int64), "mean")
    except TypeError as exc:
        assert "floating-point" in str(exc)
    else:
        raise AssertionError("mean of integers should be refused")
    dist.barrier()
    ok("collectives")


class Net(nn.Module):
    """fc2 used twice, `extra` only where asked (one rank, some steps), `unused` never."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.head = nn.Linear(8, 16), nn.Linear(16, 16), nn.Linear(16, 3)
        self.extra, self.unused = nn.Linear(16, 3), nn.Linear(4, 4)

    def forward(self, x, use_extra=False):
        h = F.relu(self.fc2(F.relu(self.fc2(F.relu(self.fc1(x))))))
        out = self.head(h)
        return out + self.extra(h) if use_extra else out


def batch(step, n=16):
    rng = np.random.default_rng(1000 + step)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    y = rng.integers(0, 3, n).astype(np.int64)
    return x, y


def params_of(model):
    return [p.numpy().copy() for p in model.parameters()]


def assert_same_on_every_rank(model, what):
    for name, p in model.named_parameters():
        theirs = dist.all_gather(np.ascontiguousarray(p.numpy()))
        assert np.array_equal(theirs[0], theirs[1]), f"{what}: {name} differs between ranks"


def check_training_steps(as_view, steps=20):
    ag.manual_seed(100 + RANK)  # different initial weights per rank: the wrap must copy rank 0's
    model = Net()
    ddp = dist.DistributedDataParallel(model, bucket_cap_mb=0.0005, first_bucket_mb=0.0002,
                                       gradient_as_bucket_view=as_view)
    assert len(ddp._reducer.buckets) > 2
    start = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(steps):
        x, y = batch(step)
        mine = slice(RANK * 8, RANK * 8 + 8)
        opt.zero_grad(set_to_none=(step % 3 != 0))  # zeroing in place writes into the buckets in view mode
        loss = F.cross_entropy(ddp(ag.tensor(x[mine]), use_extra=(RANK == 0 and step % 2 == 0)),
                               ag.tensor(y[mine]))
        loss.backward()
        assert model.unused.weight.grad is None
        if step % 3 != 0:
            assert (model.extra.weight.grad is None) == (step % 2 == 1)
        opt.step()
    assert_same_on_every_rank(model, "after 20 steps")

    reference = Net()
    reference.load_state_dict(start)
    ref_opt = nn.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9)
    for step in range(steps):
        x, y = batch(step)
        ref_opt.zero_grad(set_to_none=(step % 3 != 0))
        losses = [F.cross_entropy(reference(ag.tensor(x[r * 8:r * 8 + 8]), use_extra=(r == 0 and step % 2 == 0)),
                                  ag.tensor(y[r * 8:r * 8 + 8])) for r in range(WORLD)]
        (sum(losses[1:], losses[0]) / WORLD).backward()
        ref_opt.step()
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
    assert ddp.wait_time >= 0.0
    ddp.remove_hooks()
    ok("20 steps" + (" as bucket views" if as_view else ""))


def check_no_sync(as_view):
    ag.manual_seed(7)
    model = Net()
    ddp = dist.DistributedDataParallel(model, gradient_as_bucket_view=as_view)
    start = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    (x1, y1), (x2, y2) = batch(50), batch(51)
    mine = slice(RANK * 8, RANK * 8 + 8)
    opt.zero_grad()
    with ddp.no_sync():
        F.cross_entropy(ddp(ag.tensor(x1[mine])), ag.tensor(y1[mine])).backward()
    local = model.fc1.weight.grad.numpy().copy()
    others = dist.all_gather(local)
    assert not np.array_equal(others[0], others[1]), "no_sync must not average"
    F.cross_entropy(ddp(ag.tensor(x2[mine])), ag.tensor(y2[mine])).backward()
    opt.step()
    assert_same_on_every_rank(model, "after no_sync accumulation")

    reference = Net()
    reference.load_state_dict(start)
    ref_opt = nn.optim.SGD(reference.parameters(), lr=0.5)
    ref_opt.zero_grad()
    total = None
    for x, y in ((x1, y1), (x2, y2)):
        for r in range(WORLD):
            part = F.cross_entropy(reference(ag.tensor(x[r * 8:r * 8 + 8])), ag.tensor(y[r * 8:r * 8 + 8]))
            total = part if total is None else total + part
    (total / WORLD).backward()
    ref_opt.step()
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)
    ddp.remove_hooks()
    ok("no_sync" + (" as bucket views" if as_view else ""))


def check_batchnorm_buffers():
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2))
    bn = model[1]
    arrays.assign_(bn.running_mean, float(RANK + 5))
    ddp = dist.DistributedDataParallel(model)
    assert np.all(bn.running_mean.numpy() == 5.0), "buffers must come from rank 0 at wrap time"
    x = ag.tensor(np.random.default_rng(RANK).standard_normal((8, 4)).astype(np.float32))
    ddp(x).sum().backward()  # local statistics: the ranks' running means now differ
    same = ag.tensor(np.random.default_rng(99).standard_normal((8, 4)).astype(np.float32))
    ddp(same).sum().backward()  # starts from rank 0's running statistics on every rank
    means = dist.all_gather(np.ascontiguousarray(bn.running_mean.numpy()))
    assert np.array_equal(means[0], means[1]), "running statistics must be rank 0's before each forward"
    assert_same_on_every_rank(model, "batchnorm model")
    ddp.remove_hooks()
    ok("batchnorm buffers")


check_collectives()
for as_view in (False, True):
    check_training_steps(as_view)
    check_no_sync(as_view)
check_batchnorm_buffers()
