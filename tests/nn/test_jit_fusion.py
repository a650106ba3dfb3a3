"""ag.jit's lowered replay: elementwise chains and Linear written into buffers, fused into generated
kernels on numba, bit for bit equal to eager mode (forward, gradients) and to the unlowered replay."""
import os

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.jit import plan as plan_module
from autograd.jit.plan import Plan

CPU_DEVICES = ("cpu", "numba")


def _host(device):
    if device not in CPU_DEVICES:
        pytest.skip("the lowered replay is the CPU devices' (cuda replays CUDA graphs)")


def chain(x, w):
    """Every lowered elementwise op, each output feeding the next, two leaves used several times."""
    t = x * 0.5 + 0.1
    t = ag.tanh(t) * w
    t = ag.sigmoid(t) - x
    t = ag.exp(t) / (w * w + 1.0)
    t = ag.relu(t - 0.2) + t ** 2
    t = ag.log(t + 2.0) * ag.sqrt(w * w + 0.5)
    t = ag.where(x > 0, t, -t) + t ** 3
    return (t * x).sum()


def _leaves(device, n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal(n).astype(np.float32), device=device, requires_grad=True)
    w = ag.tensor(rng.standard_normal(n).astype(np.float32), device=device, requires_grad=True)
    return x, w


def _run(device, compiled, calls=6, n=16):
    x, w = _leaves(device, n)

    def step(scale):
        x.grad = w.grad = None
        loss = chain(x * scale, w)
        loss.backward()
        return loss

    run = ag.jit(step) if compiled else step
    rng = np.random.default_rng(5)
    out = []
    for _ in range(calls):
        scale = ag.tensor(rng.uniform(0.5, 1.5, n).astype(np.float32), device=device)
        loss = run(scale)
        out.append((loss.numpy().copy(), x.grad.numpy().copy(), w.grad.numpy().copy()))
    return out, run


def _plan(step):
    return [p for p in step._plans.values() if isinstance(p, Plan)][-1]


def test_fused_chain_equals_eager_bit_for_bit(device):
    _host(device)
    eager, _ = _run(device, False)
    compiled, step = _run(device, True)
    assert (step.eager_calls, step.captures, step.replays) == (1, 1, 4)
    for (la, xa, wa), (lb, xb, wb) in zip(eager, compiled):
        np.testing.assert_array_equal(la, lb)
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(wa, wb)
    plan = _plan(step)
    assert plan.lowered > 30
    if device == "numba":
        assert plan.kernels >= 2        # fused runs, split only at NumPy's exp / log / tanh / power
    else:
        assert plan.kernels == 0


def test_lowered_replay_equals_unlowered_replay(device, monkeypatch):
    _host(device)
    runs = {}
    for lowering in (False, True):
        monkeypatch.setattr(plan_module, "LOWERING", lowering)
        runs[lowering], step = _run(device, True)
        assert (_plan(step).lowered > 0) == lowering
    for a, b in zip(runs[False], runs[True]):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)


def test_broadcasting_ops_replay_unlowered_and_exact(device):
    _host(device)
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.standard_normal((4, 3)).astype(np.float32), device=device, requires_grad=True)
    b = ag.tensor(rng.standard_normal(3).astype(np.float32), device=device, requires_grad=True)

    def step():
        x.grad = b.grad = None
        loss = (ag.tanh(x * b + b) - b / (x * x + 1.0)).sum()
        loss.backward()
        return loss

    ref = [(step().numpy().copy(), x.grad.numpy().copy(), b.grad.numpy().copy()) for _ in range(2)][-1]
    jitted = ag.jit(step)
    for _ in range(4):
        loss = jitted()
        np.testing.assert_array_equal(loss.numpy(), ref[0])
        np.testing.assert_array_equal(x.grad.numpy(), ref[1])
        np.testing.assert_array_equal(b.grad.numpy(), ref[2])


def test_shape_change_captures_again_and_stays_exact(device):
    _host(device)
    w = ag.tensor(np.linspace(-1, 1, 16, dtype=np.float32), device=device, requires_grad=True)

    @ag.jit
    def step(x):
        w.grad = None
        loss = (ag.sigmoid(x * w[: x.shape[0]]) * x).sum()
        loss.backward()
        return loss

    def eager(x_np):
        wt = ag.tensor(w.numpy(), device=device, requires_grad=True)
        x = ag.tensor(x_np, device=device)
        loss = (ag.sigmoid(x * wt[: x.shape[0]]) * x).sum()
        loss.backward()
        return loss.numpy(), wt.grad.numpy()

    rng = np.random.default_rng(3)
    for n, calls in ((16, 3), (8, 3), (16, 2)):
        for _ in range(calls):
            x_np = rng.standard_normal(n).astype(np.float32)
            loss = step(ag.tensor(x_np, device=device))
            want_loss, want_grad = eager(x_np)
            np.testing.assert_array_equal(loss.numpy(), want_loss)
            np.testing.assert_array_equal(w.grad.numpy(), want_grad)
    assert step.captures == 2 and step.eager_calls == 2 and step.replays == 4


