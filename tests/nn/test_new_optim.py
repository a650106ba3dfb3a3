"""Adadelta, Adamax, NAdam and LBFGS against torch.optim: trajectories, state, errors; and the state_dicts of
those and of test_optim_more.py's optimisers both ways."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import RegressionPair, regression_arrays

X, Y, W0, B0 = regression_arrays()

CONFIGS = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, maximize=True)),
]


def _ids(config):
    name, kw = config
    return name + "-" + ",".join(f"{k}={v}" for k, v in kw.items())


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _regression(torch, device="cpu", dtype=np.float64):
    """The regression of this file's arrays in deepgrad and in torch."""
    return RegressionPair(torch, (X, Y, W0, B0), device, dtype)


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_trajectory_matches_torch(torch, device, config, dtype, rtol):
    name, kwargs = config
    problem = _regression(torch, device, dtype)
    ours = getattr(nn.optim, name)(problem.params, **kwargs)
    theirs = getattr(torch.optim, name)(problem.tparams, **kwargs)
    for _ in range(10):
        problem.step(ours, theirs)
        problem.assert_close(rtol, rtol)
    assert set(ours.state[problem.params[0]]) == set(theirs.state[problem.tparams[0]])
    assert problem.params[0].dtype == dtype


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam"])
def test_defaults_match_torch(torch, name):
    ours = getattr(nn.optim, name)([ag.tensor(np.ones(2), requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)])
    for key, value in ours.defaults.items():
        assert theirs.defaults[key] == value, key


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "Adafactor"])
def test_state_dict_both_ways(torch, name):
    """Three steps in torch, its state loaded into ours (and ours into torch, and back into ours): the next
    steps agree."""
    problem = _regression(torch)
    theirs = getattr(torch.optim, name)(problem.tparams, lr=0.05)
    for _ in range(3):
        theirs.zero_grad()
        problem.tloss().backward()
        theirs.step()
    for p, t in zip(problem.params, problem.tparams):
        ag.arrays.assign_(p, t.detach().numpy())
    ours = getattr(nn.optim, name)(problem.params, lr=0.05)
    ours.load_state_dict(theirs.state_dict())
    for _ in range(3):
        problem.step(ours, theirs)
        problem.assert_close(1e-12, 1e-12)
    again = getattr(torch.optim, name)(problem.tparams, lr=0.05)
    saved = ours.state_dict()
    again.load_state_dict({"param_groups": saved["param_groups"],
                           "state": {i: {k: torch.tensor(np.asarray(v)) for k, v in s.items()}
                                     for i, s in saved["state"].items()}})
    for key, value in theirs.state[problem.tparams[0]].items():
        np.testing.assert_allclose(np.asarray(again.state[problem.tparams[0]][key]), np.asarray(value), rtol=1e-12)
    ours.load_state_dict(saved)
    assert set(ours.state[problem.params[0]]) == set(theirs.state[problem.tparams[0]])


