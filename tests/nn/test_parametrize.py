"""nn.utils.weight_norm / remove_weight_norm, nn.utils.parametrizations.weight_norm and nn.utils.parametrize
(register_parametrization, stacking, right_inverse on assignment, cached, remove_parametrizations) against
PyTorch: parameter names, state_dict keys, values and gradients."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.utils.parametrize as P
from nn.utils import parametrizations


def _linear(lib, values, bias):
    layer = lib.nn.Linear(values.shape[1], values.shape[0]).double() if lib is not ag else nn.Linear(
        values.shape[1], values.shape[0]).double()
    tensor = (lambda v: lib.tensor(v)) if lib is not ag else (lambda v: ag.tensor(v))
    with lib.no_grad():
        layer.weight.copy_(tensor(values))
        layer.bias.copy_(tensor(bias))
    return layer


def _grads(layer, x):
    layer(x).pow(2).sum().backward()
    return {name: p.grad.numpy().copy() for name, p in layer.named_parameters()}


@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("style", ["hook", "parametrization"])
def test_weight_norm_matches_torch(style, dim):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w, b, x = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal((5, 3))
    ours, theirs = _linear(ag, w, b), _linear(torch, w, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        if style == "hook":
            nn.utils.weight_norm(ours, dim=dim)
            torch.nn.utils.weight_norm(theirs, dim=dim)
        else:
            parametrizations.weight_norm(ours, dim=dim)
            torch.nn.utils.parametrizations.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), (_, t) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), t.numpy(), rtol=1e-12, err_msg=k)
    ours_g, theirs_g = _grads(ours, ag.tensor(x)), _grads(theirs, torch.tensor(x))
    assert list(ours_g) == list(theirs_g)
    for k in ours_g:
        np.testing.assert_allclose(ours_g[k], theirs_g[k], rtol=1e-10, err_msg=k)
    np.testing.assert_allclose(ours.weight.detach().numpy(), w, rtol=1e-12)


def test_remove_weight_norm_restores_one_parameter():
    layer = _linear(ag, np.arange(6.0).reshape(2, 3) + 1, np.zeros(2))
    nn.utils.weight_norm(layer)
    with pytest.raises(RuntimeError, match="already has weight normalisation"):
        nn.utils.weight_norm(layer)
    with ag.no_grad():
        layer.weight_g.mul_(2)
    layer(ag.ones(1, 3, dtype=ag.float64))
    nn.utils.remove_weight_norm(layer)
    assert [n for n, _ in layer.named_parameters()] == ["bias", "weight"]
    np.testing.assert_allclose(layer.weight.numpy(), 2 * (np.arange(6.0).reshape(2, 3) + 1))
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nn.utils.remove_weight_norm(layer)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(0, 1)


class Positive(nn.Module):
    def forward(self, x):
        return x.exp()

    def right_inverse(self, y):
        return y.log()


class Double(nn.Module):
    def forward(self, x):
        return x * 2

    def right_inverse(self, y):
        return y / 2


def test_register_parametrization_computes_the_tensor_from_its_original():
    layer = _linear(ag, np.arange(9.0).reshape(3, 3), np.array([1.0, 2.0, 4.0]))
    weight = layer.weight
    P.register_parametrization(layer, "weight", Symmetric())
    P.register_parametrization(layer, "bias", Positive())
    P.register_parametrization(layer, "bias", Double())
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert P.is_parametrized(layer) and P.is_parametrized(layer, "bias") and not P.is_parametrized(nn.Linear(1, 1))
    assert layer.parametrizations.weight.original is weight    # the same Parameter: optimisers keep working
    assert list(layer.state_dict()) == ["parametrizations.weight.original", "parametrizations.bias.original"]
    np.testing.assert_array_equal(layer.weight.numpy(), [[0, 1, 2], [1, 4, 5], [2, 5, 8]])
    np.testing.assert_allclose(layer.bias.numpy(), [2.0, 4.0, 8.0])
    np.testing.assert_allclose(layer.parametrizations.bias.original.numpy(), np.log([1.0, 2.0, 4.0]))
    layer.bias = ag.tensor([2.0, 2.0, 2.0], dtype=ag.float64)      # through Double's, then Positive's right_inverse
    np.testing.assert_allclose(layer.parametrizations.bias.original.numpy(), [0.0, 0.0, 0.0], atol=1e-15)
    layer(ag.ones(2, 3, dtype=ag.float64)).sum().backward()
    np.testing.assert_allclose(layer.parametrizations.bias.original.grad.numpy(), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(layer.parametrizations.weight.original.grad.numpy(),
                                  [[2, 4, 4], [0, 2, 4], [0, 0, 2]])   # off-diagonal entries are used twice
    assert layer.weight is not layer.weight
    with P.cached():
        assert layer.weight is layer.weight


def test_remove_parametrizations_and_errors():
    layer = _linear(ag, np.arange(4.0).reshape(2, 2), np.ones(2))
    P.register_parametrization(layer, "weight", Symmetric())
    P.register_parametrization(layer, "bias", Double())
    P.remove_parametrizations(layer, "weight")
    np.testing.assert_array_equal(layer.weight.numpy(), [[0, 1], [1, 3]])
    assert type(layer).__name__ == "ParametrizedLinear"
    P.remove_parametrizations(layer, "bias", leave_parametrized=False)
    assert type(layer) is nn.Linear and not hasattr(layer, "parametrizations")
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]    # as PyTorch's order
    np.testing.assert_array_equal(layer.bias.numpy(), [0.5, 0.5])   # the original: Double's right_inverse of 1
    with pytest.raises(ValueError, match="has no parametrization on 'weight'"):
        P.remove_parametrizations(layer, "weight")

    class Shrink(nn.Module):
        def forward(self, x):
            return x[:1]
    with pytest.raises(ValueError, match="must keep the shape and dtype of 'weight'.*unsafe=True"):
        P.register_parametrization(layer, "weight", Shrink())
    with pytest.raises(ValueError, match="no parameter or buffer named 'scale'"):
        P.register_parametrization(layer, "scale", Symmetric())


def test_parametrized_state_dict_loads_from_pytorch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Linear(3, 3).double()
    torch.nn.utils.parametrize.register_parametrization(theirs, "weight", _TorchSymmetric())
    ours = nn.Linear(3, 3).double()
    P.register_parametrization(ours, "weight", Symmetric())
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(1).standard_normal((2, 3))
    np.testing.assert_allclose(ours(ag.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)


def _TorchSymmetric():
    import torch

    class TorchSymmetric(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(0, 1)
    return TorchSymmetric()
