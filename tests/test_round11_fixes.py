"""Regressions for the differences from PyTorch that round 11's programs found (tests/test_pytorch_programs_round11.py):
each test computes the same thing with PyTorch and with deepgrad and compares."""
import math

import numpy as np
import pytest

import autograd as ag
import autograd.distributions as AD
import nn
import nn.functional as AF
from autograd.autograd import Function as AgFunction
from tests.helpers import require_torch

F64 = dict(rtol=1e-10, atol=1e-12)


def _both(torch, values):
    """(torch tensor, deepgrad tensor) of float64 values that require grad."""
    return (torch.tensor(values, dtype=torch.float64, requires_grad=True),
            ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True))


# (p family, its parameters, q family, its parameters): pairs PyTorch registers between two families
CROSS_PAIRS = [
    ("Normal", ([0.3, -1.0, 2.0], [0.5, 1.5, 0.2]), "Laplace", ([0.0, 1.0, -0.5], [1.0, 0.4, 2.0])),
    ("Normal", ([0.3, -1.0, 2.0], [0.5, 1.5, 0.2]), "Gumbel", ([0.5, -1.0, 1.0], [1.0, 2.0, 0.7])),
    ("Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Gumbel", ([0.5, -1.0, 1.0], [1.0, 2.0, 0.7])),
    ("Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Exponential", ([0.5, 1.5, 3.0],)),
    ("Exponential", ([0.5, 1.5, 3.0],), "Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0])),
    ("Exponential", ([0.5, 1.5, 3.0],), "Gumbel", ([0.5, -1.0, 1.0], [1.0, 2.0, 0.7])),
    ("Exponential", ([0.5, 1.5, 3.0],), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Beta", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0])),
    ("Beta", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Beta", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0]), "Exponential", ([0.5, 1.5, 3.0],)),
    ("Gumbel", ([0.5, -1.0, 1.0], [1.0, 2.0, 0.7]), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Laplace", ([0.0, 1.0, -0.5], [1.0, 0.4, 2.0]), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Uniform", ([0.0, 0.2, 0.1], [1.0, 0.5, 0.9]), "Beta", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0])),
    ("Uniform", ([0.0, 0.2, 1.0], [1.0, 0.5, 3.0]), "Gamma", ([0.5, 2.0, 4.0], [1.5, 0.3, 2.0])),
    ("Uniform", ([0.0, 0.2, 1.0], [1.0, 0.5, 3.0]), "Exponential", ([0.5, 1.5, 3.0],)),
    ("Uniform", ([-1.0, 0.2, 1.0], [1.0, 0.5, 3.0]), "Gumbel", ([0.5, -1.0, 1.0], [1.0, 2.0, 0.7])),
    ("Uniform", ([-1.0, 0.2, 1.0], [1.0, 0.5, 3.0]), "Normal", ([1.0, 0.0, 2.0], [0.5, 2.0, 1.0])),
    ("Bernoulli", ([0.1, 0.5, 0.9],), "Poisson", ([0.5, 2.0, 7.0],)),
]


@pytest.mark.parametrize("p_name, p_args, q_name, q_args", CROSS_PAIRS)
def test_kl_divergence_across_families_matches_pytorch_with_gradients(p_name, p_args, q_name, q_args):
    torch = require_torch()
    tp, ap = zip(*(_both(torch, v) for v in p_args))
    tq, aq = zip(*(_both(torch, v) for v in q_args))
    theirs = torch.distributions.kl_divergence(getattr(torch.distributions, p_name)(*tp),
                                               getattr(torch.distributions, q_name)(*tq))
    ours = AD.kl_divergence(getattr(AD, p_name)(*ap), getattr(AD, q_name)(*aq))
    # float64; the closed forms are grouped differently (a variance plus a squared distance, not E[x^2])
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-8, atol=1e-12)
    theirs.sum().backward()
    ours.sum().backward()
    for t, a in zip(tp + tq, ap + aq):
        expected = np.zeros(3) if t.grad is None else t.grad.numpy()
        got = np.zeros(3) if a.grad is None else a.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("p_name, p_args, q_name, q_args", [
    ("Normal", ([0.0, 1.0], [1.0, 2.0]), "Uniform", ([-1.0, 0.0], [1.0, 3.0])),
    ("Gumbel", ([0.0, 1.0], [1.0, 2.0]), "Gamma", ([2.0, 1.0], [1.0, 3.0])),
    ("Laplace", ([0.0, 1.0], [1.0, 2.0]), "Beta", ([2.0, 1.0], [1.0, 3.0])),
    ("Exponential", ([1.0, 2.0],), "Uniform", ([0.0, 0.0], [5.0, 3.0])),
    ("Poisson", ([1.0, 2.0],), "Bernoulli", ([0.3, 0.5],)),
    ("Beta", ([2.0, 1.0], [1.0, 3.0]), "Uniform", ([0.0, 0.1], [1.0, 1.0])),
    ("Uniform", ([-0.5, 0.1], [0.5, 1.0]), "Beta", ([2.0, 1.0], [1.0, 3.0])),
    ("Uniform", ([-0.5, 0.1], [0.5, 1.0]), "Exponential", ([2.0, 1.0],)),
])
def test_kl_divergence_is_infinite_where_pytorch_says_the_supports_do_not_nest(p_name, p_args, q_name, q_args):
    torch = require_torch()
    tp = [torch.tensor(v, dtype=torch.float64) for v in p_args]
    tq = [torch.tensor(v, dtype=torch.float64) for v in q_args]
    ap = [ag.tensor(np.asarray(v, dtype=np.float64)) for v in p_args]
    aq = [ag.tensor(np.asarray(v, dtype=np.float64)) for v in q_args]
    theirs = torch.distributions.kl_divergence(getattr(torch.distributions, p_name)(*tp),
                                               getattr(torch.distributions, q_name)(*tq))
    ours = AD.kl_divergence(getattr(AD, p_name)(*ap), getattr(AD, q_name)(*aq))
    assert np.isinf(theirs.numpy()).any()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), **F64)


