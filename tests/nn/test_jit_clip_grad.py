"""Gradient clipping inside an ag.jit step: clip_grad_norm_ and clip_grad_value_ run as tensor ops,
so every replay clips that step's own gradients (as raw-array code they were skipped on replay, and
the step trained unclipped) and returns that step's norm. Replays must equal eager bit for bit."""
import numpy as np
import pytest

import autograd as ag
import nn


def _train(device, clip, compile_it, steps=6):
    rng = np.random.default_rng(0)
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    batches = [(ag.tensor(rng.standard_normal((4, 5)).astype(np.float32) * (k + 1), device=device),
                ag.tensor(rng.integers(0, 3, 4), device=device)) for k in range(steps)]

    def step(x, y):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        norm = clip(model.parameters())
        opt.step()
        return loss.detach(), norm, model[0].weight.detach().clone()
    run = ag.jit(step) if compile_it else step
    out = [[t.numpy() for t in run(x, y)] for x, y in batches]
    if compile_it:
        assert run.replays == steps - 2
    return out


CLIPS = {
    "norm 2": lambda ps: nn.utils.clip_grad_norm_(ps, 0.05),
    "norm inf": lambda ps: nn.utils.clip_grad_norm_(ps, 0.01, norm_type=float("inf")),
    "value": lambda ps: (nn.utils.clip_grad_value_(ps, 0.003), ag.tensor(0.0))[1],
}


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_replays_clip_each_steps_gradients(device, name):
    if not ag.device(device).host_memory:
        pytest.skip("replay-equals-eager bit for bit is checked on the host devices")
    eager = _train(device, CLIPS[name], False)
    jit = _train(device, CLIPS[name], True)
    for k, (a_call, b_call) in enumerate(zip(eager, jit)):
        for j, (a, b) in enumerate(zip(a_call, b_call)):
            np.testing.assert_array_equal(a, b, err_msg=f"step {k}, output {j}")
    if name.startswith("norm"):
        norms = [call[1] for call in eager]
        assert len(set(float(n) for n in norms)) == len(norms)      # each step's own norm


def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    for norm_type, max_norm in ((2.0, 0.5), (1.0, 100.0), (float("inf"), 0.1), (3.0, 0.2)):
        ours = [ag.zeros(s, requires_grad=True) for s in shapes]
        theirs = [torch.zeros(s, requires_grad=True) for s in shapes]
        for o, t, g in zip(ours, theirs, grads):
            o.grad, t.grad = ag.tensor(g.copy()), torch.from_numpy(g.copy())
        n_ours = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
        n_theirs = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
        np.testing.assert_allclose(float(n_ours), float(n_theirs), rtol=1e-6)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)
