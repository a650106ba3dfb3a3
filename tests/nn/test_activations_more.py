"""SELU, Mish, ReLU6, LogSigmoid, Softsign, Hardswish, Hardsigmoid (functional and modules) against torch."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

NAMES = ["selu", "mish", "relu6", "logsigmoid", "softsign", "hardswish", "hardsigmoid"]
MODULES = {"selu": "SELU", "mish": "Mish", "relu6": "ReLU6", "logsigmoid": "LogSigmoid", "softsign": "Softsign",
           "hardswish": "Hardswish", "hardsigmoid": "Hardsigmoid"}
INPLACE = ["selu", "mish", "relu6", "hardswish", "hardsigmoid"]
KINKS = {"relu6": (0.0, 6.0), "hardswish": (-3.0, 3.0), "hardsigmoid": (-3.0, 3.0)}


def _inputs(dtype, seed=0, shape=(4, 6)):
    x = np.random.default_rng(seed).uniform(-8, 8, size=shape).astype(dtype)
    x.flat[:6] = [-3.0, 3.0, 0.0, 6.0, -30.0, 40.0]   # the kinks (PyTorch's one-sided gradients) and far tails
    return x


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_functional_against_torch(device, name, dtype):
    torch = pytest.importorskip("torch")
    tol = 1e-12 if dtype == np.float64 else 2e-6
    check_against_torch(getattr(F, name), getattr(torch.nn.functional, name), [_inputs(dtype)], device=device,
                        atol=tol, rtol=tol)


@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 4)])
@pytest.mark.parametrize("name", NAMES)
def test_shapes_against_torch(name, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).uniform(-5, 5, size=shape)
    check_against_torch(getattr(F, name), getattr(torch.nn.functional, name), [x], atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck(device, name):
    x = np.random.default_rng(1).uniform(-5, 5, size=(3, 4))
    for kink in KINKS.get(name, ()):
        x[np.abs(x - kink) < 0.05] = kink + 0.3
    check_gradcheck(getattr(F, name), [x], device=device)


@pytest.mark.parametrize("name", ["selu", "mish", "logsigmoid", "softsign", "hardswish", "relu6"])
def test_second_derivative_against_torch(name):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).uniform(-5, 5, size=(5, 3))
    ours = ag.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    g, = ag.autograd.grad(getattr(F, name)(ours).sum(), ours, create_graph=True)
    tg, = torch.autograd.grad(getattr(torch.nn.functional, name)(theirs).sum(), theirs, create_graph=True)
    gg, = ag.autograd.grad((g * g).sum(), ours)
    tgg, = torch.autograd.grad((tg * tg).sum(), theirs)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_modules_against_torch(name):
    torch = pytest.importorskip("torch")
    x = _inputs(np.float32, seed=4)
    ours, theirs = getattr(nn, MODULES[name])(), getattr(torch.nn, MODULES[name])()
    check_against_torch(ours, theirs, [x], atol=2e-6, rtol=2e-6)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_writes_into_the_input_as_torch(name):
    torch = pytest.importorskip("torch")
    x = _inputs(np.float64, seed=5)
    ours, theirs = ag.tensor(x.copy()), torch.tensor(x.copy())
    out = getattr(F, name)(ours, inplace=True)
    tout = getattr(torch.nn.functional, name)(theirs, inplace=True)
    assert out is ours and tout is theirs
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    module = getattr(nn, MODULES[name])(inplace=True)
    assert repr(module) == repr(getattr(torch.nn, MODULES[name])(inplace=True))
    y = ag.tensor(x.copy())
    assert module(y) is y


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_inside_a_graph_keeps_gradients(name):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(6).uniform(-5, 5, size=(3, 4))
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    h, th = ours * 2.0, theirs * 2.0
    getattr(F, name)(h, inplace=True)
    getattr(torch.nn.functional, name)(th, inplace=True)
    (h * h).sum().backward()
    (th * th).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_on_a_leaf_that_requires_grad_is_refused(name):
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(Exception, match=f"{name}_"):
        getattr(F, name)(x, inplace=True)


@pytest.mark.parametrize("name", ["selu", "mish", "logsigmoid", "hardswish", "hardsigmoid"])
def test_integer_input_is_refused_with_the_fix(name):
    with pytest.raises(TypeError, match=rf"{name}: .*int64.*\.float\(\)"):
        getattr(F, name)(ag.tensor([1, 2, 3]))


@pytest.mark.parametrize("name", NAMES)
def test_non_tensor_input_is_refused(name):
    with pytest.raises(TypeError, match=name):
        getattr(F, name)([1.0, 2.0])


def test_logsigmoid_is_finite_in_the_tails():
    y = F.logsigmoid(ag.tensor([-1e4, 1e4], dtype=ag.float32)).numpy()
    np.testing.assert_allclose(y, [-1e4, 0.0])