def test_quantile_nearest_rounds_the_rank_computed_in_the_inputs_dtype():
    torch = require_torch()
    values = np.array([1.0, 7.0, 3.0, 3.0, 10.0, 4.0], dtype=np.float32)
    q = np.array([0.1, 0.3, 0.5, 0.7, 0.9], dtype=np.float32)   # q * 5 lands on halves in float32
    for how in ("nearest", "lower", "higher", "midpoint", "linear"):
        theirs = torch.quantile(torch.from_numpy(values), torch.from_numpy(q), interpolation=how)
        ours = ag.quantile(ag.tensor(values), ag.tensor(q), interpolation=how)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, err_msg=how)


def _global_hook_trace(torch_nn, registry):
    calls = []
    net = torch_nn.Sequential(torch_nn.Linear(2, 2), torch_nn.Tanh())
    net[0].register_forward_pre_hook(lambda m, a: calls.append("own pre " + type(m).__name__))
    net[0].register_forward_hook(lambda m, a, o: calls.append("own post " + type(m).__name__))
    pre = registry.register_module_forward_pre_hook(lambda m, a: calls.append("global pre " + type(m).__name__))
    post = registry.register_module_forward_hook(lambda m, a, o: calls.append("global post " + type(m).__name__))
    scaled = registry.register_module_forward_hook(lambda m, a, o: o * 2 if isinstance(m, torch_nn.Tanh) else None)
    first = net(net[0].weight.new_ones(1, 2))
    for handle in (pre, post, scaled):
        handle.remove()
    calls.append("removed")
    second = net(net[0].weight.new_ones(1, 2))
    return calls, first, second, net


def test_global_module_forward_hooks_run_before_the_modules_own_and_are_removable():
    torch = require_torch()
    theirs, t_first, t_second, t_net = _global_hook_trace(torch.nn, torch.nn.modules.module)
    ours, a_first, a_second, a_net = _global_hook_trace(nn, nn.modules.module)
    assert ours == theirs
    assert "global pre Sequential" in ours and ours.index("global pre Linear") < ours.index("own pre Linear")
    # the global hook doubled Tanh's output the first time only
    np.testing.assert_allclose(a_first.detach().numpy() / a_second.detach().numpy(), 2.0, rtol=1e-6)
    np.testing.assert_allclose(t_first.detach().numpy() / t_second.detach().numpy(), 2.0, rtol=1e-6)


