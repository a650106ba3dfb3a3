"""nn.Linear (alias nn.Dense) against torch.nn.Linear: outputs, input and parameter gradients; errors; initialisation."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_gradcheck


@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_dense_matches_torch(device, shape, bias):
    torch = pytest.importorskip("torch")
    tl = torch.nn.Linear(3, 4, bias=bias).double()
    layer = nn.Linear(3, 4, bias=bias, dtype=ag.float64, device=device)
    layer.load_state_dict(tl.state_dict())
    x = np.random.default_rng(1).standard_normal(shape)
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yo, yt = layer(xo), tl(xt)
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), atol=1e-12)
    g = np.random.default_rng(2).standard_normal(yo.shape)
    yo.backward(ag.tensor(g, device=device))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad.numpy(), tl.weight.grad.numpy(), atol=1e-12)
    if bias:
        np.testing.assert_allclose(layer.bias.grad.numpy(), tl.bias.grad.numpy(), atol=1e-12)


def test_linear_gradcheck(device):
    rng = np.random.default_rng(0)
    check_gradcheck(F.linear, [rng.standard_normal((2, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)],
                    device=device)


def test_linear_second_order(device):
    x = ag.tensor(np.random.default_rng(0).standard_normal((2, 3)), device=device, requires_grad=True)
    w = ag.tensor(np.random.default_rng(1).standard_normal((4, 3)), device=device, requires_grad=True)

    def grad_x(x, w):
        with ag.enable_grad():  # gradcheck evaluates fn under no_grad for its finite differences
            return ag.grad((F.linear(x, w) ** 2).sum(), x, create_graph=True)[0]
    assert ag.gradcheck(grad_x, [x, w])


def test_wrong_features_names_layer_and_sizes():
    with pytest.raises(ValueError, match=r"Linear\(in_features=3.*expected input with 3 features.*\(5, 7\)"):
        nn.Linear(3, 4)(ag.zeros(5, 7))


def test_default_init_bounds():
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = layer.weight.numpy(), layer.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.02 * bound
    assert np.abs(b).max() <= bound


def test_dense_is_the_keras_style_name_of_linear():
    assert nn.Dense is nn.Linear
    assert repr(nn.Dense(2, 3)) == "Linear(in_features=2, out_features=3, bias=True)"
