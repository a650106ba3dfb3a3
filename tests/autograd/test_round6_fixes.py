"""Bugs that ported PyTorch programs met (tests/test_pytorch_programs_round6.py), each checked against PyTorch:
third-order gradients through saved_tensors_hooks and non-reentrant activation checkpointing, grad's materialized
zeros under create_graph, the sign of remainder's zeros, and (not fixed yet) requires_grad of views made under
no_grad."""
import numpy as np
import pytest

import autograd as ag
from autograd.utils.checkpoint import checkpoint

X = np.array([[0.1, 0.4], [0.7, -0.2]])
W = np.array([[0.5, -0.3], [0.2, 0.8]])

FUNCTIONS = {
    "sin_of_product": lambda lib, x, w: lib.sin(x * w),            # saves an input made by another op
    "tanh_of_matmul": lambda lib, x, w: lib.tanh(x @ w),           # saves its own output
    "product_of_products": lambda lib, x, w: (x * w) * x,          # saves leaves and a non-leaf
}


def _third_order(lib, f, wrap):
    """d/dw of |d/dx (d/dx f(x, w))[:, 0]|^2: three nested grads, the last two through create_graph nodes."""
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    y = wrap(lib, f, x * 1.0, w)
    g, = lib.autograd.grad(y.sum(), x, create_graph=True)
    g2, = lib.autograd.grad(g[:, 0].sum(), x, create_graph=True)
    gx, gw = lib.autograd.grad((g2 ** 2).sum(), (x, w), materialize_grads=True)
    return [t.detach().numpy() for t in (g2, gx, gw)]


def _plain(lib, f, x, w):
    return f(lib, x, w)


def _hooked(lib, f, x, w):
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t):
        return f(lib, x, w)


def _checkpointed(lib, f, x, w):
    if lib is ag:
        return checkpoint(lambda a: f(lib, a, w), x, use_reentrant=False)
    import torch.utils.checkpoint
    return torch.utils.checkpoint.checkpoint(lambda a: f(lib, a, w), x, use_reentrant=False)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("wrap", [_hooked, _checkpointed], ids=["saved_tensors_hooks", "checkpoint"])
def test_third_order_gradients_through_unpacked_saved_values_match_torch(name, wrap):
    # was: the copies unpacked for a create_graph backward were treated as constants one level further down
    # (sin_of_product through hooks: d3/dx3 gave 0 where PyTorch gives -3.039); the PINN program's heat loss
    # differentiated through a checkpointed block gave other parameter gradients than without the checkpoint
    torch = pytest.importorskip("torch")
    f = FUNCTIONS[name]
    ours = _third_order(ag, f, wrap)
    for mine, theirs in zip(ours, _third_order(torch, f, wrap)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)
    for mine, plain in zip(ours, _third_order(ag, f, _plain)):
        np.testing.assert_allclose(mine, plain, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("create_graph", [False, True])
def test_materialized_zeros_for_an_unused_input_require_grad_under_create_graph(create_graph):
    # was: requires_grad=False always, so a further grad through them (as PyTorch allows) raised
    torch = pytest.importorskip("torch")
    flags = []
    for lib in (ag, torch):
        x = lib.ones(2, dtype=lib.float64, requires_grad=True)
        w = lib.ones(2, dtype=lib.float64, requires_grad=True)
        z, = lib.autograd.grad((x * 2).sum(), w, create_graph=create_graph, allow_unused=True, materialize_grads=True)
        assert z.detach().numpy().tolist() == [0.0, 0.0]
        flags.append((z.requires_grad, z.grad_fn is None, z.is_leaf))
    assert flags[0] == flags[1]


def test_views_made_under_no_grad_keep_requires_grad_as_torch():
    torch = pytest.importorskip("torch")
    flags = []
    for lib in (ag, torch):
        w = lib.tensor(W, requires_grad=True)
        with lib.no_grad():
            views = (w[0, :1], w[0], w[:, 1], w.view(-1), w.t(), w.narrow(0, 0, 1), w + 1, w[[0, 1]])
            flags.append([(v.requires_grad, v.is_leaf, v.grad_fn is None) for v in views])
    assert flags[0] == flags[1]   # PyTorch: True for the six views, False for w + 1 and the gathered copy
    w = ag.tensor(W, requires_grad=True)
    with ag.no_grad():
        row = w[0]
    (row * 2).sum().backward()   # as in PyTorch: the view is a leaf that takes no gradient, nor does w
    assert row.grad is None and w.grad is None
    with ag.no_grad():
        first, _ = w.split(1)   # one of several views: the same
    assert first.requires_grad and first.is_leaf
    (first * 2).sum().backward()
    assert first.grad is None and w.grad is None


@pytest.mark.parametrize("divisor", [-1.5, 1.5, 2.0, float("inf"), -float("inf")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_remainder_zeros_keep_the_dividends_sign_as_torch(divisor, dtype):
    # was: NumPy's remainder gives a zero result the divisor's sign: remainder(1.5, -1.5) printed -0. where
    # PyTorch prints 0., and remainder(-2., 1.) printed 0. where PyTorch prints -0.
    torch = pytest.importorskip("torch")
    a = np.array([1.5, -1.5, 3.0, -3.0, 0.0, -0.0, -2.0, 5.0, -5.0, 7.25, -7.25], dtype=dtype)
    theirs = torch.remainder(torch.tensor(a), divisor).numpy()
    for ours in (ag.remainder(ag.tensor(a), divisor), ag.tensor(a) % divisor):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours.numpy(), theirs)
        np.testing.assert_array_equal(np.signbit(ours.numpy()), np.signbit(theirs))


def test_remainder_broadcast_ints_and_gradients_unchanged():
    torch = pytest.importorskip("torch")
    a, b = np.array([1.1, -2.3, 4.0]), np.array([[0.71], [-1.87]])
    np.testing.assert_array_equal((ag.tensor(a) % ag.tensor(b)).numpy(), (torch.tensor(a) % torch.tensor(b)).numpy())
    ints = np.array([5, -5, 6, -6])
    for d in (4, -4):
        assert (ag.tensor(ints) % d).tolist() == (torch.tensor(ints) % d).tolist()
    assert ag.gradcheck(ag.remainder, (ag.tensor(a, requires_grad=True), ag.tensor(b + 3.05, requires_grad=True)))