@pytest.mark.parametrize("name,kwargs,match", [
    ("Adadelta", dict(rho=1.5), "rho"),
    ("Adadelta", dict(lr=-1), "lr"),
    ("Adamax", dict(betas=(0.9, 1.0)), "betas"),
    ("NAdam", dict(momentum_decay=-1), "momentum_decay"),
    ("NAdam", dict(betas=(1.2, 0.9)), "betas"),
])
def test_bad_options(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(nn.optim, name)([ag.tensor(np.ones(2), requires_grad=True)], **kwargs)


# ----- LBFGS -------------------------------------------------------------------------------------
def _rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("max_iter,history_size", [(5, 100), (20, 3)])
def test_lbfgs_rosenbrock_matches_torch(torch, device, line_search_fn, max_iter, history_size):
    start = np.array([-1.5, 2.0])
    x = ag.tensor(start, device=device, requires_grad=True)
    tx = torch.tensor(start, requires_grad=True)
    kwargs = dict(max_iter=max_iter, history_size=history_size, line_search_fn=line_search_fn)
    ours, theirs = nn.optim.LBFGS([x], **kwargs), torch.optim.LBFGS([tx], **kwargs)

    def closure():
        ours.zero_grad()
        loss = _rosenbrock(x)
        loss.backward()
        return loss

    def tclosure():
        theirs.zero_grad()
        loss = _rosenbrock(tx)
        loss.backward()
        return loss

    # PyTorch fuses p + t * d into one rounding (FMA), NumPy rounds twice: the last-bit differences grow along
    # Rosenbrock's curved valley, so the early steps are compared, to a tolerance far below the step sizes
    steps = 6 if max_iter == 5 else 2
    for _ in range(steps):
        loss, tloss = ours.step(closure), theirs.step(tclosure)
        assert float(loss) == pytest.approx(float(tloss.detach()), rel=1e-7, abs=1e-12)
        np.testing.assert_allclose(x.numpy(), tx.detach().numpy(), rtol=1e-6, atol=1e-10)
    state, tstate = ours.state[x], theirs.state[tx]
    for key in ("func_evals", "n_iter"):
        assert state[key] == tstate[key], key
    assert len(state["old_dirs"]) == len(tstate["old_dirs"])
    np.testing.assert_allclose(state["d"].numpy(), tstate["d"].numpy(), rtol=1e-6, atol=1e-7)
    assert float(state["t"]) == pytest.approx(float(tstate["t"]), rel=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lbfgs_regression_model_matches_torch(torch, line_search_fn, seed):
    torch.manual_seed(seed)
    theirs_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    ours_model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    ours_model.load_state_dict(theirs_model.state_dict())
    ours = nn.optim.LBFGS(ours_model.parameters(), lr=0.5, history_size=10, line_search_fn=line_search_fn)
    theirs = torch.optim.LBFGS(theirs_model.parameters(), lr=0.5, history_size=10, line_search_fn=line_search_fn)
    x, y, tx, ty = ag.tensor(X), ag.tensor(Y), torch.tensor(X), torch.tensor(Y)

    def closure():
        ours.zero_grad()
        loss = nn.functional.mse_loss(ours_model(x), y)
        loss.backward()
        return loss

    def tclosure():
        theirs.zero_grad()
        loss = torch.nn.functional.mse_loss(theirs_model(tx), ty)
        loss.backward()
        return loss

    first = float(closure())
    for _ in range(3):
        assert float(ours.step(closure)) == pytest.approx(float(theirs.step(tclosure).detach()), rel=1e-9)
    for (key, p), q in zip(ours_model.state_dict().items(), theirs_model.state_dict().values()):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-7, atol=1e-9, err_msg=key)
    assert float(closure()) < first / 2


def test_lbfgs_state_dict_both_ways(torch):
    start = np.array([-1.2, 1.0])
    tx = torch.tensor(start, requires_grad=True)
    theirs = torch.optim.LBFGS([tx], max_iter=4, history_size=5, line_search_fn="strong_wolfe")

    def tclosure():
        theirs.zero_grad()
        loss = _rosenbrock(tx)
        loss.backward()
        return loss

    theirs.step(tclosure)
    x = ag.tensor(tx.detach().numpy().copy(), requires_grad=True)
    ours = nn.optim.LBFGS([x], max_iter=4, history_size=5, line_search_fn="strong_wolfe")
    ours.load_state_dict(theirs.state_dict())

    def closure():
        ours.zero_grad()
        loss = _rosenbrock(x)
        loss.backward()
        return loss

    for _ in range(2):
        ours.step(closure)
        theirs.step(tclosure)
        np.testing.assert_allclose(x.numpy(), tx.detach().numpy(), rtol=1e-9)
    saved = ours.state_dict()
    assert set(saved["state"][0]) == set(theirs.state_dict()["state"][0])
    assert saved["param_groups"][0]["params"] == [0]
    # as PyTorch's: the optimiser's own state, so later steps show in it (a deep copy is the snapshot)
    snapshot = copy.deepcopy(saved)
    before = saved["state"][0]["d"].numpy().copy()
    ours.step(closure)
    theirs.step(tclosure)
    np.testing.assert_allclose(saved["state"][0]["d"].numpy(), theirs.state_dict()["state"][0]["d"].numpy(),
                               rtol=1e-9)
    np.testing.assert_array_equal(snapshot["state"][0]["d"].numpy(), before)
    fresh = nn.optim.LBFGS([ag.tensor(start, requires_grad=True)], max_iter=4)
    fresh.load_state_dict(saved)
    assert fresh.state[fresh.param_groups[0]["params"][0]]["n_iter"] == saved["state"][0]["n_iter"]


def test_lbfgs_stops_at_a_minimum_and_returns_first_loss():
    x = ag.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = nn.optim.LBFGS([x])
    calls = []

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(x)
        loss.backward()
        calls.append(float(loss))
        return loss

    assert float(opt.step(closure)) == 0.0
    assert calls == [0.0] and x.numpy().tolist() == [1.0, 1.0]


def test_lbfgs_errors():
    p = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="line_search_fn"):
        nn.optim.LBFGS([p], line_search_fn="armijo")
    with pytest.raises(ValueError, match="groups"):
        nn.optim.LBFGS([{"params": [p]}, {"params": [ag.tensor(np.ones(1), requires_grad=True)]}])
    with pytest.raises(ValueError, match="history_size"):
        nn.optim.LBFGS([p], history_size=0)
    with pytest.raises(TypeError, match="needs a closure"):
        nn.optim.LBFGS([p]).step()
