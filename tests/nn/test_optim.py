"""Optimisers: 10-step trajectories against torch.optim, param groups, state_dict, and bad input."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import RegressionPair, torch

_rng = np.random.default_rng(7)
X = _rng.standard_normal((12, 3))
Y = _rng.standard_normal((12, 2))
W0 = _rng.standard_normal((3, 2))
B0 = _rng.standard_normal(2)

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, maximize=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.3, decoupled_weight_decay=True)),   # PyTorch's spelling of AdamW
    ("AdamW", dict(lr=0.05, foreach=False, fused=True, capturable=True)),     # accepted; the devices pick kernels
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.2, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-3)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1, eps=1e-4)),
    ("RMSprop", dict(lr=0.01, maximize=True)),
]


def _ids(config):
    name, kw = config
    return name + "-" + ",".join(f"{k}={v}" for k, v in kw.items())


def _problem(device, dtype=np.float64):
    """The regression of this file's arrays in deepgrad and in torch."""
    return RegressionPair(torch, (X, Y, W0, B0), device, dtype)


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_trajectory_matches_torch(device, config):
    name, kw = config
    prob = _problem(device)
    opt = getattr(nn.optim, name)(prob.params, **kw)
    topt = getattr(torch.optim, name)(prob.tparams, **kw)
    for k in range(10):
        prob.step(opt, topt)
        prob.assert_close(msg=f"{name} {kw}: step {k}")


@pytest.mark.parametrize("name,args", [("SGD", (0.1, 0.9, 0.0, 0.05, True)), ("Adam", (0.1, (0.8, 0.9), 1e-6, 0.1)),
                                       ("RMSprop", (0.1, 0.9, 1e-6, 0.1, 0.5, True, False, None)),
                                       ("Adagrad", (0.1, 0.1, 0.2, 0.5, 1e-8, None))])
def test_positional_arguments_take_torchs_places(device, name, args):
    # SGD's fifth argument is weight_decay and its sixth nesterov, as in torch.optim (not the other way round)
    prob = _problem(device)
    opt, topt = getattr(nn.optim, name)(prob.params, *args), getattr(torch.optim, name)(prob.tparams, *args)
    for k in range(5):
        prob.step(opt, topt)
        prob.assert_close(msg=f"{name}{args}: step {k}")


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop"])
def test_options_and_repr_are_torchs(name):
    params, tparams = [nn.Parameter(ag.zeros(2))], [torch.nn.Parameter(torch.zeros(2))]
    opt, topt = getattr(nn.optim, name)(params, lr=0.1), getattr(torch.optim, name)(tparams, lr=0.1)
    assert opt.defaults == topt.defaults
    assert repr(opt) == repr(topt)
    opt.add_param_group({"params": [nn.Parameter(ag.zeros(1))], "lr": 0.5})
    topt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.5})
    assert repr(opt) == repr(topt)   # a blank line between the groups
    # steps recorded in the graph (tests/test_round25_fixes.py)
    assert getattr(nn.optim, name)(params, lr=0.1, differentiable=True).defaults["differentiable"]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop"])
