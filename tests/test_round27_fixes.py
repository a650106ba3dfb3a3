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


# ----- products under create_graph: the gradients end in PyTorch's mm / mv / dot / bmm nodes ---------------------

#: (forward, operand shapes) -> the nodes of both gradients under create_graph, as PyTorch 2.13 names them
PRODUCT_GRAD_NODES = [
    ("matmul", (3, 4), (4, 5), ["MmBackward0", "MmBackward0"]),
    ("matmul", (3, 4), (4,), ["MulBackward0", "MvBackward0"]),
    ("matmul", (4,), (4,), ["MulBackward0", "MulBackward0"]),
    ("matmul", (4,), (4, 5), ["SqueezeBackward1", "MmBackward0"]),
    ("matmul", (2, 3, 4), (4, 5), ["ViewBackward0", "MmBackward0"]),
    ("matmul", (2, 3, 4), (4,), ["ViewBackward0", "MvBackward0"]),
    ("matmul", (2, 3, 4), (2, 4, 5), ["ViewBackward0", "ViewBackward0"]),
    ("mm", (3, 4), (4, 5), ["MmBackward0", "MmBackward0"]),
    ("bmm", (2, 3, 4), (2, 4, 5), ["BmmBackward0", "BmmBackward0"]),
    ("mv", (3, 4), (4,), ["MulBackward0", "MvBackward0"]),
    ("dot", (4,), (4,), ["MulBackward0", "MulBackward0"]),
]


