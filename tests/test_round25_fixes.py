"""Regressions for the differences from PyTorch that round 25 found while writing its programs
(tests/test_pytorch_programs_round25.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report (gradcheck where an op's layout changed)."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd.autograd.function import once_differentiable
from autograd.distributions import Normal, Uniform, biject_to, constraints, transform_to
from autograd.distributions.transforms import AffineTransform, PowerTransform
from tests.helpers import check_gradcheck, require_torch


# ----- torch.distributions ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["positive", "nonnegative", "unit_interval", "greater_than"])
def test_biject_to_and_transform_to_hand_out_pytorchs_transforms(name):
    torch = require_torch()
    import torch.distributions as td

    def constraint(lib):
        return lib.constraints.greater_than(2.0) if name == "greater_than" else getattr(lib.constraints, name)
    x = np.array([0.4, -0.7, 1.1])
    for registry in ("biject_to", "transform_to"):
        theirs = getattr(td, registry)(constraint(td))
        ours = {"biject_to": biject_to, "transform_to": transform_to}[registry](constraint(ag.distributions))
        assert type(ours).__name__ == type(theirs).__name__, (registry, ours, theirs)
        assert repr(ours) == repr(theirs)
        y = ours(ag.tensor(x))
        np.testing.assert_allclose(y.numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.log_abs_det_jacobian(ag.tensor(x), y).numpy(),
                                   theirs.log_abs_det_jacobian(torch.tensor(x), torch.tensor(y.numpy())).numpy(),
                                   rtol=1e-12)


def test_distribution_parameters_given_as_numbers_take_the_default_dtype():
    torch = require_torch()
    for dtype in ("float64", "float32"):
        ag.set_default_dtype(getattr(ag, dtype))
        torch.set_default_dtype(getattr(torch, dtype))
        try:
            ours, theirs = Normal(0.0, 2.0), torch.distributions.Normal(0.0, 2.0)
            assert str(ours.loc.dtype) == str(theirs.loc.dtype).replace("torch.", "") == dtype
            assert str(Uniform(-1.0, 2).low.dtype) == dtype
            kl = ag.distributions.kl_divergence(Normal(0.0, 1.0), Normal(1.0, 2.0))
            assert str(kl.dtype) == dtype
            assert kl.item() == pytest.approx(torch.distributions.kl_divergence(
                torch.distributions.Normal(0.0, 1.0), torch.distributions.Normal(1.0, 2.0)).item(), rel=1e-6)
        finally:
            ag.set_default_dtype(ag.float32)
            torch.set_default_dtype(torch.float32)


def test_affine_and_power_transforms_report_their_sign_as_pytorch():
    torch = require_torch()
    from torch.distributions import transforms as tt
    for scale in (-2.0, 0.0, 3.5, 2):
        ours, theirs = AffineTransform(0.0, scale).sign, tt.AffineTransform(0.0, scale).sign
        assert type(ours) is type(theirs) is int and ours == theirs
    assert AffineTransform(0.0, ag.tensor([-1.0, 2.0])).sign.tolist() == [-1.0, 1.0]
    p, q = PowerTransform(2.0), tt.PowerTransform(2.0)
    assert isinstance(p.exponent, ag.Tensor) and str(p.exponent.dtype) == "float32"
    assert repr(p.sign) == repr(q.sign) == "tensor(1.)"
    x = ag.tensor([0.5, 2.0], requires_grad=True)
    p(x).sum().backward()
    assert x.grad.tolist() == [1.0, 4.0]


# ----- nodes PyTorch names otherwise ------------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, None, -1, 2])
def test_weight_norm_shows_pytorchs_node_in_both_forms(dim):
    torch = require_torch()
    from nn.utils.parametrizations import weight_norm as param_ours
    from torch.nn.utils.parametrizations import weight_norm as param_theirs
    ours, theirs = nn.Conv1d(2, 3, 2), torch.nn.Conv1d(2, 3, 2)
    nn.utils.weight_norm(ours, dim=dim)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(theirs, dim=dim)
    assert ours.weight.grad_fn.name() == theirs.weight.grad_fn.name()
    assert param_ours(nn.Conv1d(2, 3, 2), dim=dim).weight.grad_fn.name() == \
        param_theirs(torch.nn.Conv1d(2, 3, 2), dim=dim).weight.grad_fn.name()


def test_weight_norm_of_a_last_dim_still_differentiates_as_pytorch():
    from nn.utils.weight_norm import weight_norm_of
    rng = np.random.default_rng(0)
    check_gradcheck(lambda v, g: weight_norm_of(v, g, 1), [rng.normal(size=(3, 4)), rng.normal(size=(1, 4))])
    check_gradcheck(lambda v, g: weight_norm_of(v, g, 0), [rng.normal(size=(3, 4)), rng.normal(size=(3, 1))])


def test_once_differentiable_results_show_pytorchs_error_node():
    torch = require_torch()

    def run(lib, base, decorate):
        class Cube(base):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            @decorate
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x ** 2 * g
        c = lib.tensor([0.5, -2.0], requires_grad=True)
        (g,) = lib.autograd.grad(Cube.apply(c), c, grad_outputs=lib.ones(2, requires_grad=True), create_graph=True)
        with pytest.raises(RuntimeError, match="once_differentiable"):
            g.sum().backward()
        return g.grad_fn.name(), type(g.grad_fn).__name__, repr(g)
    from torch.autograd.function import once_differentiable as theirs
    assert run(ag, ag.autograd.Function, once_differentiable) == run(torch, torch.autograd.Function, theirs)


def _sort_nodes(lib):
    x = lib.tensor([3.0, 1.0, 2.0, 1.0], requires_grad=True)
    return [lib.sort(x).values.grad_fn.name(), lib.sort(x, stable=False).values.grad_fn.name(),
            lib.sort(x, stable=True).values.grad_fn.name(), x.sort(stable=None).values.grad_fn.name(),
            x.sort(0, True).values.grad_fn.name(), x.sort(stable=True, dim=0, descending=True).values.grad_fn.name(),
            lib.msort(x).grad_fn.name()]


def test_sort_with_the_stable_keyword_shows_pytorchs_second_overload():
    torch = require_torch()
    assert _sort_nodes(ag) == _sort_nodes(torch)
    x = ag.tensor([3.0, 1.0, 3.0, 2.0], requires_grad=True)
    v, i = ag.sort(x, stable=True, descending=True)
    assert i.tolist() == [0, 2, 3, 1]
    (v * ag.arange(4.0)).sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 1.0, 2.0]


# ----- the layout of advanced indexing, and the reshapes that copy -------------------------------------------------

def _index_cases(lib):
    idx = lib.tensor([2, 0])
    return {"cols": lambda x: x[:, [0, 1, 2]], "ellipsis": lambda x: x[..., idx], "rows": lambda x: x[[1, 0]],
            "middle": lambda x: x.reshape(2, 3, 4)[:, [0, 2]], "last3": lambda x: x.reshape(2, 3, 4)[:, :, [1, 3]],
            "slice_then": lambda x: x.reshape(2, 3, 4)[:, 1:, [0, 3]], "mask": lambda x: x[:, x[0] > 0],
            "two": lambda x: x.reshape(2, 3, 4)[:, [0, 1], [2, 3]], "apart": lambda x: x.reshape(2, 3, 4)[[1, 0], :, [0, 2]],
            "sliced_source": lambda x: x[:, ::2][:, [1, 0]]}


@pytest.mark.parametrize("case", sorted(_index_cases(ag)))
def test_advanced_indexing_of_a_contiguous_tensor_is_laid_out_as_pytorchs(case):
    torch = require_torch()
    data = np.random.default_rng(3).normal(size=(6, 4))
    ours = _index_cases(ag)[case](ag.tensor(data, requires_grad=True))
    theirs = _index_cases(torch)[case](torch.tensor(data, requires_grad=True))
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert [st for st, n in zip(ours.stride(), ours.shape) if n > 1] == \
        [st for st, n in zip(theirs.stride(), theirs.shape) if n > 1]
    assert ours.view(-1).grad_fn.name() == theirs.view(-1).grad_fn.name() == "ViewBackward0"
    check_gradcheck(lambda x: _index_cases(ag)[case](x).view(-1) * 2, [data])


def _reshape_nodes(lib):
    x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
    q = lib.quantile(x[0], lib.tensor([0.25, 0.75]), dim=1)
    return [x.transpose(1, 2).reshape(-1).grad_fn.name(), x.transpose(1, 2).flatten().grad_fn.name(),
            x.reshape(6, 4).grad_fn.name(), x[:, :, :2].reshape(-1).grad_fn.name(), x[:1].reshape(12).grad_fn.name(),
            x.permute(2, 0, 1).reshape(4, 6).grad_fn.name(), q.stride(), q.flatten().grad_fn.name(),
            x[:, :1, :].reshape(2, 4).grad_fn.name()]


def test_a_reshape_that_copies_shows_pytorchs_unsafe_view_node():
    torch = require_torch()
    assert _reshape_nodes(ag) == _reshape_nodes(torch)
    check_gradcheck(lambda x: x.transpose(0, 1).reshape(-1) ** 2, [np.random.default_rng(1).normal(size=(3, 4))])


# ----- optimizers -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop", "Rprop", "Adadelta"])
def test_capturable_on_the_cpu_is_refused_at_step_as_in_pytorch(name):
    torch = require_torch()
    outcomes = []
    for lib, optim in ((ag, nn.optim), (torch, torch.optim)):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        w.grad = lib.ones(2)
        opt = getattr(optim, name)([w], capturable=True)
        with pytest.raises(AssertionError, match="If capturable=True, params"):
            opt.step()
        outcomes.append(w.tolist())
    assert outcomes[0] == outcomes[1] == [1.0, 2.0]


def test_capturable_with_fused_kernels_runs_on_the_cpu_as_in_pytorch():
    torch = require_torch()
    results = []
    for lib, optim in ((ag, nn.optim), (torch, torch.optim)):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        w.grad = lib.tensor([0.5, -0.5])
        optim.AdamW([w], lr=0.1, fused=True, capturable=True).step()
        results.append(w.tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


# ----- differentiable=True -----------------------------------------------------------------------------------------

_GRAPH_STEPS = [("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
                ("SGD", dict(lr=0.1, momentum=0.8, dampening=0.3)), ("SGD", dict(lr=0.1, maximize=True)),
                ("Adam", dict(lr=0.1)), ("Adam", dict(lr=0.1, amsgrad=True, weight_decay=0.1)),
                ("AdamW", dict(lr=0.05, weight_decay=0.3)),
                ("Adam", dict(lr=0.1, maximize=True, decoupled_weight_decay=True, weight_decay=0.2, betas=(0.8, 0.9))),
                ("RMSprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, centered=True, weight_decay=0.1)),
                ("RMSprop", dict(lr=0.01, momentum=0.9, maximize=True)), ("Adagrad", dict(lr=0.1)),
                ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.5)),
                ("Adadelta", dict(lr=1.0)), ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
                ("Adamax", dict(lr=0.1)), ("Adamax", dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.05, maximize=True)),
                ("NAdam", dict(lr=0.1, momentum_decay=0.01, weight_decay=0.1)),
                ("NAdam", dict(lr=0.1, decoupled_weight_decay=True, weight_decay=0.1, maximize=True)),
                ("RAdam", dict(lr=0.1)), ("RAdam", dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
                ("ASGD", dict(lr=0.1)), ("ASGD", dict(lr=0.1, lambd=0.01, alpha=0.5, t0=1, weight_decay=0.1)),
                ("Rprop", dict(lr=0.1)), ("Rprop", dict(lr=0.1, etas=(0.4, 1.3), step_sizes=(0.01, 0.5), maximize=True))]

#: how many steps each runs before the backward (more would change a tensor PyTorch saved for it, which it refuses)
_STEPS = {"SGD": 2, "ASGD": 4}


def _hypergradient(lib, optim, name, kw, steps):
    """Steps of a differentiable optimizer on a clone of w, fed create_graph gradients of w, then the gradient of
    a later loss back to w and to a tensor learning rate (for SGD)."""
    kw = dict(kw)
    w = lib.tensor([1.0, -2.0, 0.5], dtype=lib.float64, requires_grad=True)
    lr = lib.tensor(kw.pop("lr"), dtype=lib.float64, requires_grad=True) if name == "SGD" else kw.pop("lr")
    c = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
    p = w.clone()
    opt = getattr(optim, name)([p], lr=lr, differentiable=True, **kw)
    for i in range(steps):
        (g,) = lib.autograd.grad((w.sin() * c).sum() * (i + 1), w, create_graph=True)
        p.grad = g
        opt.step()
    (p ** 3).sum().backward()
    state = {k: (v.detach().numpy().copy(), v.grad_fn.name() if v.grad_fn is not None else None)
             for k, v in opt.state[p].items()}
    return (p.detach().numpy(), p.grad_fn.name(), w.grad.numpy(), None if name != "SGD" else lr.grad.numpy(),
            state)


@pytest.mark.parametrize("name,kw", _GRAPH_STEPS)
def test_differentiable_steps_give_pytorchs_values_graph_and_hypergradients(name, kw):
    torch = require_torch()
    steps = 1 if kw.get("momentum") else _STEPS.get(name, 1)
    ours = _hypergradient(ag, nn.optim, name, kw, steps)
    theirs = _hypergradient(torch, torch.optim, name, kw, steps)
    for a, b in zip(ours[:4], theirs[:4]):
        if isinstance(a, str) or a is None:
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert sorted(ours[4]) == sorted(theirs[4])
    for key in ours[4]:
        np.testing.assert_allclose(ours[4][key][0], theirs[4][key][0], rtol=1e-12)
        assert ours[4][key][1] == theirs[4][key][1], key


def test_differentiable_radam_rectifies_after_its_warm_up_as_pytorch():
    torch = require_torch()
    results = []
    for lib, optim in ((ag, nn.optim), (torch, torch.optim)):
        p = lib.ones(3, dtype=lib.float64, requires_grad=True).clone()
        opt = optim.RAdam([p], lr=0.1, betas=(0.9, 0.5), differentiable=True)
        g = lib.tensor([0.3, -0.2, 0.1], dtype=lib.float64, requires_grad=True)
        for i in range(8):   # rho_t passes 5 at the sixth step
            p.grad = g * (i + 1)
            opt.step()
        p.sum().backward()
        results.append((p.detach().numpy(), g.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_differentiable_sgd_takes_a_weight_decay_tensor_and_refuses_a_leaf_as_pytorch():
    torch = require_torch()
    grads = []
    for lib, optim in ((ag, nn.optim), (torch, torch.optim)):
        wd = lib.tensor(0.05, dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        p = w.clone()
        p.grad = lib.autograd.grad((w ** 2).sum(), w, create_graph=True)[0]
        optim.SGD([p], lr=0.1, weight_decay=wd, differentiable=True).step()
        (p ** 2).sum().backward()
        grads.append((wd.grad.item(), w.grad.tolist()))
        leaf = lib.tensor([1.0, 2.0], requires_grad=True)
        leaf.grad = lib.ones(2)
        with pytest.raises(RuntimeError, match="leaf"):
            optim.SGD([leaf], lr=0.1, differentiable=True).step()
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12)


def test_differentiable_is_refused_only_where_no_step_can_honour_it():
    class Plain(nn.optim.Optimizer):
        def _update(self, p, grad, state, group):
            pass

    class OwnStep(Plain):
        def step(self, closure=None):
            return None
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="differentiable=True .* is not supported by Plain"):
        Plain([w.clone()], dict(lr=0.1, differentiable=True))
    assert OwnStep([w.clone()], dict(lr=0.1, differentiable=True)).defaults["differentiable"]
    with pytest.raises(ValueError, match="non-leaf"):
        nn.optim.SGD([w.clone()], lr=0.1)


def test_copy_into_a_graph_shows_pytorchs_copy_node():
    torch = require_torch()
    names = []
    for lib in (ag, torch):
        y = lib.ones(2, requires_grad=True)
        x = lib.zeros(2)
        x.copy_(y * 2)
        names.append((x.grad_fn.name(), type(x.grad_fn).__name__, repr(x)))
    assert names[0] == names[1]


def test_cholesky_inverse_shows_pytorchs_node_and_gradient():
    torch = require_torch()
    data = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.2], [0.5, -0.2, 2.0]])
    for upper in (False, True):
        results = []
        for lib in (ag, torch):
            a = lib.tensor(data, requires_grad=True)
            inverse = lib.cholesky_inverse(lib.linalg.cholesky(a, upper=upper), upper=upper)
            inverse[0].sum().backward()
            results.append((inverse.grad_fn.name(), inverse.detach().numpy(), a.grad.numpy()))
        assert results[0][0] == results[1][0] == "CholeskyInverseBackward0"
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)
        np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-10)
    check_gradcheck(lambda L: ag.cholesky_inverse(L), [np.linalg.cholesky(data)])