def test_param_groups_with_their_own_options(device, name):
    extra = {"SGD": dict(momentum=0.9), "Adam": dict(amsgrad=True), "AdamW": dict(weight_decay=0.5),
             "Adagrad": dict(lr_decay=0.1), "RMSprop": dict(centered=True)}[name]
    prob = _problem(device)
    opt = getattr(nn.optim, name)([{"params": [prob.params[0]], "lr": 0.1},
                                   {"params": prob.params[1], "lr": 0.01, **extra}], lr=0.03)
    topt = getattr(torch.optim, name)([{"params": [prob.tparams[0]], "lr": 0.1},
                                       {"params": prob.tparams[1], "lr": 0.01, **extra}], lr=0.03)
    for k in range(10):
        if k == 5:  # editing a group's lr takes effect at the next step
            opt.param_groups[0]["lr"] = topt.param_groups[0]["lr"] = 0.02
        prob.step(opt, topt)
        prob.assert_close(msg=f"{name} groups: step {k}")


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.1, amsgrad=True))])
def test_float32_stays_float32_and_tracks_torch(device, name, kw):
    prob = _problem(device, np.float32)
    opt = getattr(nn.optim, name)(prob.params, **kw)
    topt = getattr(torch.optim, name)(prob.tparams, **kw)
    for _ in range(10):
        prob.step(opt, topt)
    assert all(p.dtype == np.float32 for p in prob.params)
    assert all(v.dtype == np.float32 for s in opt.state.values() for v in s.values() if isinstance(v, ag.Tensor))
    prob.assert_close(rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("config", [c for c in CONFIGS if "maximize" not in c[1]], ids=_ids)
def test_state_dict_round_trip_continues_identically(device, config):
    name, kw = config
    prob = _problem(device)
    opt = getattr(nn.optim, name)(prob.params, **kw)
    for _ in range(5):
        opt.zero_grad()
        prob.loss().backward()
        opt.step()
    saved = opt.state_dict()
    twin = _problem(device)
    for p, q in zip(twin.params, prob.params):
        p._data[...] = q._data
    opt2 = getattr(nn.optim, name)(twin.params, lr=123.0)  # options come back from the state dict
    # a deep copy: loading the live dict itself would share its buffers between the two optimisers, as PyTorch's
    opt2.load_state_dict(copy.deepcopy(saved))
    assert opt2.param_groups[0]["lr"] == kw["lr"]
    for _ in range(5):
        for o, pr in ((opt, prob), (opt2, twin)):
            o.zero_grad()
            pr.loss().backward()
            o.step()
    for p, q in zip(prob.params, twin.params):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    for i, s in saved["state"].items():  # as PyTorch's, the state dict moved on with opt's later steps
        for k, v in s.items():
            np.testing.assert_array_equal(v.numpy() if isinstance(v, ag.Tensor) else v,
                                          opt.state[prob.params[i]][k].numpy() if isinstance(v, ag.Tensor)
                                          else opt.state[prob.params[i]][k])


@pytest.mark.parametrize("config", [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(lr=0.05, amsgrad=True)),
                                    ("Adagrad", dict(lr=0.1)), ("RMSprop", dict(lr=0.01, centered=True,
                                                                                 momentum=0.5))], ids=_ids)
def test_loads_a_torch_state_dict(device, config):
    name, kw = config
    prob = _problem(device)
    topt = getattr(torch.optim, name)(prob.tparams, **kw)
    for _ in range(4):
        topt.zero_grad()
        prob.tloss().backward()
        topt.step()
    for p, tp in zip(prob.params, prob.tparams):
        p._data[...] = prob.params[0].device.asarray(tp.detach().numpy())
    opt = getattr(nn.optim, name)(prob.params, **kw)
    opt.load_state_dict(topt.state_dict())
    for k in range(4):
        prob.step(opt, topt)
        prob.assert_close(msg=f"{name}: step {k} after loading torch's state")


def test_state_dict_layout(device):
    a = ag.tensor(np.ones(2), device=device, requires_grad=True)
    b = ag.tensor(np.ones(3), device=device, requires_grad=True)
    c = ag.tensor(np.ones(1), device=device, requires_grad=True)
    opt = nn.optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    b.grad = ag.tensor(np.ones(3), device=device)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert list(sd["state"]) == [1]
    assert sd["state"][1]["momentum_buffer"].shape == (3,)
    assert opt.state[b]["momentum_buffer"] is sd["state"][1]["momentum_buffer"]   # PyTorch's: the live buffer


