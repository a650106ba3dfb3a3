"""PyTorch leftovers 12, each checked against torch 2.13: the node a create_graph gradient shows (prod, cumprod,
logcumsumexp, logsigmoid, gaussian_nll / smooth_l1 / huber / soft_margin losses), next_functions of ops that take a
number or an index, the dtype of a forward-mode tangent, and the 16-bit nll_loss sum."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _functional(lib):
    """torch.nn.functional for torch, nn.functional for autograd."""
    return F if lib is ag else lib.nn.functional


def _name(node):
    return None if node is None else type(node).__name__


# ----- 1. the node a create_graph gradient shows ------------------------------------------------------------------
#: op(lib, F, x, other) with x of shape (2, 3) the differentiated input and other a constant of the same shape
_DOUBLE_BACKWARD = {
    "prod": lambda L, F, x, c: x.prod(),
    "prod_dim": lambda L, F, x, c: x.prod(1),
    "cumprod": lambda L, F, x, c: x.cumprod(1),
    "logcumsumexp": lambda L, F, x, c: x.logcumsumexp(0),
    "logsigmoid": lambda L, F, x, c: F.logsigmoid(x),
    "gaussian_nll": lambda L, F, x, c: F.gaussian_nll_loss(x, c, c.abs() + 0.5),
    "smooth_l1": lambda L, F, x, c: F.smooth_l1_loss(x, c),
    "smooth_l1_sum": lambda L, F, x, c: F.smooth_l1_loss(x, c, reduction="sum", beta=0.5),
    "huber": lambda L, F, x, c: F.huber_loss(x, c, delta=0.7),
    "soft_margin": lambda L, F, x, c: F.soft_margin_loss(x, c.sign()),
}


def _double_backward(lib, op):
    x = lib.tensor(np.linspace(-1.3, 1.1, 6).reshape(2, 3), requires_grad=True)
    c = lib.tensor(np.linspace(0.9, -0.6, 6).reshape(2, 3))
    g, = lib.autograd.grad(_DOUBLE_BACKWARD[op](lib, _functional(lib), x, c).sum(), x, create_graph=True)
    gg, = lib.autograd.grad((g * g).sum(), x)
    return _name(g.grad_fn), g.detach().numpy(), gg.numpy()


@pytest.mark.parametrize("op", sorted(_DOUBLE_BACKWARD))
def test_create_graph_gradient_shows_pytorchs_node(op):
    torch = _torch()
    theirs, ours = _double_backward(torch, op), _double_backward(ag, op)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-10, atol=1e-12)
