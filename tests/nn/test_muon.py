"""nn.optim.Muon against torch.optim.Muon: the same parameters after several steps (the Newton-Schulz iteration
runs at bfloat16 precision in both, so they may differ by a bfloat16 rounding of the update, a few thousandths of
the learning rate), the same training curve, state_dict layout and option checks; and its bfloat16 rounding
equals ml_dtypes' conversion."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
from nn.optim.muon import orthogonalized, to_bfloat16_precision
from tests.helpers import require_torch


def _steps(lib, optim, weights, grads, **options):
    params = [lib.tensor(w.copy(), requires_grad=True) for w in weights]
    opt = optim.Muon(params, **options)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = lib.tensor(g.copy())
        opt.step()
    return [p.detach().numpy() for p in params], opt


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [{}, {"nesterov": False, "lr": 0.02}, {"adjust_lr_fn": "match_rms_adamw"},
                                     {"adjust_lr_fn": "original", "weight_decay": 0.0, "momentum": 0.9},
                                     {"momentum": 0.0, "ns_steps": 3, "ns_coefficients": (2.0, -1.5, 0.5)}])
def test_parameters_after_four_steps_match_torch(dtype, options):
    torch = require_torch()
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(shape).astype(dtype) for shape in ((16, 24), (40, 8), (7, 7))]
    grads = [[rng.standard_normal(w.shape).astype(dtype) for w in weights] for _ in range(4)]
    ours, _ = _steps(ag, nn.optim, weights, grads, **options)
    theirs, _ = _steps(torch, torch.optim, weights, grads, **options)
    lr = options.get("lr", 1e-3)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=0, atol=lr * 0.05)   # a few bfloat16 roundings of the update


def test_first_step_without_momentum_equals_torch_bit_for_bit():
    """With momentum 0 the update is the orthogonalised gradient alone: every rounding is PyTorch's."""
    torch = require_torch()
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((12, 20)).astype(np.float32)]
    grads = [[rng.standard_normal((12, 20)).astype(np.float32)]]
    ours, _ = _steps(ag, nn.optim, weights, grads, momentum=0.0, lr=0.05)
    theirs, _ = _steps(torch, torch.optim, weights, grads, momentum=0.0, lr=0.05)
    np.testing.assert_array_equal(ours[0], theirs[0])


def _train(lib, nn_module, optim):
    lib.manual_seed(0)
    model = nn_module.Sequential(nn_module.Linear(20, 32), nn_module.ReLU(), nn_module.Linear(32, 32),
                                 nn_module.ReLU(), nn_module.Linear(32, 3))
    hidden = [model[0].weight, model[2].weight]
    rest = [p for p in model.parameters() if all(p is not h for h in hidden)]
    muon, adamw = optim.Muon(hidden, lr=0.02), optim.AdamW(rest, lr=3e-3)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 20)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 3, 64))
    losses = []
    for _ in range(20):
        muon.zero_grad()
        adamw.zero_grad()
        loss = nn_module.functional.cross_entropy(model(x), y)
        loss.backward()
        muon.step()
        adamw.step()
        losses.append(loss.item())
    return losses, muon


def test_training_curve_matches_torch():
    torch = require_torch()
    ours, muon = _train(ag, nn, nn.optim)
    theirs, torch_muon = _train(torch, torch.nn, torch.optim)
    np.testing.assert_allclose(ours, theirs, rtol=2e-3)
    assert ours[-1] < ours[0] - 0.1
    state, their_state = muon.state_dict(), torch_muon.state_dict()
    assert state["param_groups"][0].keys() == their_state["param_groups"][0].keys()
    assert state["state"][0].keys() == their_state["state"][0].keys()


def test_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(2)
    weights = [rng.standard_normal((6, 9)).astype(np.float32)]
    grads = [[rng.standard_normal((6, 9)).astype(np.float32)] for _ in range(3)]
    _, opt = _steps(ag, nn.optim, weights, grads[:2])
    resumed_param = ag.tensor(opt.param_groups[0]["params"][0].detach().numpy(), requires_grad=True)
    resumed = nn.optim.Muon([resumed_param])
    # a deep copy: the live dict itself would share its momentum buffer between the two, as PyTorch's does
    resumed.load_state_dict(copy.deepcopy(opt.state_dict()))
    for o, p in ((opt, opt.param_groups[0]["params"][0]), (resumed, resumed_param)):
        p.grad = ag.tensor(grads[2][0])
        o.step()
    np.testing.assert_array_equal(resumed_param.detach().numpy(), opt.param_groups[0]["params"][0].detach().numpy())


@pytest.mark.parametrize("make, error, match", [
    (lambda p: nn.optim.Muon([p, ag.zeros(3, requires_grad=True)]), ValueError, "only 2-D parameters"),
    (lambda p: nn.optim.Muon([p], adjust_lr_fn="rms"), ValueError, "adjust_lr_fn"),
    (lambda p: nn.optim.Muon([p], ns_steps=100), ValueError, "ns_steps"),
    (lambda p: nn.optim.Muon([p], ns_coefficients=(1.0, 2.0)), ValueError, "ns_coefficients"),
    (lambda p: nn.optim.Muon([p], lr=-1.0), ValueError, "lr"),
    (lambda p: nn.optim.Muon([p], momentum=-0.1), ValueError, "momentum"),
    (lambda p: nn.optim.Muon([p], weight_decay=-0.1), ValueError, "weight_decay"),
])
def test_bad_options_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make(ag.zeros(3, 4, requires_grad=True))


def test_bfloat16_rounding_equals_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(3)
    for dtype in (np.float32, np.float64):
        values = (rng.standard_normal(200_000) * 10.0 ** rng.integers(-30, 30, 200_000)).astype(dtype)
        values[:5] = [np.nan, np.inf, -np.inf, 0.0, -0.0]
        expected = values.astype(ml_dtypes.bfloat16).astype(np.float32)
        np.testing.assert_array_equal(to_bfloat16_precision(np, values.copy()), expected)


def test_orthogonalized_update_has_singular_values_near_one():
    """The quintic iteration's fixed point: singular values in roughly (0.5, 1.5), whatever the gradient's scale."""
    rng = np.random.default_rng(4)
    for shape, scale in (((32, 16), 1e-3), ((16, 48), 50.0)):
        update = orthogonalized(np, (rng.standard_normal(shape) * scale).astype(np.float32))
        singular = np.linalg.svd(update.astype(np.float64), compute_uv=False)
        assert update.shape == shape and 0.4 < singular.min() and singular.max() < 1.6