def test_hypot_does_not_overflow_and_its_gradient_and_node_match_pytorch():
    torch = require_torch()
    a_values, b_values = [3.0, 1e200, 0.0, -5.0, 1e-200], [4.0, 1e200, 2.0, 12.0, 1e-200]
    ta, aa = _both(torch, a_values)
    tb, ab = _both(torch, b_values)
    theirs, ours = torch.hypot(ta, tb), ag.hypot(aa, ab)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-15)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__ == "HypotBackward0"
    theirs.sum().backward()
    ours.sum().backward()
    np.testing.assert_allclose(aa.grad.numpy(), ta.grad.numpy(), rtol=1e-15)
    np.testing.assert_allclose(ab.grad.numpy(), tb.grad.numpy(), rtol=1e-15)
    t32 = torch.hypot(torch.tensor([3e30, 1.0]), torch.tensor([4e30, 1.0]))
    a32 = ag.hypot(ag.tensor([3e30, 1.0]), ag.tensor([4e30, 1.0]))
    assert a32.dtype == np.float32
    np.testing.assert_allclose(a32.numpy(), t32.numpy(), rtol=1e-6)


def _node_names(lib, F):
    x = lib.tensor(np.array([0.3, 0.6, 0.2]), requires_grad=True)
    y = lib.tensor(np.array([0.5, 0.1, 0.4]), requires_grad=True)
    m = lib.tensor(np.array([[0.3, 0.6], [0.2, 0.9]]), requires_grad=True)
    weight = lib.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    special = lib.special
    made = {
        "logaddexp": lib.logaddexp(x, y), "lerp number": lib.lerp(x, y, 0.3), "lerp tensor": lib.lerp(x, y, y),
        "copysign tensor": lib.copysign(x, y), "copysign number": lib.copysign(x, -1.0),
        "fmod tensor": lib.fmod(x, y), "fmod number": lib.fmod(x, 0.25), "remainder tensor": lib.remainder(x, y),
        "remainder number": lib.remainder(x, 0.25), "frac": lib.frac(x), "trunc": lib.trunc(x),
        "floor": lib.floor(x), "round": lib.round(x), "round decimals": lib.round(x, decimals=1),
        "nan_to_num": lib.nan_to_num(x), "fmax": lib.fmax(x, y), "fmin": lib.fmin(x, y),
        "addcmul": lib.addcmul(x, x, y), "addcdiv": lib.addcdiv(x, x, y), "exp2": lib.exp2(x), "log2": lib.log2(x),
        "log10": lib.log10(x), "log1p": lib.log1p(x), "logit": lib.logit(x), "mvlgamma": lib.mvlgamma(x + 2, 2),
        "i0e": special.i0e(x), "i1": special.i1(x), "i1e": special.i1e(x), "log_ndtr": special.log_ndtr(x),
        "ndtri": special.ndtri(x), "erfcx": special.erfcx(x), "xlog1py": special.xlog1py(x, y),
        "entr": special.entr(x), "logcumsumexp": lib.logcumsumexp(x, 0), "cummax": lib.cummax(x, 0)[0],
        "cummin": lib.cummin(x, 0)[0], "addmm": lib.addmm(m, m, m), "addmv": lib.addmv(x[:2], m, x[:2]),
        "baddbmm": lib.baddbmm(m[None], m[None], m[None]), "softplus": F.softplus(x),
        "logsigmoid": F.logsigmoid(x), "glu": F.glu(m), "hardswish": F.hardswish(x), "mish": F.mish(x),
        "selu": F.selu(x), "celu": F.celu(x), "celu alpha": F.celu(x, alpha=2.0),
        "gelu tanh": F.gelu(x, approximate="tanh"), "softshrink": F.softshrink(x),
        "hardshrink": F.hardshrink(x), "threshold": F.threshold(x, 0.25, 0.0),
        "embedding_bag": F.embedding_bag(lib.tensor([0, 2, 1, 3]), weight, lib.tensor([0, 2]), mode="sum"),
        "embedding_bag mean": F.embedding_bag(lib.tensor([[0, 2], [1, 3]]), weight, mode="mean"),
        "embedding_bag max": F.embedding_bag(lib.tensor([[0, 2], [1, 3]]), weight, mode="max"),
        "kthvalue": x.kthvalue(2).values, "kthvalue keepdim": m.kthvalue(1, dim=0, keepdim=True).values,
        "median dim": m.median(dim=1).values, "aminmax min": lib.aminmax(x).min, "aminmax max": lib.aminmax(x).max,
        "nansum": x.nansum(), "nansum dim": m.nansum(1), "var_mean var": lib.var_mean(x)[0],
        "var_mean mean": lib.var_mean(x)[1], "std_mean std": lib.std_mean(m, dim=0)[0],
        "std_mean mean": lib.std_mean(m, dim=0)[1], "deg2rad": lib.deg2rad(x), "rad2deg": lib.rad2deg(x),
        "block_diag": lib.block_diag(m, x), "diag_embed": lib.diag_embed(x),
        "pixel_shuffle": F.pixel_shuffle(weight.reshape(1, 4, 3, 1), 2),
        "pixel_unshuffle": F.pixel_unshuffle(weight.reshape(1, 1, 4, 3)[..., :2], 2),
        "addr": lib.addr(m, x[:2], y[1:]), "div floor": lib.div(x, y, rounding_mode="floor"),
    }
    return {k: type(v.grad_fn).__name__ for k, v in made.items()}


