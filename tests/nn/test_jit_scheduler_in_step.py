"""A learning-rate scheduler stepped inside an ag.jit step moves the learning rate in replays exactly as in
eager mode; one handed a tensor from the step is refused at capture."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

SCHEDULERS = {
    "step": lambda opt: nn.optim.lr_scheduler.StepLR(opt, 2, 0.5),
    "cosine": lambda opt: nn.optim.lr_scheduler.CosineAnnealingLR(opt, 5),
    "onecycle": lambda opt: nn.optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=10),
}


def _train(device, make_scheduler, compiled):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = make_scheduler(opt)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        return loss
    step = ag.jit(step) if compiled else step
    rng = np.random.default_rng(2)
    losses, rates = [], []
    for _ in range(6):
        x = ag.tensor(rng.standard_normal((4, 5)).astype(np.float32), device=device)
        y = ag.tensor(rng.integers(0, 3, 4), device=device)
        losses.append(step(x, y).numpy())
        rates.append(opt.param_groups[0]["lr"])
    return losses, rates, [p.numpy() for p in model.parameters()]


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_a_scheduler_inside_the_step_moves_the_rate_in_replays(device, name):
    eager = _train(device, SCHEDULERS[name], False)
    compiled = _train(device, SCHEDULERS[name], True)
    assert compiled[1] == eager[1]
    for a, b in zip(compiled[0] + compiled[2], eager[0] + eager[2]):
        np.testing.assert_array_equal(a, b)


def test_a_scheduler_given_a_tensor_from_the_step_is_refused():
    model = nn.Linear(3, 2)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        sched.step(loss)
        return loss
    x, y = ag.randn(4, 3), ag.randn(4, 2)
    step(x, y)
    with pytest.raises(ag.CaptureError, match="ReduceLROnPlateau.step was given a tensor"):
        step(x, y)
