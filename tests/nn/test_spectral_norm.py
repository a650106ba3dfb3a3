"""Spectral normalisation against PyTorch, in float64: nn.utils.parametrizations.spectral_norm (buffers _u / _v,
15 power iterations at registration, power iteration only in training mode, right_inverse, removal) and the hook
form nn.utils.spectral_norm / remove_spectral_norm (weight_orig, weight_u, weight_v, the old checkpoint format).
Each test copies torch's weights and random u / v into deepgrad, then compares outputs, weights, buffers,
gradients, state_dicts and SGD steps."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn.utils import parametrizations as PZ
from nn.utils import parametrize
from tests.helpers import require_torch

RTOL, ATOL = 1e-10, 1e-12

# name -> (deepgrad factory, torch factory, input shape)
LAYERS = {
    "linear": (lambda: nn.Linear(3, 4), lambda t: t.nn.Linear(3, 4), (5, 3)),
    "conv2d": (lambda: nn.Conv2d(2, 3, 3), lambda t: t.nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "convtranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 2), lambda t: t.nn.ConvTranspose2d(2, 3, 2), (2, 2, 4, 4)),
}


def _sd(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _pair(t, layer, seed=0):
    """(ours, theirs, x, tx): the same float64 layer in both libraries, and the same input."""
    make_ours, make_theirs, shape = LAYERS[layer]
    t.manual_seed(seed)
    theirs = make_theirs(t).double()
    ours = make_ours().double()
    ours.load_state_dict(_sd(theirs))
    x = np.random.default_rng(seed).standard_normal(shape)
    return ours, theirs, ag.tensor(x), t.tensor(x)


def _assert_same_state(ours, theirs):
    a, b = _sd(ours), _sd(theirs)
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=RTOL, atol=ATOL, err_msg=k)


def _assert_close(a, b, what):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=what)


# ----- the parametrization form -----------------------------------------------------------------------------
@pytest.mark.parametrize("layer, kwargs", [("linear", {}), ("linear", {"n_power_iterations": 3}),
                                           ("linear", {"dim": 1}), ("conv2d", {}), ("convtranspose2d", {}),
                                           ("conv2d", {"dim": -1, "eps": 1e-4})])
def test_parametrization_train_and_eval_match_torch(layer, kwargs):
    t = require_torch()
    ours, theirs, x, tx = _pair(t, layer)
    PZ.spectral_norm(ours, **kwargs)
    t.nn.utils.parametrizations.spectral_norm(theirs, **kwargs)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.parametrizations.weight[0].dim == theirs.parametrizations.weight[0].dim
    ours.load_state_dict(_sd(theirs))     # torch's random u and v
    _assert_same_state(ours, theirs)
    for _ in range(3):                    # each training forward runs n_power_iterations steps
        _assert_close(ours(x), theirs(tx), "train forward")
        _assert_same_state(ours, theirs)
    _assert_close(ours.weight, theirs.weight, "weight read")    # a read in training mode iterates too
    ours.eval(), theirs.eval()
    u = ours.parametrizations.weight[0]._u.numpy().copy()
    for _ in range(2):
        _assert_close(ours(x), theirs(tx), "eval forward")
    np.testing.assert_array_equal(ours.parametrizations.weight[0]._u.numpy(), u)   # no iteration in eval
    ours.train(), theirs.train()
    ours(x).pow(2).sum().backward()
    theirs(tx).pow(2).sum().backward()
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        _assert_close(p.grad, tp.grad, f"gradient of {name}")


def _fixed_draws(monkeypatch, arrays):
    """Make ag.randn return `arrays` (as Tensors of the requested dtype), one per call."""
    queue = list(arrays)
    monkeypatch.setattr(ag, "randn", lambda *shape, dtype=None, device=None: ag.tensor(queue.pop(0), dtype=dtype))


@pytest.mark.parametrize("training", [True, False])
def test_registration_runs_fifteen_power_iterations(monkeypatch, training):
    t = require_torch()
    ours, theirs, _, _ = _pair(t, "linear")
    ours.train(training), theirs.train(training)
    t.manual_seed(7)
    draws = [t.randn(4, dtype=t.float64).numpy(), t.randn(3, dtype=t.float64).numpy()]
    t.manual_seed(7)
    t.nn.utils.parametrizations.spectral_norm(theirs)     # draws u then v, as these two
    _fixed_draws(monkeypatch, draws)
    PZ.spectral_norm(ours)
    assert ours.parametrizations.weight[0].training == training
    # 15 steps, plus the one the registration's check makes when the module is training
    _assert_same_state(ours, theirs)


def _cube(module_class):
    return type("Cube", (module_class,), {"forward": lambda self, w: w * w * w})()


def test_stacked_on_another_parametrization_matches_torch(monkeypatch):
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "linear")
    parametrize.register_parametrization(ours, "weight", _cube(nn.Module))
    t.nn.utils.parametrize.register_parametrization(theirs, "weight", _cube(t.nn.Module))
    t.manual_seed(5)
    draws = [t.randn(4, dtype=t.float64).numpy(), t.randn(3, dtype=t.float64).numpy()]
    t.manual_seed(5)
    t.nn.utils.parametrizations.spectral_norm(theirs)
    _fixed_draws(monkeypatch, draws)
    PZ.spectral_norm(ours)     # on the cubed weight; the stacking check runs it once more, as torch's
    _assert_same_state(ours, theirs)
    _assert_close(ours(x), theirs(tx), "forward")


def test_parametrization_converges_to_the_largest_singular_value():
    w = np.diag([5.0, 2.0, 1.0])[:, :2] @ np.array([[0.6, 0.8], [-0.8, 0.6]])
    layer = nn.Linear(2, 3).double()
    with ag.no_grad():
        layer.weight.copy_(ag.tensor(w))
    PZ.spectral_norm(layer)
    sigma = np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)
    np.testing.assert_allclose(sigma[0], 1.0, rtol=1e-9)


def test_parametrization_two_forwards_then_backward_matches_torch():
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "conv2d")
    PZ.spectral_norm(ours)
    t.nn.utils.parametrizations.spectral_norm(theirs)
    ours.load_state_dict(_sd(theirs))
    (ours(x).sum() - ours(x * 2).pow(2).sum()).backward()    # the GAN pattern: D(real) - D(fake)
    (theirs(tx).sum() - theirs(tx * 2).pow(2).sum()).backward()
    _assert_close(ours.parametrizations.weight.original.grad, theirs.parametrizations.weight.original.grad, "grad")


def test_parametrization_assign_and_remove_match_torch():
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "linear")
    PZ.spectral_norm(ours)
    t.nn.utils.parametrizations.spectral_norm(theirs)
    ours.load_state_dict(_sd(theirs))
    value = np.random.default_rng(3).standard_normal((4, 3))
    ours.weight = ag.tensor(value)        # right_inverse: the value itself becomes the original
    theirs.weight = t.tensor(value)
    np.testing.assert_array_equal(ours.parametrizations.weight.original.detach().numpy(), value)
    _assert_close(ours(x), theirs(tx), "forward after assignment")
    parametrize.remove_parametrizations(ours, "weight")
    t.nn.utils.parametrize.remove_parametrizations(theirs, "weight")   # one more iteration: still training
    _assert_same_state(ours, theirs)
    assert type(ours) is nn.Linear


def test_parametrization_of_a_vector_normalises_it():
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "linear")
    PZ.spectral_norm(ours, name="bias")
    t.nn.utils.parametrizations.spectral_norm(theirs, name="bias")
    assert not list(ours.parametrizations.bias[0].buffers())
    _assert_close(ours.bias, theirs.bias, "normalised bias")
    _assert_same_state(ours, theirs)


@pytest.mark.parametrize("form", ["parametrization", "hook"])
def test_sgd_steps_match_torch(form):
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "linear")
    if form == "hook":
        nn.utils.spectral_norm(ours)
        t.nn.utils.spectral_norm(theirs)
    else:
        PZ.spectral_norm(ours, n_power_iterations=2)
        t.nn.utils.parametrizations.spectral_norm(theirs, n_power_iterations=2)
    ours.load_state_dict(_sd(theirs))
    y = np.random.default_rng(9).standard_normal((5, 4))
    opt = nn.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    topt = t.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(4):
        opt.zero_grad(), topt.zero_grad()
        F.mse_loss(ours(x), ag.tensor(y)).backward()
        t.nn.functional.mse_loss(theirs(tx), t.tensor(y)).backward()
        opt.step(), topt.step()
    _assert_same_state(ours, theirs)


def test_parametrization_errors_match_torch():
    t = require_torch()
    for kwargs, error, match in [({"name": "weigth"}, ValueError, "spectral_norm: .*no parameter or buffer .*'weigth'"),
                                 ({"n_power_iterations": 0}, ValueError, "spectral_norm: .*n_power_iterations=0"),
                                 ({"dim": 2}, IndexError, r"spectral_norm: Dimension out of range")]:
        with pytest.raises(error, match=match):
            PZ.spectral_norm(nn.Linear(3, 4), **kwargs)
        with pytest.raises(error):
            t.nn.utils.parametrizations.spectral_norm(t.nn.Linear(3, 4), **kwargs)


# ----- the hook form ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, kwargs", [("linear", {}), ("linear", {"n_power_iterations": 2, "dim": 1}),
                                           ("conv2d", {}), ("convtranspose2d", {})])
def test_hook_train_and_eval_match_torch(layer, kwargs):
    t = require_torch()
    ours, theirs, x, tx = _pair(t, layer)
    nn.utils.spectral_norm(ours, **kwargs)
    t.nn.utils.spectral_norm(theirs, **kwargs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    for name in ("weight_u", "weight_v"):    # random unit vectors, not yet iterated
        np.testing.assert_allclose(np.linalg.norm(getattr(ours, name).numpy()), 1.0, rtol=1e-12)
    _assert_close(ours.weight, theirs.weight, "the plain weight attribute before any forward")
    ours.load_state_dict(_sd(theirs))
    for _ in range(3):
        _assert_close(ours(x), theirs(tx), "train forward")
        _assert_same_state(ours, theirs)
        _assert_close(ours.weight, theirs.weight, "weight")
    ours.eval(), theirs.eval()
    _assert_close(ours(x), theirs(tx), "eval forward")
    _assert_same_state(ours, theirs)
    ours.train(), theirs.train()
    (ours(x).sum() - ours(x * 2).pow(2).sum()).backward()
    (theirs(tx).sum() - theirs(tx * 2).pow(2).sum()).backward()
    _assert_close(ours.weight_orig.grad, theirs.weight_orig.grad, "gradient of weight_orig")
    nn.utils.remove_spectral_norm(ours)
    t.nn.utils.remove_spectral_norm(theirs)
    _assert_same_state(ours, theirs)
    assert isinstance(ours.weight, nn.Parameter) and not ours._forward_pre_hooks
    _assert_close(ours(x), theirs(tx), "after removal")


def test_hook_loads_the_old_checkpoint_format_as_torch():
    t = require_torch()
    ours, theirs, x, tx = _pair(t, "linear")
    nn.utils.spectral_norm(ours)
    t.nn.utils.spectral_norm(theirs)
    theirs(tx)
    old = _sd(theirs)
    old["weight"] = theirs.weight.detach().numpy()   # the format before weight_v: weight, weight_orig, weight_u
    del old["weight_v"]
    old = {k: t.tensor(v) for k, v in old.items()}    # a torch checkpoint, loaded into both
    ours.load_state_dict(old)
    theirs.load_state_dict(old)
    _assert_same_state(ours, theirs)
    ours.eval(), theirs.eval()
    _assert_close(ours(x), theirs(tx), "forward after the old checkpoint")


def test_hook_errors_match_torch():
    t = require_torch()
    with pytest.raises(KeyError, match="spectral_norm: Linear has no parameter named 'weigth'"):
        nn.utils.spectral_norm(nn.Linear(3, 4), name="weigth")
    with pytest.raises(KeyError):
        t.nn.utils.spectral_norm(t.nn.Linear(3, 4), name="weigth")
    with pytest.raises(ValueError, match="n_power_iterations=0"):
        nn.utils.spectral_norm(nn.Linear(3, 4), n_power_iterations=0)
    with pytest.raises(ValueError):
        t.nn.utils.spectral_norm(t.nn.Linear(3, 4), n_power_iterations=0)
    layer = nn.utils.spectral_norm(nn.Linear(3, 4))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks.*remove_spectral_norm"):
        nn.utils.spectral_norm(layer)
    nn.utils.remove_spectral_norm(layer)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(layer)
    with pytest.raises(ValueError, match="uninitialized parameters.*dummy forward"):
        nn.utils.spectral_norm(nn.LazyLinear(3))
