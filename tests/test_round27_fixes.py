"""Regressions for the differences from PyTorch that round 27 found while writing its programs
(tests/test_pytorch_programs_round27.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too (gradcheck where an op's backward changed)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch


def _torch_or_none():
    try:
        return require_torch()
    except pytest.skip.Exception:
        return None


# ----- Linear's double backward: the gradients a create_graph backward makes show PyTorch's nodes -----------------

#: (input shape, bias) -> the nodes of (input grad, weight grad, bias grad) under create_graph, as PyTorch 2.13 names them
LINEAR_GRAD_NODES = {
    ((3, 4), True): ["MmBackward0", "TBackward0", "ViewBackward0"],
    ((3, 4), False): ["MmBackward0", "TBackward0"],
    ((2, 3, 4), True): ["ViewBackward0", "TBackward0", "ViewBackward0"],
    ((2, 3, 4), False): ["ViewBackward0", "TBackward0"],
    ((4,), True): ["ViewBackward0", "TBackward0", "ViewBackward0"],
    ((4,), False): ["SqueezeBackward1", "TBackward0"],
}


def _linear_grad_nodes(lib, module_lib, shape, bias):
    lib.manual_seed(0)
    x = lib.randn(*shape, dtype=lib.float64, requires_grad=True)
    lin = module_lib.Linear(4, 5, bias=bias).double()
    y = lin(x)
    grad_out = lib.ones_like(y).requires_grad_()
    wanted = [x, lin.weight] + ([lin.bias] if bias else [])
    grads = lib.autograd.grad(y, wanted, grad_out, create_graph=True)
    return [g.grad_fn.name() for g in grads], [g.detach().numpy() for g in grads]


@pytest.mark.parametrize("shape, bias", list(LINEAR_GRAD_NODES))
def test_linear_create_graph_gradients_show_pytorchs_nodes(shape, bias):
    names, values = _linear_grad_nodes(ag, nn, shape, bias)
    assert names == LINEAR_GRAD_NODES[shape, bias]
    torch = _torch_or_none()
    if torch is not None:
        theirs, their_values = _linear_grad_nodes(torch, torch.nn, shape, bias)
        assert names == theirs
        for a, b in zip(values, their_values):
            np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_pinn_second_derivative_through_linear_layers_ends_in_mm_as_in_pytorch():
    ag.manual_seed(3)
    net = nn.Sequential(nn.Linear(1, 5), nn.Tanh(), nn.Linear(5, 1)).double()
    x = ag.linspace(0, 1, 4, dtype=ag.float64).unsqueeze(-1).requires_grad_()
    u = net(x)
    (u_x,) = ag.autograd.grad(u, x, ag.ones_like(u), create_graph=True)
    (u_xx,) = ag.autograd.grad(u_x, x, ag.ones_like(u_x), create_graph=True)
    assert (u_x.grad_fn.name(), u_xx.grad_fn.name()) == ("MmBackward0", "MmBackward0")
    # d2/dx2 of w2 . tanh(w1 x + b1): sum_j w2_j w1_j^2 tanh''(a_j), tanh'' = -2 tanh (1 - tanh^2)
    w1, b1 = net[0].weight.detach().numpy()[:, 0], net[0].bias.detach().numpy()
    w2 = net[2].weight.detach().numpy()[0]
    t = np.tanh(np.outer(x.detach().numpy()[:, 0], w1) + b1)
    np.testing.assert_allclose(u_xx.detach().numpy()[:, 0], (w2 * w1 ** 2 * (-2 * t * (1 - t ** 2))).sum(1),
                               rtol=1e-12)


@pytest.mark.parametrize("shape, bias", [((3, 4), True), ((3, 4), False), ((2, 3, 4), True), ((4,), False)])
def test_linear_second_derivatives_pass_gradgradcheck(shape, bias):
    rng = np.random.default_rng(5)
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    w = ag.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    args = [x, w] + ([ag.tensor(rng.standard_normal(5), requires_grad=True)] if bias else [])

    def fn(*a):
        return ag.tanh(F.linear(*a))    # tanh: so that the second derivative is not zero
    assert ag.autograd.gradcheck(fn, args)
    assert ag.autograd.gradgradcheck(fn, args)


# ----- gradgradcheck draws its random grad_outputs from the global generator, as PyTorch's make_tensor does ---------

def _after_gradgradcheck(lib):
    lib.manual_seed(2705)
    gate = lib.tensor([[0.9, 0.5, 0.0], [1.2, 0.3, 0.6]], dtype=lib.float64, requires_grad=True)
    ok = lib.autograd.gradgradcheck(lambda g: lib.cumprod(g, dim=1), (gate,))
    return ok, lib.randn(4).tolist()


def test_gradgradcheck_leaves_the_global_generator_where_pytorchs_does():
    ok, after = _after_gradgradcheck(ag)
    assert ok
    ag.manual_seed(2705)
    ag.empty(2, 3, dtype=ag.float64).uniform_(-1, 1)   # the one draw: a grad_output shaped like the output
    assert after == ag.randn(4).tolist()
    torch = _torch_or_none()
    if torch is not None:
        assert (ok, after) == _after_gradgradcheck(torch)


def test_gradgradcheck_with_a_seed_leaves_the_generator_alone_and_still_checks():
    ag.manual_seed(1)
    expected = ag.randn(3).tolist()
    ag.manual_seed(1)
    x = ag.tensor([0.3, -0.7], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradgradcheck(lambda v: v.sin() * v, (x,), seed=4)
    assert ag.randn(3).tolist() == expected


def test_gradgradcheck_draws_only_for_outputs_that_require_grad():
    x = ag.tensor([0.3, -0.7], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradgradcheck(lambda v: (v.exp(), v.detach() * 2, v.pow(3)), (x,))


# ----- probs / logits: the one not given is derived when first read, and only then shown in repr --------------------

def _repr_after(lib, make, action):
    dist = make(lib)
    if action == "log_prob":
        dist.log_prob(dist.sample())
    elif action == "sample":
        dist.sample()
    elif action == "mean":
        dist.mean
    elif action == "entropy":
        dist.entropy()
    elif action == "enumerate_support":
        dist.enumerate_support()
    elif action == "expand":
        dist = dist.expand((2,) + tuple(dist.batch_shape))
    return repr(dist).replace("torch.Size", "Size").replace("\n", " ")


P, L = [0.2, 0.3, 0.5], [0.1, -0.4, 1.0]
#: (family, action) -> PyTorch 2.13's repr after the action
LAZY_REPRS = {
    ("Bernoulli(probs)", "log_prob"): "Bernoulli(probs: Size([3]), logits: Size([3]))",
    ("Bernoulli(probs)", "mean"): "Bernoulli(probs: Size([3]))",
    ("Bernoulli(logits)", "sample"): "Bernoulli(probs: Size([3]), logits: Size([3]))",
    ("Bernoulli(logits)", "enumerate_support"): "Bernoulli(logits: Size([3]))",
    ("Bernoulli(logits)", "expand"): "Bernoulli(logits: Size([2, 3]))",
    ("Categorical(probs)", "sample"): "Categorical(probs: Size([3]))",
    ("Categorical(probs)", "entropy"): "Categorical(probs: Size([3]), logits: Size([3]))",
    ("Categorical(logits)", "log_prob"): "Categorical(probs: Size([3]), logits: Size([3]))",
    ("Categorical(logits)", "enumerate_support"): "Categorical(logits: Size([3]))",
    ("Binomial(logits)", "entropy"): "Binomial(total_count: Size([3]), logits: Size([3]))",
    ("Binomial(probs)", "log_prob"): "Binomial(total_count: Size([3]), probs: Size([3]), logits: Size([3]))",
    ("Geometric(probs)", "log_prob"): "Geometric(probs: Size([3]))",
    ("Geometric(probs)", "entropy"): "Geometric(probs: Size([3]), logits: Size([3]))",
    ("NegativeBinomial(probs)", "mean"): "NegativeBinomial(total_count: Size([3]), probs: Size([3]), logits: Size([3]))",
    ("NegativeBinomial(logits)", "log_prob"): "NegativeBinomial(total_count: Size([3]), logits: Size([3]))",
    ("ContinuousBernoulli(probs)", "log_prob"): "ContinuousBernoulli(probs: Size([3]), logits: Size([3]))",
    ("ContinuousBernoulli(probs)", "entropy"): "ContinuousBernoulli(probs: Size([3]))",
    ("MixtureSameFamily(probs)", "mean"): "MixtureSameFamily(   Categorical(probs: Size([3]), logits: Size([3])),   "
                                          "Normal(loc: Size([3]), scale: Size([3])))",
    ("MixtureSameFamily(logits)", "none"): "MixtureSameFamily(   Categorical(logits: Size([3])),   "
                                           "Normal(loc: Size([3]), scale: Size([3])))",
}

MAKERS = {
    "Bernoulli(probs)": lambda lib: lib.distributions.Bernoulli(probs=lib.tensor(P)),
    "Bernoulli(logits)": lambda lib: lib.distributions.Bernoulli(logits=lib.tensor(L)),
    "Categorical(probs)": lambda lib: lib.distributions.Categorical(probs=lib.tensor(P)),
    "Categorical(logits)": lambda lib: lib.distributions.Categorical(logits=lib.tensor(L)),
    "Binomial(probs)": lambda lib: lib.distributions.Binomial(5, probs=lib.tensor(P)),
    "Binomial(logits)": lambda lib: lib.distributions.Binomial(5, logits=lib.tensor(L)),
    "Geometric(probs)": lambda lib: lib.distributions.Geometric(probs=lib.tensor(P)),
    "NegativeBinomial(probs)": lambda lib: lib.distributions.NegativeBinomial(3.0, probs=lib.tensor(P)),
    "NegativeBinomial(logits)": lambda lib: lib.distributions.NegativeBinomial(3.0, logits=lib.tensor(L)),
    "ContinuousBernoulli(probs)": lambda lib: lib.distributions.ContinuousBernoulli(probs=lib.tensor(P)),
    "MixtureSameFamily(probs)": lambda lib: lib.distributions.MixtureSameFamily(
        lib.distributions.Categorical(probs=lib.tensor(P)), lib.distributions.Normal(lib.zeros(3), lib.ones(3))),
    "MixtureSameFamily(logits)": lambda lib: lib.distributions.MixtureSameFamily(
        lib.distributions.Categorical(logits=lib.tensor(L)), lib.distributions.Normal(lib.zeros(3), lib.ones(3))),
}


@pytest.mark.parametrize("family, action", list(LAZY_REPRS))
def test_a_distribution_shows_the_derived_parameter_once_something_has_read_it(family, action):
    assert _repr_after(ag, MAKERS[family], action) == LAZY_REPRS[family, action]
    torch = _torch_or_none()
    if torch is not None:
        assert _repr_after(torch, MAKERS[family], action) == LAZY_REPRS[family, action]


def test_the_derived_parameter_has_pytorchs_values_and_gradient():
    p = ag.tensor([0.2, 0.3, 0.5], requires_grad=True)
    dist = ag.distributions.Categorical(probs=p)
    assert "logits" not in vars(dist)
    with ag.no_grad():
        logits = dist.logits          # derived with grad mode on, as PyTorch's lazy_property
    assert logits.requires_grad and "logits" in vars(dist)
    np.testing.assert_allclose(logits.detach().numpy(), np.log([0.2, 0.3, 0.5]), rtol=1e-6)
    logits.sum().backward()
    # d/dp_j of sum_i log(p_i / S), S = sum(p) = 1: 1 / p_j - 3 / S
    np.testing.assert_allclose(p.grad.numpy(), 1 / np.array([0.2, 0.3, 0.5]) - 3, rtol=1e-5)
    b = ag.distributions.Bernoulli(logits=ag.tensor([0.0, 2.0]))
    np.testing.assert_allclose(b.probs.numpy(), 1 / (1 + np.exp(-np.array([0.0, 2.0]))), rtol=1e-6)
    assert b.param_shape == (2,) and ag.distributions.Categorical(logits=ag.zeros(2, 4)).param_shape == (2, 4)


@pytest.mark.parametrize("method", ["cdf", "icdf", "entropy"])
def test_an_undefined_method_of_bernoulli_or_categorical_raises_not_implemented_as_pytorchs(method):
    for dist in (ag.distributions.Bernoulli(probs=ag.tensor([0.3])),
                 ag.distributions.Categorical(probs=ag.tensor([0.3, 0.7]))):
        if method == "entropy":
            dist.entropy()   # both define it
            continue
        with pytest.raises(NotImplementedError):
            getattr(dist, method)(ag.tensor(0.5))
    torch = _torch_or_none()
    if torch is not None and method != "entropy":
        with pytest.raises(NotImplementedError):
            getattr(torch.distributions.Bernoulli(probs=torch.tensor([0.3])), method)(torch.tensor(0.5))


# ----- smooth_l1_loss with beta=0 is PyTorch's l1_loss, and its graph ends as l1_loss's does ------------------------

@pytest.mark.parametrize("reduction, node", [("mean", "MeanBackward0"), ("sum", "SumBackward0"),
                                             ("none", "AbsBackward0")])
def test_smooth_l1_loss_with_beta_zero_shows_l1_losss_node(reduction, node):
    x = ag.tensor([-1.0, 0.0, 0.5, 2.0], requires_grad=True)
    t = ag.zeros(4)
    loss = F.smooth_l1_loss(x, t, beta=0.0, reduction=reduction)
    assert loss.grad_fn.name() == node
    assert F.smooth_l1_loss(x, t, beta=0.5, reduction=reduction).grad_fn.name() == "SmoothL1LossBackward0"
    (g,) = ag.autograd.grad(loss.sum(), x)
    scale = 0.25 if reduction == "mean" else 1.0
    assert g.tolist() == [-scale, 0.0, scale, scale]
    torch = _torch_or_none()
    if torch is not None:
        theirs = torch.nn.functional.smooth_l1_loss(torch.tensor([-1.0, 0.0, 0.5, 2.0], requires_grad=True),
                                                    torch.zeros(4), beta=0.0, reduction=reduction)
        assert theirs.grad_fn.name() == node