def test_graph_nodes_of_composite_ops_are_named_as_pytorch_names_them():
    torch = require_torch()
    theirs = _node_names(torch, torch.nn.functional)
    ours = _node_names(ag, AF)
    assert ours == theirs


def test_printing_a_tensor_with_a_grad_fn_shows_pytorchs_node_name():
    torch = require_torch()
    theirs = repr(torch.lerp(torch.tensor([0.5, 1.5], requires_grad=True), torch.tensor([1.0, 2.0]), 0.25))
    ours = repr(ag.lerp(ag.tensor([0.5, 1.5], requires_grad=True), ag.tensor([1.0, 2.0]), 0.25))
    assert ours == theirs


def test_logsigmoid_of_a_large_input_is_positive_zero_as_in_pytorch():
    torch = require_torch()
    values = np.array([-800.0, -1.0, 0.0, 40.0, 800.0])
    theirs = torch.nn.functional.logsigmoid(torch.tensor(values)).numpy()
    ours = AF.logsigmoid(ag.tensor(values)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-15)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def test_reciprocal_of_zero_and_tiny_tensors_print_without_runtime_warnings(recwarn):
    torch = require_torch()
    ours = 1 / ag.copysign(ag.tensor([0.0, 0.0]), ag.tensor([1.0, -1.0]))
    theirs = 1 / torch.copysign(torch.tensor([0.0, 0.0]), torch.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    text = repr(ag.tensor(np.array([1e-310, 1.0])))
    assert text == repr(torch.tensor([1e-310, 1.0], dtype=torch.float64)).replace("torch.", "")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def _dirty_relu(base):
    class ReluInplace(base):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            x.clamp_(min=0)
            ctx.save_for_backward(x)   # saved after the change: the Function's own output
            return x

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * (y > 0).to(grad.dtype)
    return ReluInplace


def test_a_dirty_function_may_save_the_input_it_changed_in_place():
    torch = require_torch()
    values = np.array([-1.0, 0.5, 2.0, -0.25])
    results = []
    for lib, base in ((torch, torch.autograd.Function), (ag, AgFunction)):
        x = lib.tensor(values, requires_grad=True)
        z = x * 1.0
        r = _dirty_relu(base).apply(z)
        assert r is z
        (r * lib.tensor(np.arange(4.0))).sum().backward()
        results.append((r.detach().numpy().copy(), x.grad.numpy().copy()))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)


def test_global_hooks_leave_modules_fast_path_when_removed():
    handle = nn.modules.module.register_module_forward_hook(lambda m, a, o: None)
    lin = nn.Linear(2, 2)
    lin(ag.ones(1, 2))
    handle.remove()
    assert not nn.module_global_hooks.active()
    assert math.isfinite(float(lin(ag.ones(1, 2)).sum().item()))


def test_div_with_a_rounding_mode_stays_in_the_graph_with_zero_gradients():
    torch = require_torch()
    results = []
    for lib in (torch, ag):
        x = lib.tensor(np.array([3.5, -2.5, 7.0]), requires_grad=True)
        y = lib.tensor(np.array([2.0, 2.0, -3.0]), requires_grad=True)
        floor = lib.div(x, y, rounding_mode="floor")
        trunc = lib.div(x, 2.0, rounding_mode="trunc")
        (floor * 3 + trunc + x).sum().backward()
        results.append((floor.detach().numpy(), trunc.detach().numpy(), x.grad.numpy(), y.grad.numpy(),
                        type(floor.grad_fn).__name__, floor.requires_grad))
    theirs, ours = results
    for a, b in zip(ours[:4], theirs[:4]):
        np.testing.assert_array_equal(a, b)
    assert ours[4:] == theirs[4:] == ("DivBackward2", True)
