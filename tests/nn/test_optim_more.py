"""RAdam, Rprop, ASGD and Adafactor against torch.optim: 20-step trajectories on the same parameters and
gradients (float64 to within a few units in the last place, float32 loosely), the state each keeps, defaults,
state_dicts both ways, and bad options."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import RegressionPair, regression_arrays

X, Y, W0, B0 = regression_arrays()

CONFIGS = [
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1)),
    ("ASGD", dict(maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.02, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1)),
    ("Adafactor", dict(maximize=True)),
]
NAMES = ["RAdam", "Rprop", "ASGD", "Adafactor"]


def _ids(config):
    name, kw = config
    return name + "-" + ",".join(f"{k}={v}" for k, v in kw.items())


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_float64_trajectory_matches_torch_step_by_step(torch, device, config):
    name, kwargs = config
    problem = RegressionPair(torch, (X, Y, W0, B0), device, np.float64)
    ours = getattr(nn.optim, name)(problem.params, **kwargs)
    theirs = getattr(torch.optim, name)(problem.tparams, **kwargs)
    for step in range(20):
        problem.step(ours, theirs)
        problem.assert_close(1e-12, 1e-14, msg=f"step {step + 1}")
    for p, tp in zip(problem.params, problem.tparams):
        assert set(ours.state[p]) == set(theirs.state[tp])
        for key, value in theirs.state[tp].items():
            np.testing.assert_allclose(np.asarray(ag.tensor(ours.state[p][key]).numpy() if isinstance(
                ours.state[p][key], ag.Tensor) else ours.state[p][key]), value.numpy(), rtol=1e-11, atol=1e-14,
                err_msg=key)


@pytest.mark.parametrize("config", [c for c in CONFIGS if not c[1]], ids=_ids)
def test_float32_trajectory_matches_torch(torch, config):
    name, kwargs = config
    problem = RegressionPair(torch, (X, Y, W0, B0), "cpu", np.float32)
    ours = getattr(nn.optim, name)(problem.params, **kwargs)
    theirs = getattr(torch.optim, name)(problem.tparams, **kwargs)
    for _ in range(20):
        problem.step(ours, theirs)
    problem.assert_close(1e-4, 1e-6)
    assert problem.params[0].dtype == np.float32


def test_adafactor_factors_the_last_two_dims_of_any_parameter(torch):
    """A 3-D parameter keeps (2, 3, 1) row and (2, 1, 4) column factors; 0-d and 1-D ones the whole variance."""
    rng = np.random.default_rng(3)
    shapes = [(2, 3, 4), (5,), ()]
    values = [rng.standard_normal(s) for s in shapes]
    ours_p = [ag.tensor(v, requires_grad=True) for v in values]
    their_p = [torch.tensor(v, requires_grad=True) for v in values]
    ours, theirs = nn.optim.Adafactor(ours_p, lr=0.05), torch.optim.Adafactor(their_p, lr=0.05)
    for step in range(8):
        targets = [rng.standard_normal(s) for s in shapes]
        for params, opt, module in ((ours_p, ours, ag), (their_p, theirs, torch)):
            opt.zero_grad()
            loss = sum(((p - module.tensor(t)) ** 2 * (k + 1)).sum() for k, (p, t) in enumerate(zip(params, targets)))
            loss.backward()
            opt.step()
        for p, tp in zip(ours_p, their_p):
            np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=1e-12, atol=1e-14)
    state = ours.state[ours_p[0]]
    assert state["row_var"].shape == (2, 3, 1) and state["col_var"].shape == (2, 1, 4)
    assert set(ours.state[ours_p[1]]) == set(ours.state[ours_p[2]]) == {"step", "variance"}


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_torch(torch, name):
    ours = getattr(nn.optim, name)([ag.tensor(np.ones(2), requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)])
    for key, value in ours.defaults.items():
        assert theirs.defaults[key] == value, key


def test_rprop_steps_sizes_start_at_the_first_lr(torch):
    """Rprop's per-element step sizes start at the lr of the first step; a later lr change leaves them."""
    problem = RegressionPair(torch, (X, Y, W0, B0))
    ours, theirs = nn.optim.Rprop(problem.params, lr=0.05), torch.optim.Rprop(problem.tparams, lr=0.05)
    problem.step(ours, theirs)
    ours.param_groups[0]["lr"] = theirs.param_groups[0]["lr"] = 1.0
    for _ in range(3):
        problem.step(ours, theirs)
    problem.assert_close(1e-12, 1e-14)


@pytest.mark.parametrize("name,kwargs,match", [
    ("RAdam", dict(betas=(0.9, 1.0)), "betas"),
    ("RAdam", dict(eps=-1), "eps"),
    ("Rprop", dict(etas=(1.5, 1.2)), "etas"),
    ("Rprop", dict(lr=-1), "lr"),
    ("ASGD", dict(weight_decay=-0.1), "weight_decay"),
    ("Adafactor", dict(beta2_decay=0.5), "beta2_decay must be <= 0"),
    ("Adafactor", dict(eps=(None, -1.0)), "eps.1."),
    ("Adafactor", dict(d=0.5), "clipping threshold d"),
])
def test_bad_options(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(nn.optim, name)([ag.tensor(np.ones(2), requires_grad=True)], **kwargs)


def test_optimisers_train_a_model():
    """Each takes a small model's loss down (the update runs on real Module parameters)."""
    rng = np.random.default_rng(0)
    x, y = ag.tensor(rng.standard_normal((32, 4)).astype(np.float32)), ag.tensor(rng.standard_normal((32, 1)).astype(
        np.float32))
    for name, lr in [("RAdam", 0.1), ("Rprop", 0.01), ("ASGD", 0.05), ("Adafactor", 0.05)]:
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
        opt = getattr(nn.optim, name)(model.parameters(), lr=lr)
        losses = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(30):
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).mean()
                loss.backward()
                opt.step()
                losses.append(loss.item())
        assert np.isfinite(losses).all() and losses[-1] < 0.9 * losses[0], name