def _product_grads(lib, op, shapes):
    rng = np.random.default_rng(7)
    xs = [lib.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    y = getattr(lib, op)(*xs)
    go = lib.tensor(rng.standard_normal(tuple(y.shape)))
    grads = lib.autograd.grad(y, xs, go, create_graph=True)
    return [g.grad_fn.name() for g in grads], [g.detach().numpy() for g in grads]


@pytest.mark.parametrize("op, a, b, nodes", PRODUCT_GRAD_NODES)
def test_product_create_graph_gradients_show_pytorchs_nodes_and_values(op, a, b, nodes):
    names, values = _product_grads(ag, op, (a, b))
    assert names == nodes
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(a), rng.standard_normal(b)
    go = rng.standard_normal(np.matmul(x, w).shape)
    # d<go, x @ w>/dx and /dw, written out with NumPy (1-D operands as a row / a column)
    x2, w2 = np.atleast_2d(x), w.reshape(w.shape + (1,)) if w.ndim == 1 else w
    go2 = go.reshape(np.matmul(x2, w2).shape)
    gx = np.matmul(go2, np.swapaxes(w2, -1, -2))
    gw = np.matmul(np.swapaxes(x2, -1, -2), go2)
    gw = gw.sum(axis=tuple(range(gw.ndim - w2.ndim))) if gw.ndim > w2.ndim else gw
    np.testing.assert_allclose(values[0], gx.reshape(a), rtol=1e-12)
    np.testing.assert_allclose(values[1], gw.reshape(b), rtol=1e-12)
    torch = _torch_or_none()
    if torch is not None:
        assert _product_grads(torch, op, (a, b))[0] == nodes


@pytest.mark.parametrize("op", ["mm", "bmm", "mv", "dot"])
def test_products_pass_gradgradcheck(op):
    shapes = {"mm": ((3, 4), (4, 2)), "bmm": ((2, 3, 4), (2, 4, 2)), "mv": ((3, 4), (4,)), "dot": ((4,), (4,))}[op]
    rng = np.random.default_rng(2)
    xs = [ag.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    assert ag.autograd.gradgradcheck(lambda a, b: getattr(ag, op)(a, b).sin(), xs)


# ----- an op whose backward PyTorch runs as one ATen function shows that function's node under create_graph -------

def _first_grad_node(lib, fn, shape):
    x = lib.linspace(-1.5, 1.7, int(np.prod(shape)), dtype=lib.float64).reshape(shape).requires_grad_()
    y = fn(lib, x)
    # the incoming gradient requires grad, as in a gradient penalty (a linear op's gradient depends on it alone)
    go = lib.linspace(0.3, -0.9, y.numel(), dtype=lib.float64).reshape(tuple(y.shape)).requires_grad_()
    (g,) = lib.autograd.grad(y, x, go, create_graph=True)
    return g.grad_fn.name()


DOUBLE_BACKWARD_NODES = [
    ("tanh", lambda lib, x: lib.tanh(x), (3, 4), "TanhBackwardBackward0"),
    ("sigmoid", lambda lib, x: lib.sigmoid(x), (3, 4), "SigmoidBackwardBackward0"),
    ("relu", lambda lib, x: lib.relu(x), (3, 4), "ThresholdBackwardBackward0"),
    ("softmax", lambda lib, x: lib.softmax(x, -1), (3, 4), "SoftmaxBackwardDataBackward0"),
    ("log_softmax", lambda lib, x: lib.log_softmax(x, -1), (3, 4), "LogSoftmaxBackwardDataBackward0"),
    ("layer_norm", lambda lib, x: lib.nn.functional.layer_norm(x, (4,)), (3, 4), "NativeLayerNormBackwardBackward0"),
    ("gelu", lambda lib, x: lib.nn.functional.gelu(x), (3, 4), "GeluBackwardBackward0"),
    ("elu", lambda lib, x: lib.nn.functional.elu(x), (3, 4), "EluBackwardBackward0"),
    ("leaky_relu", lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1), (3, 4), "LeakyReluBackwardBackward0"),
    ("hardtanh", lambda lib, x: lib.nn.functional.hardtanh(x), (3, 4), "HardtanhBackwardBackward0"),
    ("conv2d", lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(2, 1, 2, 2, dtype=lib.float64, requires_grad=True)),
     (1, 1, 3, 3), "ConvolutionBackwardBackward0"),
    ("celu", lambda lib, x: lib.nn.functional.celu(x), (3, 4), "EluBackwardBackward0"),
    ("select", lambda lib, x: x[1].exp(), (3, 4), "SelectBackwardBackward0"),
    ("slice", lambda lib, x: x[:, 1:3].exp(), (3, 4), "SliceBackwardBackward0"),
    ("t", lambda lib, x: x.t().exp(), (3, 4), "TBackward0"),
    ("unsqueeze", lambda lib, x: x.unsqueeze(0).exp(), (3, 4), "SqueezeBackward1"),
    ("triu", lambda lib, x: x.triu().exp(), (3, 4), "TriuBackward0"),
    ("masked_fill", lambda lib, x: x.masked_fill(x > 0.5, 0.0).exp(), (3, 4), "MaskedFillBackward0"),
    ("maximum", lambda lib, x: lib.maximum(x, lib.full((3, 4), 0.2, dtype=lib.float64)).exp(), (3, 4),
     "MaskedFillBackward0"),
    ("index", lambda lib, x: x[lib.tensor([0, 2, 2])].exp(), (3, 4), "IndexPutImplBackward0"),
    ("embedding", lambda lib, x: lib.nn.functional.embedding(lib.tensor([1, 1, 0]), x).exp(), (3, 4),
     "EmbeddingDenseBackwardBackward0"),
    ("pad", lambda lib, x: lib.nn.functional.pad(x, (1, 1)).exp(), (3, 4), "ConstantPadNdBackward0"),
    ("hypot", lambda lib, x: lib.hypot(x, lib.full((3, 4), 2.0, dtype=lib.float64)), (3, 4), "DivBackward0"),
    ("mse_loss", lambda lib, x: lib.nn.functional.mse_loss(x, x.flip(0).detach()), (3, 4), "MseLossBackwardBackward0"),
    ("nearest", lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2), (1, 1, 3, 3),
     "UpsampleNearest2DBackwardBackward0"),
    ("bilinear", lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"), (1, 1, 3, 3),
     "UpsampleBilinear2DBackwardBackward0"),
]


@pytest.mark.parametrize("name, fn, shape, node", DOUBLE_BACKWARD_NODES, ids=[c[0] for c in DOUBLE_BACKWARD_NODES])
def test_a_create_graph_gradient_shows_pytorchs_backward_backward_node(name, fn, shape, node):
    ag.nn = nn
    assert _first_grad_node(ag, fn, shape) == node
    torch = _torch_or_none()
    if torch is not None:
        assert _first_grad_node(torch, fn, shape) == node


def test_the_renamed_gradient_still_differentiates_as_before():
    x = ag.tensor([0.3, -1.2, 2.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.autograd.grad(ag.tanh(x).sum(), x, create_graph=True)
    assert g.grad_fn.name() == "TanhBackwardBackward0"
    (h,) = ag.autograd.grad(g.sum(), x)
    t = np.tanh(x.detach().numpy())
    np.testing.assert_allclose(h.numpy(), -2 * t * (1 - t ** 2), rtol=1e-12)   # d/dx (1 - tanh^2)
    # a gradient handed through unchanged (no node made by this backward) keeps its own node
    y = x * 2
    (g2,) = ag.autograd.grad((y + 1).sum(), y, create_graph=True)
    assert g2.grad_fn is None
