"""OneCycleLR against torch.optim.lr_scheduler.OneCycleLR: the lr and momentum/beta1 of every step, and a
short training run under ag.jit whose parameters match PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

CASES = [("SGD", dict(total_steps=20)), ("Adam", dict(epochs=3, steps_per_epoch=7, three_phase=True)),
         ("SGD", dict(total_steps=15, anneal_strategy="linear", pct_start=0.4)),
         ("Adam", dict(total_steps=12, cycle_momentum=False, div_factor=10.0, final_div_factor=100.0))]


@pytest.mark.parametrize("name,options", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_lr_and_momentum_follow_torch(name, options):
    torch = pytest.importorskip("torch")
    momentum = {"momentum": 0.9} if name == "SGD" else {}
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], lr=0.1, **momentum)
    ours = getattr(nn.optim, name)([ag.zeros(2, requires_grad=True)], lr=0.1, **momentum)
    s_theirs = torch.optim.lr_scheduler.OneCycleLR(theirs, max_lr=0.5, **options)
    s_ours = nn.optim.lr_scheduler.OneCycleLR(ours, max_lr=0.5, **options)
    key = "momentum" if name == "SGD" else "betas"
    for _ in range(s_theirs.total_steps):
        assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-12)
        assert np.allclose(ours.param_groups[0][key], theirs.param_groups[0][key], rtol=1e-12)
        theirs.step(), ours.step()
        s_theirs.step(), s_ours.step()
    with pytest.raises(ValueError, match="Tried to step .* times. The specified number of total steps is "):
        s_ours.step()


def test_training_under_jit_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    t_opt, opt = torch.optim.Adam(t_model.parameters()), nn.optim.Adam(model.parameters())
    t_sched = torch.optim.lr_scheduler.OneCycleLR(t_opt, max_lr=0.05, total_steps=12)
    sched = nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=12)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    rng = np.random.default_rng(0)
    for _ in range(12):
        x, y = rng.standard_normal((10, 6)).astype(np.float32), rng.integers(0, 3, 10)
        t_opt.zero_grad()
        torch.nn.functional.cross_entropy(t_model(torch.tensor(x)), torch.tensor(y)).backward()
        t_opt.step(), t_sched.step()
        step(ag.tensor(x), ag.tensor(y))
        sched.step()
    assert step.replays > 0
    for k, v in model.state_dict().items():
        np.testing.assert_allclose(v.numpy(), t_model.state_dict()[k].numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_needs_a_length_and_a_momentum():
    opt = nn.optim.Adagrad([ag.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="pass total_steps, or both epochs and steps_per_epoch"):
        nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="needs an optimizer with momentum or betas; Adagrad"):
        nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5)
    nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5, cycle_momentum=False)
