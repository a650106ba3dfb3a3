"""Higher-order gradients through ReLU, LeakyReLU, hardtanh and ReLU6 match PyTorch's: the first backward
stays connected to the activation with a zero derivative, so grad-of-grad is zeros (not 'unused')."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

ACTS = {
    "relu": (F.relu, lambda t, x: t.nn.functional.relu(x)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda t, x: t.nn.functional.leaky_relu(x, 0.2)),
    "leaky_relu_negative_slope": (lambda x: F.leaky_relu(x, -0.3), lambda t, x: t.nn.functional.leaky_relu(x, -0.3)),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.7), lambda t, x: t.nn.functional.hardtanh(x, -0.5, 0.7)),
    "relu6": (F.relu6, lambda t, x: t.nn.functional.relu6(x)),
}


def _x(dtype, seed=0):
    x = np.random.default_rng(seed).uniform(-8, 8, size=(4, 5)).astype(dtype)
    x.flat[:5] = [0.0, -0.5, 0.7, 6.0, -1.0]   # the kinks: PyTorch's one-sided first derivatives
    return x


@pytest.mark.parametrize("name", ACTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grad_of_grad_wrt_input_is_zeros_as_torch(device, name, dtype):
    torch = pytest.importorskip("torch")
    ours_fn, theirs_fn = ACTS[name]
    x = _x(dtype)
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    go, = ag.autograd.grad(ours_fn(xo).sum(), xo, create_graph=True)
    gt, = torch.autograd.grad(theirs_fn(torch, xt).sum(), xt, create_graph=True)
    np.testing.assert_array_equal(go.numpy(), gt.detach().numpy())
    assert go.requires_grad and gt.requires_grad
    ggo, = ag.autograd.grad((go * go).sum(), xo)
    ggt, = torch.autograd.grad((gt * gt).sum(), xt)
    assert ggo.dtype == x.dtype
    np.testing.assert_array_equal(ggo.numpy(), ggt.numpy())


@pytest.mark.parametrize("name", ACTS)
def test_third_order_is_zeros_as_torch(name):
    torch = pytest.importorskip("torch")
    ours_fn, theirs_fn = ACTS[name]
    x = _x(np.float64, seed=1)
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = ours_fn(xo), theirs_fn(torch, xt)
    go, = ag.autograd.grad((yo * yo).sum(), xo, create_graph=True)
    gt, = torch.autograd.grad((yt * yt).sum(), xt, create_graph=True)
    ggo, = ag.autograd.grad(go.sum(), xo, create_graph=True)
    ggt, = torch.autograd.grad(gt.sum(), xt, create_graph=True)
    np.testing.assert_allclose(ggo.numpy(), ggt.detach().numpy(), atol=1e-12)
    gggo, = ag.autograd.grad(ggo.sum(), xo)
    gggt, = torch.autograd.grad(ggt.sum(), xt)
    np.testing.assert_allclose(gggo.numpy(), gggt.numpy(), atol=1e-12)


def _mlp_pair(torch, act, dtype, seed=0):
    """The same two-layer MLP with activation `act` (a module name) in deepgrad and in torch."""
    ours = nn.Sequential(nn.Linear(3, 8), getattr(nn, act)(), nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), getattr(torch.nn, act)(), torch.nn.Linear(8, 1))
    if dtype == np.float64:
        ours, theirs = ours.to(ag.float64), theirs.double()
    rng = np.random.default_rng(seed)
    for (_, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        values = rng.uniform(-1, 1, size=tuple(p.shape)).astype(dtype)
        with ag.no_grad():
            p.copy_(ag.tensor(values))
        tp.data = torch.tensor(values)
    return ours, theirs


@pytest.mark.parametrize("act", ["ReLU", "LeakyReLU", "Hardtanh", "ReLU6"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_penalty_wrt_weights_matches_torch(act, dtype):
    """WGAN-GP style: ||d out / d x||^2 differentiated with respect to the weights (and the input)."""
    torch = pytest.importorskip("torch")
    ours, theirs = _mlp_pair(torch, act, dtype)
    x = np.random.default_rng(5).uniform(-2, 2, size=(6, 3)).astype(dtype)
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    go, = ag.autograd.grad(ours(xo).sum(), xo, create_graph=True)
    gt, = torch.autograd.grad(theirs(xt).sum(), xt, create_graph=True)
    po, pt = (go * go).sum(), (gt * gt).sum()
    params_o, params_t = list(ours.parameters()), list(theirs.parameters())
    grads_o = ag.autograd.grad(po, params_o + [xo], allow_unused=True)
    grads_t = torch.autograd.grad(pt, params_t + [xt], allow_unused=True)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for k, (a, b) in enumerate(zip(grads_o, grads_t)):
        assert (a is None) == (b is None), f"gradient {k}: ours {a}, torch's {b}"   # the last bias is unused
        if b is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), atol=tol, rtol=tol, err_msg=f"gradient {k}")


def test_first_order_backward_records_no_second_order_node():
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    y = F.relu(x)
    g, = ag.autograd.grad(y.sum(), x)
    assert not g.requires_grad and g.grad_fn is None
