"""Higher-order gradients through prod, cumprod, logcumsumexp, the scatters (scatter, scatter_add, index_add,
index_put with accumulate, scatter_reduce) and adaptive max pooling: a create_graph backward through each equals
PyTorch's double backward (zeros among the factors, ties in amax, include_self both ways) and passes
gradgradcheck in float64."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.gradcheck import gradgradcheck
from tests.autograd.test_higher_order_fused import _second_order

IDX = [[0, 1, 0, 1], [1, 0, 1, 0], [0, 0, 1, 1]]


def _with_zeros(x0):
    x0 = x0.copy()
    x0[0, 1] = 0.0            # a lone zero in row 0
    x0[1, 0] = x0[1, 2] = 0.0  # two zeros in row 1
    return x0


def _lone_zero(x0):
    x0 = x0.copy()
    x0[0, 1] = 0.0   # PyTorch refuses a double backward where two zero factors meet (deepgrad's is exact there)
    return x0


CASES = {
    "prod_dim": ((3, 4), _with_zeros, lambda x, L, F: x.prod(1)),
    "prod_all": ((3, 4), None, lambda x, L, F: x.prod()),
    "prod_all_one_zero": ((2, 3), lambda a: np.where(np.arange(6).reshape(2, 3) == 4, 0.0, a),
                          lambda x, L, F: x.prod()),
    "prod_keepdim": ((2, 3, 4), None, lambda x, L, F: x.prod(0, keepdim=True) * x),
    "cumprod": ((3, 5), _with_zeros, lambda x, L, F: x.cumprod(1)),
    "cumprod_dim0": ((6, 2), None, lambda x, L, F: L.cumprod(x, 0)),
    "logcumsumexp": ((3, 5), None, lambda x, L, F: x.logcumsumexp(1) * x),
    "scatter_add": ((3, 4), None, lambda x, L, F: L.zeros(3, 2, dtype=x.dtype).scatter_add(
        1, L.tensor(IDX), x * x)),
    "scatter_src_into_input": ((3, 4), None, lambda x, L, F: (x * x).scatter(
        1, L.tensor([[2], [0], [3]]), x[:, :1].sin())),
    "scatter_value": ((3, 4), None, lambda x, L, F: (x * x).scatter(1, L.tensor([[2], [0], [3]]), 0.5)),
    "index_add": ((3, 4), None, lambda x, L, F: L.zeros(2, 4, dtype=x.dtype).index_add(
        0, L.tensor([0, 1, 1]), x.sin()) * x[:2]),
    "index_put_accumulate": ((3, 4), None, lambda x, L, F: L.zeros(3, dtype=x.dtype).index_put(
        (L.tensor([0, 1, 1, 2]),), x[0] * x[1], accumulate=True)),
    "scatter_reduce_sum": ((3, 4), None, lambda x, L, F: x[:, :2].scatter_reduce(
        1, L.tensor(IDX), x * x, "sum") * x[:, 2:]),
    "scatter_reduce_mean_no_self": ((3, 4), None, lambda x, L, F: x[:, :2].scatter_reduce(
        1, L.tensor(IDX), x * x, "mean", include_self=False) * x[:, 2:]),
    "scatter_reduce_prod": ((3, 4), _lone_zero, lambda x, L, F: x[:, :2].scatter_reduce(
        1, L.tensor(IDX), x, "prod")),
    "scatter_reduce_prod_no_self": ((3, 4), _lone_zero, lambda x, L, F: x[:, 2:].scatter_reduce(
        1, L.tensor(IDX), x, "prod", include_self=False)),
    "scatter_reduce_amax_ties": ((3, 4), lambda a: np.round(a), lambda x, L, F: x[:, :2].scatter_reduce(
        1, L.tensor(IDX), x, "amax") * x[:, 2:]),
    "scatter_reduce_amin_no_self": ((3, 4), None, lambda x, L, F: x[:, :2].scatter_reduce(
        1, L.tensor(IDX), x, "amin", include_self=False) * x[:, 1:3]),
    "adaptive_max_pool2d": ((1, 2, 5, 5), None, lambda x, L, F: F.adaptive_max_pool2d(x * x, 3)),
    "adaptive_max_pool2d_tiled": ((2, 1, 4, 4), None, lambda x, L, F: F.adaptive_max_pool2d(x.sin(), 2) * 3),
    "adaptive_max_pool2d_unbatched": ((2, 5, 4), None, lambda x, L, F: F.adaptive_max_pool2d(x * x, (2, 3))),
    "adaptive_max_pool1d": ((2, 3, 7), None, lambda x, L, F: F.adaptive_max_pool1d(x * x, 3)),
}


def _input(name):
    shape, prepare, _ = CASES[name]
    x0 = np.random.default_rng(sorted(CASES).index(name)).standard_normal(shape)
    return x0 if prepare is None else prepare(x0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_derivatives_match_pytorchs(name):
    torch = pytest.importorskip("torch")
    fn, x0 = CASES[name][2], _input(name)
    for mine, theirs in zip(_second_order(ag, F, fn, x0), _second_order(torch, torch.nn.functional, fn, x0)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["prod_dim", "prod_keepdim", "cumprod", "logcumsumexp", "scatter_add",
                                  "scatter_src_into_input", "index_add", "scatter_reduce_mean_no_self",
                                  "scatter_reduce_prod_no_self", "adaptive_max_pool2d"])
def test_second_derivatives_pass_gradgradcheck(name):
    fn = CASES[name][2]
    x0 = np.random.default_rng(11).standard_normal(CASES[name][0])   # no zeros or ties: smooth there
    x = ag.tensor(x0, requires_grad=True)
    assert gradgradcheck(lambda t: fn(t, ag, F), (x,))


def test_third_derivative_of_prod_equals_pytorchs():
    torch = pytest.importorskip("torch")
    x0 = np.random.default_rng(5).standard_normal((2, 4))
    found = []
    for lib in (ag, torch):
        x = lib.tensor(x0, requires_grad=True)
        g, = lib.autograd.grad(x.prod(1).sum(), x, create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), x, create_graph=True)
        (h * x).sum().backward()
        found.append([g.detach().numpy(), h.detach().numpy(), x.grad.numpy()])
    for mine, theirs in zip(*found):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def test_hessian_of_a_scatter_sum_graph_equals_pytorchs():
    """A message-passing step (index_add_ of edge messages into nodes), its Hessian by autograd.functional."""
    torch = pytest.importorskip("torch")
    x0 = np.random.default_rng(2).standard_normal(4)
    src, dst = [0, 1, 2, 3, 0], [1, 2, 3, 0, 2]

    def energy(lib):
        def f(x):
            messages = (x[src] - x[dst]).tanh()
            nodes = lib.zeros(4, dtype=x.dtype).index_add(0, lib.tensor(dst), messages)
            return (nodes * x).sum()
        return f

    mine = ag.autograd.functional.hessian(energy(ag), ag.tensor(x0)).numpy()
    theirs = torch.autograd.functional.hessian(energy(torch), torch.tensor(x0)).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def test_a_linear_scatter_gradient_needs_no_second_graph():
    """scatter_add is linear: its first gradient does not depend on the input, so asking for its gradient
    again says so, as PyTorch does, instead of naming a fused kernel."""
    x = ag.tensor(np.ones((3, 4)), requires_grad=True)
    g, = ag.autograd.grad(ag.zeros(3, 2, dtype=x.dtype).scatter_add(1, ag.tensor(IDX), x).sum(), x,
                          create_graph=True)
    assert not g.requires_grad
    np.testing.assert_array_equal(g.numpy(), np.ones((3, 4)))


@pytest.mark.parametrize("name", ["prod_dim", "cumprod", "scatter_reduce_prod"])
def test_second_derivatives_are_exact_where_factors_are_zero(name):
    """Products are polynomials, smooth at zero: finite differences check the second derivatives there, with two
    zero factors meeting at one position (where PyTorch's scatter_reduce refuses a double backward)."""
    shape, _, fn = CASES[name]
    x = ag.tensor(_with_zeros(np.random.default_rng(4).standard_normal(shape)), requires_grad=True)
    assert gradgradcheck(lambda t: fn(t, ag, F), (x,))