def test_step_that_clears_grad_replaces_it_on_replay(device):
    _host(device)
    x, _ = _leaves(device)

    def step():
        x.grad = None           # not replayed: the replay must still start .grad afresh
        (ag.tanh(x) * x).sum().backward()

    step()
    ref = x.grad.numpy().copy()
    jitted = ag.jit(step)
    for _ in range(4):
        jitted()
        np.testing.assert_array_equal(x.grad.numpy(), ref)


def test_accumulating_step_still_adds(device):
    _host(device)
    runs = []
    for compiled in (False, True):
        x, _ = _leaves(device)

        def step():
            (ag.tanh(x) * x).sum().backward()    # no zero_grad: each call adds to .grad

        run = ag.jit(step) if compiled else step
        grads = []
        for _ in range(5):
            run()
            grads.append(x.grad.numpy().copy())
        runs.append(grads)
    assert not np.array_equal(runs[1][0], runs[1][-1])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_returned_tensors_do_not_share_replay_buffers(device):
    _host(device)
    x, _ = _leaves(device)

    @ag.jit
    def step(s):
        return ag.tanh(x.detach() * s) + 1.0

    outs = [step(ag.tensor(np.full(16, float(k), np.float32), device=device)) for k in range(5)]
    for k, out in enumerate(outs):
        np.testing.assert_array_equal(out.numpy(), np.tanh(x.numpy() * np.float32(k)) + np.float32(1.0))


def test_linear_model_lowered_and_exact(device):
    _host(device)
    ag.manual_seed(0)

    def make():
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
        return model, nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    rng = np.random.default_rng(4)
    data = [(rng.standard_normal((5, 6)).astype(np.float32), rng.integers(0, 3, 5)) for _ in range(6)]
    results = []
    for compiled in (False, True):
        model, opt = make()

        def step(x, y):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        run = ag.jit(step) if compiled else step
        losses = [run(ag.tensor(x, device=device), ag.tensor(y, device=device)).numpy().copy() for x, y in data]
        results.append((losses, [p.numpy().copy() for p in model.parameters()]))
        if compiled:
            assert _plan(run).lowered >= 6       # both Linear forwards and backwards, the ReLU
    for a, b in zip(results[0][0] + results[0][1], results[1][0] + results[1][1]):
        np.testing.assert_array_equal(a, b)


def test_step_over_two_devices_replays_unlowered():
    pytest.importorskip("numba")
    x, _ = _leaves("cpu")
    y = ag.tensor(np.linspace(0, 1, 16, dtype=np.float32), device="numba", requires_grad=True)

    def step():
        x.grad = y.grad = None
        a = ag.tanh(x) * 2.0
        b = ag.sigmoid(y) + 1.0
        (a.to("numba") * b).sum().backward()

    step()
    ref = x.grad.numpy().copy(), y.grad.numpy().copy()
    jitted = ag.jit(step)
    for _ in range(3):
        jitted()
    assert _plan(jitted).lowered == 0          # ops on two devices: each replays its own kernels
    np.testing.assert_array_equal(x.grad.numpy(), ref[0])
    np.testing.assert_array_equal(y.grad.numpy(), ref[1])


def test_step_without_ops_replays():
    calls = []

    @ag.jit
    def step(k):
        calls.append(k)
        return k * 2

    assert [step(3) for _ in range(4)] == [6] * 4


# ----- the generated kernels -----------------------------------------------------------------------

def test_generated_kernel_is_cached_per_program():
    pytest.importorskip("numba")
    from backends.numba_kernels import fused
    program = [("multiply", "x2", "x0", ("k", 0.5)), ("act_sigmoid", "x3", "x2"), ("add", "x4", "x3", "x1")]
    k1 = fused.compile_program(np.dtype(np.float32), ["x0", "x1"], ["x4"], program)
    k2 = fused.compile_program(np.dtype(np.float32), ["x0", "x1"], ["x4"], list(program))
    assert k1 is k2                                   # one compile per distinct program in a process
    k64 = fused.compile_program(np.dtype(np.float64), ["x0", "x1"], ["x4"], program)
    assert k64 is not k1                              # the dtype is part of the program
    assert os.path.exists(k1.py_func.__code__.co_filename)   # a real file, so Numba caches it on disk
    assert k1._cache.__class__.__name__ != "NullCache"
    a = np.linspace(-3, 3, 7, dtype=np.float32)
    b = np.ones(7, np.float32)
    out = np.empty(7, np.float32)
    k1(a, b, out)
    expect = ag.sigmoid(ag.tensor(a * np.float32(0.5), device="numba")).numpy() + b
    np.testing.assert_array_equal(out, expect)


def test_unfusable_programs_are_refused():
    pytest.importorskip("numba")
    from backends.numba_kernels import fused
    assert fused.compile_program(np.dtype(np.float32), ["x0"], ["x1"], [("exp", "x1", "x0")]) is None
    assert fused.compile_program(np.dtype(np.int64), ["x0"], ["x1"], [("negative", "x1", "x0")]) is None
    assert fused.compile_program(np.dtype(np.float32), ["x0"], [], [("negative", "x1", "x0")]) is None
