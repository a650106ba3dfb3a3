"""Activation functions and modules against torch, plus gradcheck in float64."""
import numpy as np
import pytest

import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

CASES = [  # (id, function name in nn.functional and torch.nn.functional, our kwargs, torch kwargs)
    ("relu", "relu", {}, {}),
    ("leaky_relu", "leaky_relu", {"negative_slope": 0.1}, {"negative_slope": 0.1}),
    ("elu", "elu", {"alpha": 0.7}, {"alpha": 0.7}),
    ("gelu", "gelu", {}, {}),
    ("gelu_tanh", "gelu", {"approximate": "tanh"}, {"approximate": "tanh"}),
    ("silu", "silu", {}, {}),
    ("sigmoid", "sigmoid", {}, {}),
    ("tanh", "tanh", {}, {}),
    ("softplus", "softplus", {"beta": 2.0, "threshold": 5.0}, {"beta": 2.0, "threshold": 5.0}),
    ("hardtanh", "hardtanh", {}, {}),
    ("softmax", "softmax", {"axis": 1}, {"dim": 1}),
    ("log_softmax", "log_softmax", {"axis": 0}, {"dim": 0}),
]
BY_ID = {case[0]: case for case in CASES}


def ours(case):
    _, name, kwargs, _ = case
    return lambda x: getattr(F, name)(x, **kwargs)


def theirs(torch, case):
    _, name, _, kwargs = case
    return lambda x: getattr(torch.nn.functional, name)(x, **kwargs)


@pytest.mark.parametrize("name", BY_ID)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(device, name, dtype):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).uniform(-6, 6, size=(4, 5)).astype(dtype)
    tol = 1e-10 if dtype == np.float64 else 2e-5
    check_against_torch(ours(BY_ID[name]), theirs(torch, BY_ID[name]), [x], device=device, atol=tol, rtol=tol)


@pytest.mark.parametrize("name", BY_ID)
def test_gradcheck(device, name):
    x = np.random.default_rng(1).uniform(-3, 3, size=(3, 4))
    x[np.abs(x) < 0.05] = 0.3  # keep finite differences away from kinks
    if name == "hardtanh":
        x[np.abs(np.abs(x) - 1) < 0.05] = 0.5
    check_gradcheck(ours(BY_ID[name]), [x], device=device)


def test_softmax_extreme_inputs_are_finite():
    import autograd as ag
    x = ag.tensor([[1e4, -1e4, 0.0]])
    assert np.isfinite(F.softmax(x).numpy()).all() and np.isfinite(F.log_softmax(x).numpy()).all()


def test_modules_wrap_functional():
    import autograd as ag
    x = ag.tensor(np.linspace(-2, 2, 7))
    for module, fn in [(nn.ReLU(), F.relu), (nn.GELU(), F.gelu), (nn.SiLU(), F.silu), (nn.Tanh(), F.tanh),
                       (nn.Sigmoid(), F.sigmoid), (nn.LeakyReLU(0.2), lambda t: F.leaky_relu(t, 0.2)),
                       (nn.ELU(), F.elu), (nn.Softplus(), F.softplus), (nn.Softmax(0), lambda t: F.softmax(t, 0)),
                       (nn.LogSoftmax(0), lambda t: F.log_softmax(t, 0))]:
        np.testing.assert_allclose(module(x).numpy(), fn(x).numpy())


def test_module_reprs_and_pytorch_arguments():
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')" and repr(nn.Softmax(1)) == "Softmax(dim=1)"
    import pytest as _pytest
    with _pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


def test_softplus_and_bce_gradient_at_zero_is_half(device):
    import autograd as ag
    x = ag.tensor([0.0, 30.0, -30.0], device=device, requires_grad=True)
    F.softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1.0, 1 / (1 + np.exp(30.0))], rtol=1e-6)


@pytest.mark.parametrize("name", ["relu", "silu", "gelu_tanh", "softplus", "softmax", "log_softmax", "elu"])
def test_second_order_gradients(device, name):
    import autograd as ag
    fn = ours(BY_ID[name])
    x = np.random.default_rng(2).uniform(-2, 2, size=(3, 4))
    x[np.abs(x) < 0.05] = 0.4
    w = ag.tensor(np.random.default_rng(3).standard_normal((3, 4)), device=device)

    def first_grad(t):
        with ag.enable_grad():
            return ag.grad((fn(t) * w).sum(), t, create_graph=True)[0]
    check_gradcheck(first_grad, [x], device=device)


def test_exact_gelu_has_a_second_derivative(device):
    import autograd as ag
    x = ag.tensor([0.5, -1.0, 0.0, 2.5], dtype=ag.float64, device=device, requires_grad=True)
    g, = ag.grad(F.gelu(x).sum(), x, create_graph=True)
    g.sum().backward()
    # d2/dx2 x Phi(x) = 2 phi(x) - x^2 phi(x)
    values = np.array([0.5, -1.0, 0.0, 2.5])
    phi = np.exp(-values ** 2 / 2) / np.sqrt(2 * np.pi)
    np.testing.assert_allclose(x.grad.numpy(), (2 - values ** 2) * phi, rtol=1e-12)


def test_softmax_modules_take_pytorchs_dim_and_its_implicit_choice():
    import warnings

    import autograd as ag
    torch = __import__("pytest").importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for name in ("Softmax", "LogSoftmax"):
        for kwargs in ({"dim": 2}, {"dim": 1}, {}):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ours = getattr(nn, name)(**kwargs)(ag.tensor(x)).numpy()
                theirs = getattr(torch.nn, name)(**kwargs)(torch.tensor(x)).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
            assert len(caught) == (2 if not kwargs else 0)    # the implicit dim warns in both libraries
            assert repr(getattr(nn, name)(**kwargs)) == repr(getattr(torch.nn, name)(**kwargs))
    np.testing.assert_allclose(nn.Softmax(axis=-1)(ag.tensor(x)).numpy(), nn.Softmax(dim=2)(ag.tensor(x)).numpy())
