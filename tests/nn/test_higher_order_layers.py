"""Gradients of gradients through layers: WGAN-GP penalties through conv, layer_norm, cumsum, dropout; third order."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.errors import GraphError
from tests.helpers import check_against_torch, check_gradcheck, rand

CASES = [  # (x shape, w shape, conv keyword arguments)
    ((2, 3, 7, 6), (4, 3, 3, 3), dict(padding=1)),
    ((2, 4, 9, 8), (6, 2, 3, 2), dict(stride=2, padding=(1, 0), dilation=(2, 1), groups=2)),
    ((1, 2, 6, 6), (3, 2, 4, 4), dict(padding="same")),      # even kernel: extra padding at bottom/right
    ((2, 3, 5, 5), (2, 3, 1, 1), dict(stride=1)),
]


def _penalty(lib, conv, x, w, b, kwargs):
    """A gradient penalty: the squared norm of d(sum of conv outputs squared)/dx, differentiable again."""
    y = conv(x, w, b, **kwargs)
    gx, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    return ((gx.reshape(gx.shape[0], -1).norm(2, dim=1) - 1) ** 2).mean()


@pytest.mark.parametrize("xs,ws,kwargs", CASES)
def test_gradient_penalty_through_conv2d_matches_torch(device, xs, ws, kwargs):
    torch = pytest.importorskip("torch")
    arrays = [rand(xs, np.float32, seed=1), rand(ws, np.float32, seed=2), rand(ws[:1], np.float32, seed=3)]
    check_against_torch(lambda x, w, b: _penalty(ag, F.conv2d, x, w, b, kwargs),
                        lambda x, w, b: _penalty(torch, torch.nn.functional.conv2d, x, w, b, kwargs),
                        arrays, device=device, atol=1e-4, rtol=1e-4)


def test_gradient_penalty_through_conv1d_matches_torch(device):
    torch = pytest.importorskip("torch")
    arrays = [rand((2, 3, 11), np.float32, seed=4), rand((5, 3, 3), np.float32, seed=5),
              rand((5,), np.float32, seed=6)]
    kwargs = dict(stride=2, padding=1)
    check_against_torch(lambda x, w, b: _penalty(ag, F.conv1d, x, w, b, kwargs),
                        lambda x, w, b: _penalty(torch, torch.nn.functional.conv1d, x, w, b, kwargs),
                        arrays, device=device, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("xs,ws,kwargs", CASES[:2])
def test_third_order_through_conv2d_gradcheck(device, xs, ws, kwargs):
    def weight_grad_of_penalty(x, w):
        return ag.autograd.grad(_penalty(ag, F.conv2d, x, w, None, kwargs), w, create_graph=True)[0]

    check_gradcheck(weight_grad_of_penalty, [rand(xs, seed=7), rand(ws, seed=8)], device=device)


def test_torch_autograd_imports_port():
    # `from torch.autograd import Function` becomes `from autograd.autograd import Function`
    from autograd.autograd import Function, grad
    from autograd.autograd.functional import jacobian
    assert Function is ag.autograd.Function and grad is ag.autograd.grad
    assert jacobian is ag.autograd.functional.jacobian


def _input_penalty(lib, f, x, *params):
    """Squared norm of d(sum f(x)^2)/dx, for checking second-order gradients of f against torch."""
    y = f(lib, x, *params)
    gx, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    return (gx * gx).sum()


def _layer_norm(lib, x, w, b):
    F_ = F if lib is ag else lib.nn.functional
    return F_.layer_norm(x.sin(), (3, 4), w, b, 1e-5)


def _cumsum(lib, x):
    return (x * x).cumsum(1)


@pytest.mark.parametrize("f,extra_shapes", [(_layer_norm, [(3, 4), (3, 4)]), (_cumsum, [])])
def test_second_order_through_layer_norm_and_cumsum_matches_torch(device, f, extra_shapes):
    torch = pytest.importorskip("torch")
    arrays = [rand((2, 3, 4), np.float64, seed=9)] + [rand(s, np.float64, seed=10 + k)
                                                      for k, s in enumerate(extra_shapes)]
    check_against_torch(lambda *a: _input_penalty(ag, f, *a), lambda *a: _input_penalty(torch, f, *a),
                        arrays, device=device, atol=1e-8, rtol=1e-6)


def test_second_order_through_dropout_uses_the_same_mask(device):
    x = ag.tensor(rand((50, 40), seed=12), device=device, requires_grad=True)
    y = F.dropout(x * x, 0.5)
    gx, = ag.autograd.grad(y.sum(), x, create_graph=True)   # 2 x mask
    ggx, = ag.autograd.grad(gx.sum(), x)                     # 2 mask
    mask = (y.numpy() != 0) * 2.0
    np.testing.assert_allclose(gx.numpy(), 2 * x.numpy() * mask)
    np.testing.assert_allclose(ggx.numpy(), 2 * mask)


def test_second_order_refusal_names_the_op_and_the_way_out():
    # pooling, conv_transpose2d and the recurrences differentiate again since stop 35
    # (tests/autograd/test_higher_order_fused.py); CTC does not
    lp = ag.randn(5, 2, 4, requires_grad=True)
    with pytest.raises(GraphError, match="ctc_loss cannot be differentiated again.*elementary tensor ops"):
        ag.autograd.grad(F.ctc_loss(lp.log_softmax(2), ag.tensor([[1, 2], [1, 1]]), [5, 5], [2, 2]), lp,
                         create_graph=True)