def test_load_state_dict_rejects_mismatches(device):
    a = ag.tensor(np.ones(2), device=device, requires_grad=True)
    b = ag.tensor(np.ones(3), device=device, requires_grad=True)
    opt = nn.optim.Adam([a, b])
    a.grad = ag.tensor(np.ones(2), device=device)
    opt.step()
    with pytest.raises(ValueError, match="1 parameters in the state dict, 2"):
        nn.optim.Adam([b, a]).load_state_dict({"state": {}, "param_groups": [{"params": [0]}]})
    with pytest.raises(ValueError, match="2 param groups"):
        nn.optim.Adam([a, b]).load_state_dict({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]})
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape Size\(\[3\]\)"):
        nn.optim.Adam([b, a]).load_state_dict(opt.state_dict())


def test_params_without_grad_are_skipped(device):
    prob = _problem(device)
    unused = ag.tensor(np.arange(3.0), device=device, requires_grad=True)
    opt = nn.optim.Adam(prob.params + [unused], lr=0.1)
    prob.loss().backward()
    versions = [p._version for p in prob.params]
    opt.step()
    np.testing.assert_array_equal(unused.numpy(), np.arange(3.0))
    assert unused not in opt.state and unused._version == 0
    assert [p._version for p in prob.params] == [v + 1 for v in versions]


def test_zero_grad(device):
    p = ag.tensor(np.ones(3), device=device, requires_grad=True)
    opt = nn.optim.SGD([p], lr=0.1)
    p.grad = ag.tensor(np.full(3, 2.0), device=device)
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(grad.numpy(), np.zeros(3))
    opt.zero_grad()
    assert p.grad is None


def test_step_with_closure_returns_its_loss(device):
    prob = _problem(device)
    opt = nn.optim.SGD(prob.params, lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        loss = prob.loss()
        loss.backward()
        calls.append(loss.item())
        return loss

    with ag.no_grad():  # the closure still records a graph
        loss = opt.step(closure)
    assert calls and loss.item() == calls[0]
    assert prob.loss().item() < calls[0]


def test_add_param_group(device):
    prob = _problem(device)
    opt = nn.optim.SGD([prob.params[0]], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": [prob.params[1]], "lr": 0.01})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [prob.params[1]]})


@pytest.mark.parametrize("make,match", [
    (lambda ps: nn.optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda ps: nn.optim.SGD(ps, lr=-0.1), "invalid lr -0.1"),
    (lambda ps: nn.optim.Adam(ps, lr=-1.0), "invalid lr"),
    (lambda ps: nn.optim.SGD([{"params": ps[:1]}, {"params": ps}], lr=0.1), "more than one parameter group"),
    (lambda ps: nn.optim.SGD(ps, lr=0.1, nesterov=True), "nesterov"),
    (lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=-0.5), "invalid momentum"),
    (lambda ps: nn.optim.Adam(ps, betas=(0.9, 1.0)), "invalid betas"),
    (lambda ps: nn.optim.Adagrad(ps, lr_decay=-1), "invalid lr_decay"),
    (lambda ps: nn.optim.RMSprop(ps, alpha=-0.1), "invalid alpha"),
    (lambda ps: nn.optim.SGD([ps[0] * 2], lr=0.1), "non-leaf"),
])
def test_bad_input_is_named(device, make, match):
    ps = [ag.tensor(np.ones(2), device=device, requires_grad=True) for _ in range(2)]
    with pytest.raises(ValueError, match=match):
        make(ps)


def test_type_errors(device):
    p = ag.tensor(np.ones(2), device=device, requires_grad=True)
    with pytest.raises(TypeError, match="single Tensor"):
        nn.optim.SGD(p, lr=0.1)
    assert nn.optim.SGD({p}, lr=0.1).param_groups[0]["params"] == [p]   # PyTorch lists a set given whole
    with pytest.raises(TypeError, match="ordered"):
        nn.optim.SGD([{"params": {p}}], lr=0.1)   # a group's set is refused, as PyTorch's
    with pytest.raises(TypeError, match="only optimise Tensors"):
        nn.optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(TypeError):
        nn.optim.SGD([p], lr=0.1, betas=(0.9, 0.99))
