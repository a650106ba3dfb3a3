"""Gradients of gradients through convolutions: WGAN-GP's gradient penalty, Hessian products, third order."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
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
