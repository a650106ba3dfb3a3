"""Regressions for the differences from PyTorch that round 24 found while writing its programs
(tests/test_pytorch_programs_round24.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


# ----- the node name a vmap output shows ----------------------------------------------------------------------------

def _losses(lib, F, reduction):
    def target(u):
        return u.detach() * 0
    return {"mse": lambda u: F.mse_loss(u, target(u), reduction=reduction),
            "l1": lambda u: F.l1_loss(u, target(u), reduction=reduction),
            "smooth_l1": lambda u: F.smooth_l1_loss(u, target(u), reduction=reduction),
            "huber": lambda u: F.huber_loss(u, target(u), reduction=reduction),
            "bce": lambda u: F.binary_cross_entropy(u.sigmoid(), target(u), reduction=reduction),
            "bce_logits": lambda u: F.binary_cross_entropy_with_logits(u, target(u), reduction=reduction),
            "soft_margin": lambda u: F.soft_margin_loss(u, u.detach().sign(), reduction=reduction)}


def _reductions(lib):
    return {"sum": lambda u: u.sum(), "mean": lambda u: u.mean(), "prod": lambda u: u.prod(),
            "max": lambda u: u.max(), "min": lambda u: u.min(), "median": lambda u: u.median(),
            "nanmedian": lambda u: u.nanmedian(), "sum_dtype": lambda u: u.sum(dtype=lib.float64),
            "dot": lambda u: u.dot(u), "vdot": lambda u: lib.vdot(u, u), "mv": lambda u: u.reshape(2, 2) @ u[:2],
            "trace": lambda u: u.reshape(2, 2).trace(), "sum_dim": lambda u: u.sum(0),
            "amax": lambda u: u.amax(), "norm": lambda u: u.norm()}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_vmap_outputs_show_the_node_pytorchs_batching_rules_make(reduction):
    torch = require_torch()
    from torch.func import vmap as torch_vmap
    x = torch.randn(3, 4, requires_grad=True)
    y = ag.tensor(x.detach().numpy(), requires_grad=True)
    theirs = {**_reductions(torch), **_losses(torch, torch.nn.functional, reduction)}
    ours = {**_reductions(ag), **_losses(ag, nn.functional, reduction)}
    for key in theirs:
        want = torch_vmap(theirs[key])(x).grad_fn.name()
        assert ag.func.vmap(ours[key])(y).grad_fn.name() == want, key


def _products_and_squeezes(lib, F):
    w = lib.tensor(np.arange(20.0, dtype=np.float32).reshape(5, 4) / 10)
    return {"linear": lambda u: F.linear(u, w, lib.ones(5)), "linear_no_bias": lambda u: F.linear(u, w),
            "linear_2d": lambda u: F.linear(u.reshape(2, 2), lib.ones(5, 2), lib.ones(5)),
            "linear_2d_no_bias": lambda u: F.linear(u.reshape(2, 2), lib.ones(5, 2)),
            "vec_at_mat": lambda u: u @ w.T, "mat_at_mat": lambda u: u.reshape(2, 2) @ u.reshape(2, 2),
            "mm": lambda u: lib.mm(u.reshape(2, 2), lib.ones(2, 3)),
            "addmm": lambda u: lib.addmm(lib.ones(2, 3), u.reshape(2, 2), lib.ones(2, 3)),
            "squeeze_dim": lambda u: u.unsqueeze(0).squeeze(0), "squeeze_all": lambda u: u.unsqueeze(0).squeeze(),
            "squeeze_dims": lambda u: u.unsqueeze(0).squeeze((0,)), "view": lambda u: u.view(2, 2)}


def test_vmap_outputs_of_products_squeezes_and_layers_show_pytorchs_batched_node():
    torch = require_torch()
    from torch.func import vmap as torch_vmap
    x = torch.randn(3, 4, requires_grad=True)
    y = ag.tensor(x.detach().numpy(), requires_grad=True)
    theirs, ours = _products_and_squeezes(torch, torch.nn.functional), _products_and_squeezes(ag, nn.functional)
    for key in theirs:
        assert ag.func.vmap(ours[key])(y).grad_fn.name() == torch_vmap(theirs[key])(x).grad_fn.name(), key
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    mine = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
    mine.load_state_dict({k: v.detach().numpy() for k, v in model.state_dict().items()})
    assert repr(ag.func.vmap(mine)(y)) == repr(torch_vmap(model)(x)).replace("torch.", "")


def test_a_vmapped_per_model_loss_prints_as_pytorchs():
    torch = require_torch()
    from torch.func import grad_and_value as torch_gv, vmap as torch_vmap
    w = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)

    def loss(lib):
        return lambda p, xb: ((xb @ p) ** 2).mean()
    theirs = torch_vmap(torch_gv(loss(torch)), in_dims=(0, None))(torch.tensor(w, requires_grad=True),
                                                                   torch.ones(2, 3))[1]
    ours = ag.func.vmap(ag.func.grad_and_value(loss(ag)), in_dims=(0, None))(ag.tensor(w, requires_grad=True),
                                                                              ag.ones(2, 3))[1]
    assert repr(ours) == repr(theirs).replace("torch.", "")


# ----- logcumsumexp over a row that starts with -inf -----------------------------------------------------------------

@pytest.mark.filterwarnings("error")
def test_logcumsumexp_backward_through_minus_inf_prefixes_gives_pytorchs_nans_without_a_warning():
    torch = require_torch()
    scores = np.array([[-np.inf, -np.inf, 0.5, -1.0], [0.2, -np.inf, 1.0, 3.0]])
    weights = np.array([[1.0, -2.0, 0.5, 1.0], [0.0, 1.0, -1.0, 2.0]])
    grads = []
    for lib in (torch, ag):
        x = lib.tensor(scores, requires_grad=True)
        y = lib.logcumsumexp(x, dim=1)
        (lib.where(lib.isfinite(y), y, 0.0) * lib.tensor(weights)).sum().backward()
        grads.append(np.asarray(x.grad.detach().numpy()))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, equal_nan=True)


# ----- nanmedian over a slice of nothing but NaN ---------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 3, 4, 7, 10, 11, 64, 1001])
def test_nanmedian_of_an_all_nan_slice_points_where_pytorch_does(n):
    torch = require_torch()
    rows = np.full((3, n), np.nan, dtype=np.float32)
    rows[1, : (n + 1) // 2] = np.arange((n + 1) // 2)     # a row with numbers keeps its lower median
    for dim in (1, 0):
        theirs = torch.nanmedian(torch.tensor(rows), dim=dim)
        ours = ag.nanmedian(ag.tensor(rows), dim=dim)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    x = torch.tensor(rows, requires_grad=True)
    y = ag.tensor(rows, requires_grad=True)
    torch.nanmedian(x, 1).values.nan_to_num(2.0).sum().backward()
    ag.nanmedian(y, 1).values.nan_to_num(2.0).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), x.grad.numpy())


# ----- the node names of class-index cross-entropy / NLL losses -------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 4), (4,), (2, 4, 3), (2, 4, 3, 2), (2, 4, 3, 2, 2)])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_class_index_losses_show_pytorchs_node_for_every_shape_weight_and_smoothing(shape, reduction):
    torch = require_torch()
    x = torch.randn(*shape)
    target = torch.randint(0, 4, (shape[0],) + shape[2:] if len(shape) > 1 else ())
    for fn, smoothing in (("cross_entropy", 0.0), ("cross_entropy", 0.1), ("nll_loss", None)):
        for weighted in (False, True):
            theirs_kw = {} if smoothing is None else {"label_smoothing": smoothing}
            ours_kw = dict(theirs_kw)
            if weighted:
                theirs_kw["weight"], ours_kw["weight"] = torch.arange(1.0, 5.0), ag.arange(1.0, 5.0)
            theirs = getattr(torch.nn.functional, fn)(x.clone().requires_grad_(True), target, reduction=reduction,
                                                      **theirs_kw)
            ours = getattr(nn.functional, fn)(ag.tensor(x.numpy(), requires_grad=True), ag.tensor(target.numpy()),
                                              reduction=reduction, **ours_kw)
            assert ours.grad_fn.name() == theirs.grad_fn.name(), (fn, smoothing, weighted)
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_vmapped_class_index_losses_show_the_node_of_pytorchs_batching_rule(reduction):
    torch = require_torch()
    from torch.func import vmap as torch_vmap
    x = torch.randn(3, 4, requires_grad=True)
    y = ag.tensor(x.detach().numpy(), requires_grad=True)
    for fn, kw in (("cross_entropy", {}), ("nll_loss", {}), ("cross_entropy", {"weight": 2}),
                   ("cross_entropy", {"label_smoothing": 0.2})):
        def call(lib, F, u):
            extra = {k: (lib.ones(4) * v if k == "weight" else v) for k, v in kw.items()}
            return getattr(F, fn)(u.unsqueeze(0), lib.tensor([1]), reduction=reduction, **extra)
        theirs = torch_vmap(lambda u: call(torch, torch.nn.functional, u))(x).grad_fn.name()
        assert ag.func.vmap(lambda u: call(ag, nn.functional, u))(y).grad_fn.name() == theirs, (fn, kw)


# ----- vmap of a function that hands an input back ------------------------------------------------------------------

def test_vmap_gives_back_an_input_the_function_returns_unchanged_as_pytorch_does():
    torch = require_torch()
    from torch.func import vmap as torch_vmap
    x = torch.randn(3, 4, requires_grad=True)
    y = ag.tensor(x.detach().numpy(), requires_grad=True)
    cases = [(lambda u: u, {}), (lambda u: u, {"out_dims": 1}), (lambda u: (u * 2, u), {}),
             (lambda u: u, {"in_dims": 1}), (lambda u: u, {"in_dims": -1, "out_dims": 1})]
    for func, kw in cases:
        theirs, ours = torch_vmap(func, **kw)(x), ag.func.vmap(func, **kw)(y)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        ours = ours if isinstance(ours, tuple) else (ours,)
        for t, o in zip(theirs, ours):
            assert (o is y) == (t is x), kw
            assert (o.grad_fn and o.grad_fn.name()) == (t.grad_fn and t.grad_fn.name()), kw
            np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())
    assert ag.func.vmap(ag.func.vmap(lambda u: u))(y) is y
    out = ag.func.vmap(lambda u: u)(y)
    out.sum().backward()      # still y itself: its gradient lands on y
    np.testing.assert_array_equal(y.grad.numpy(), np.ones((3, 4), np.float32))
