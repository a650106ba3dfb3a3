"""Regressions for the differences from PyTorch that round 29 found while writing its programs
(tests/test_pytorch_programs_round29.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too (gradcheck where a graph changed)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.distributions import Dirichlet
from tests.helpers import check_against_torch, check_gradcheck, require_torch


def _lower(n=4, seed=0):
    rng = np.random.default_rng(seed)
    return np.tril(rng.standard_normal((n, n))) + 3 * np.eye(n)


def _rhs(shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


# ----- linalg.solve_triangular(left=False) and linalg.lu_solve show PyTorch's one node --------------------------

@pytest.mark.parametrize("upper", [False, True])
def test_solve_triangular_right_side_is_one_pytorch_node_with_pytorchs_values(upper):
    a = _lower() if not upper else _lower().T
    A = ag.tensor(a, requires_grad=True)
    X = ag.linalg.solve_triangular(A, ag.tensor(_rhs((2, 4)), requires_grad=True), upper=upper, left=False)
    assert X.grad_fn.name() == "LinalgSolveTriangularBackward0"   # was TransposeBackward0
    assert type(X.grad_fn).__name__ == "LinalgSolveTriangularBackward0"
    check_gradcheck(lambda A, B: ag.linalg.solve_triangular(A, B, upper=upper, left=False), [a, _rhs((2, 4))])
    torch = require_torch()
    check_against_torch(lambda A, B: ag.linalg.solve_triangular(A, B, upper=upper, left=False),
                        lambda A, B: torch.linalg.solve_triangular(A, B, upper=upper, left=False),
                        [a, _rhs((2, 4))], atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_is_one_pytorch_node_with_pytorchs_values_and_gradients(left, adjoint):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    b = _rhs((4, 3) if left else (3, 4))

    def ours(A, B):
        LU, piv = ag.linalg.lu_factor(A)
        return ag.linalg.lu_solve(LU, piv, B, left=left, adjoint=adjoint)

    X = ours(ag.tensor(a, requires_grad=True), ag.tensor(b))
    assert X.grad_fn.name() == "LinalgLuSolveBackward0"   # was LinalgSolveTriangularBackward0 / MmBackward0
    check_gradcheck(ours, [a, b])
    torch = require_torch()

    def theirs(A, B):
        LU, piv = torch.linalg.lu_factor(A)
        return torch.linalg.lu_solve(LU, piv, B, left=left, adjoint=adjoint)

    assert theirs(torch.tensor(a, requires_grad=True), torch.tensor(b)).grad_fn.name() == X.grad_fn.name()
    check_against_torch(ours, theirs, [a, b], atol=1e-10, rtol=1e-10)


def test_lu_solve_without_gradients_has_no_node():
    LU, piv = ag.linalg.lu_factor(ag.tensor(_lower()))
    assert ag.linalg.lu_solve(LU, piv, ag.tensor(_rhs((4, 2)))).grad_fn is None


# ----- Optimizer.load_state_dict shares the state tensors it is given, as PyTorch's ------------------------------

OPTIMIZERS = {
    "Adam": lambda lib, p: lib.optim.Adam(p, lr=0.05, amsgrad=True),
    "ASGD": lambda lib, p: lib.optim.ASGD(p, lr=0.05, t0=1),
    "NAdam": lambda lib, p: lib.optim.NAdam(p, lr=0.05, decoupled_weight_decay=True, weight_decay=0.1),
    "Rprop": lambda lib, p: lib.optim.Rprop(p, lr=0.05),
    "Adagrad": lambda lib, p: lib.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    "SGD": lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.9),
}


def _two_optimizers(lib, optim_lib, name, dtype):
    """(first param, its optimizer, second param, an optimizer loaded from the first one's live state_dict,
    the losses of two more steps of each, first the original's, then the loaded one's)."""
    start = np.array([0.5, -1.0, 2.0])
    w = lib.tensor(start.astype(dtype), requires_grad=True)
    v = lib.tensor(start.astype(dtype), requires_grad=True)
    target = lib.tensor(np.array([1.0, 0.0, -1.0]).astype(dtype))
    opt = OPTIMIZERS[name](optim_lib, [w])
    for _ in range(2):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    opt2 = OPTIMIZERS[name](optim_lib, [v])
    opt2.load_state_dict(opt.state_dict())
    with lib.no_grad():
        v.copy_(w)
    losses = []
    for p, o in ((w, opt), (v, opt2)):
        for _ in range(2):
            o.zero_grad()
            loss = ((p - target) ** 2).sum()
            loss.backward()
            o.step()
            losses.append(loss.item())
    return w, opt, v, opt2, losses


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_an_optimizer_loaded_from_a_live_state_dict_shares_its_state_as_pytorchs(name):
    w, opt, v, opt2, losses = _two_optimizers(ag, nn, name, np.float32)
    for key, value in opt.state[w].items():
        if isinstance(value, ag.Tensor):
            assert opt2.state[v][key] is value, key   # deepgrad copied every entry
    torch = require_torch()
    tw, topt, tv, topt2, tlosses = _two_optimizers(torch, torch, name, np.float32)
    assert sorted(opt2.state[v]) == sorted(topt2.state[tv])
    for key, value in topt.state[tw].items():
        assert (topt2.state[tv][key] is value) == (opt2.state[v][key] is opt.state[w][key]), key
        np.testing.assert_allclose(np.asarray(opt2.state[v][key]), value.numpy(), rtol=1e-5, atol=1e-7,
                                   err_msg=key)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-5, atol=1e-7)


def test_adafactor_factored_buffers_are_shared_too():
    def loaded(lib, optim_lib):
        w = lib.nn.Parameter(lib.ones(3, 4))
        opt = optim_lib.Adafactor([w])
        w.grad = lib.ones(3, 4)
        opt.step()
        v = lib.nn.Parameter(lib.ones(3, 4))
        opt2 = optim_lib.Adafactor([v])
        opt2.load_state_dict(opt.state_dict())
        return {k: opt2.state[v][k] is opt.state[w][k] for k in opt.state[w]}

    ours = loaded(ag, nn.optim)   # ag.nn is nn (a bare `import autograd as torch` reaches torch.nn)
    assert ours == {"step": True, "row_var": True, "col_var": True}
    torch = require_torch()
    assert loaded(torch, torch.optim) == ours


def test_a_state_in_another_dtype_or_shape_is_still_converted_or_refused():
    w = ag.tensor(np.ones(3), requires_grad=True)   # float64
    opt = nn.optim.Adam([w])
    w.grad = ag.ones(3, dtype=ag.float64)
    opt.step()
    sd = opt.state_dict()
    half = {"state": {0: dict(sd["state"][0], exp_avg=sd["state"][0]["exp_avg"].float())},
            "param_groups": sd["param_groups"]}
    v = ag.tensor(np.ones(3), requires_grad=True)
    opt2 = nn.optim.Adam([v])
    opt2.load_state_dict(half)
    assert opt2.state[v]["exp_avg"].dtype == ag.float64
    assert opt2.state[v]["exp_avg"] is not half["state"][0]["exp_avg"]
    assert opt2.state[v]["exp_avg_sq"] is sd["state"][0]["exp_avg_sq"]
    wrong = {"state": {0: dict(sd["state"][0], exp_avg=ag.zeros(4, dtype=ag.float64))},
             "param_groups": sd["param_groups"]}
    with pytest.raises(RuntimeError, match="exp_avg"):
        nn.optim.Adam([v]).load_state_dict(wrong)


# ----- cross_entropy: an ignored target's gradient row is +0, as PyTorch's ----------------------------------------

@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_gradient_of_an_ignored_row_is_positive_zero(reduction, label_smoothing):
    x = ag.tensor([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]], requires_grad=True)
    F.cross_entropy(x, ag.tensor([1, -100]), reduction=reduction, label_smoothing=label_smoothing).sum().backward()
    row = x.grad.numpy()[1]
    assert not np.signbit(row).any(), row   # the first entry was -0.0 (printed "-0.")
    assert repr(x.grad[1]) == "tensor([0., 0., 0.])"
    torch = require_torch()
    t = torch.tensor([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]], requires_grad=True)
    torch.nn.functional.cross_entropy(t, torch.tensor([1, -100]), reduction=reduction,
                                      label_smoothing=label_smoothing).sum().backward()
    np.testing.assert_array_equal(np.signbit(x.grad.numpy()), np.signbit(t.grad.numpy()))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_cross_entropy_on_images_with_an_ignored_pixel_prints_pytorchs_zeros():
    x = ag.tensor(np.linspace(-1, 1, 12).reshape(1, 3, 2, 2), requires_grad=True)
    target = ag.tensor([[[0, 2], [-100, 1]]])
    F.cross_entropy(x, target, reduction="sum").backward()
    assert not np.signbit(x.grad.numpy()[0, :, 1, 0]).any()


# ----- Dirichlet.rsample shows PyTorch's node -----------------------------------------------------------------------

def test_dirichlet_rsample_node_is_pytorchs():
    ag.manual_seed(0)
    sample = Dirichlet(ag.tensor([0.5, 1.5, 3.0], requires_grad=True)).rsample((2,))
    assert sample.grad_fn.name() == "_DirichletBackward"
    assert "grad_fn=<_DirichletBackward>" in repr(sample)
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch.distributions.Dirichlet(torch.tensor([0.5, 1.5, 3.0], requires_grad=True)).rsample((2,))
    assert theirs.grad_fn.name() == sample.grad_fn.name()
    np.testing.assert_allclose(sample.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)


# ----- unique / unique_consecutive / histogram / histogramdd / bincount of a tensor that requires grad -------------
# PyTorch records a node whose backward refuses (its derivative is not implemented), so the result prints its grad_fn

UNDERIVED = {
    "unique": (lambda lib, x: lib.unique(x), "Unique2Backward0", NotImplementedError, "'_unique2'"),
    "unique_inverse": (lambda lib, x: lib.unique(x, sorted=False, return_inverse=True, return_counts=True)[0],
                       "Unique2Backward0", NotImplementedError, "'_unique2'"),
    "method": (lambda lib, x: x.unique(), "Unique2Backward0", NotImplementedError, "'_unique2'"),
    "unique_dim": (lambda lib, x: lib.unique(x.view(2, 3), dim=1), "UniqueDimBackward0", NotImplementedError,
                   "'unique_dim'"),
    "unique_consecutive": (lambda lib, x: lib.unique_consecutive(x, return_counts=True)[0],
                           "UniqueConsecutiveBackward0", NotImplementedError, "'unique_consecutive'"),
    "unique_consecutive_dim": (lambda lib, x: lib.unique_consecutive(x.view(3, 2), dim=0),
                               "UniqueConsecutiveBackward0", NotImplementedError, "'unique_consecutive'"),
    "histogram": (lambda lib, x: lib.histogram(x, bins=3).hist, "torch::autograd::NotImplemented", RuntimeError,
                  "aten::histogram"),
    "histogram_edges": (lambda lib, x: lib.histogram(x, bins=4).bin_edges, "torch::autograd::NotImplemented",
                        RuntimeError, "aten::histogram"),
    "bincount": (lambda lib, x: lib.bincount(lib.tensor([0, 2, 2, 1, 0, 3]), weights=x),
                 "torch::autograd::NotImplemented", RuntimeError, "aten::bincount"),
    "histogramdd": (lambda lib, x: lib.histogramdd(x.view(3, 2), bins=[2, 2]).hist, "torch::autograd::NotImplemented",
                    RuntimeError, "aten::_histogramdd_from_bin_cts"),
    "histogramdd_edges": (lambda lib, x: lib.histogramdd(x.view(3, 2), bins=[2, 3]).bin_edges[1],
                          "torch::autograd::NotImplemented", RuntimeError, "aten::_histogramdd_bin_edges"),
}


def _underived(lib, case):
    make, _, _, _ = UNDERIVED[case]
    x = lib.tensor([3.0, 1.0, 1.0, 2.0, 2.0, 0.5], requires_grad=True)
    out = make(lib, x)
    return x, out


@pytest.mark.parametrize("case", list(UNDERIVED))
def test_results_without_a_derivative_carry_pytorchs_refusing_node(case):
    _, node, error, words = UNDERIVED[case]
    x, out = _underived(ag, case)
    assert out.grad_fn is not None and out.grad_fn.name() == node   # there was no grad_fn: the repr lacked it
    assert f"grad_fn=<{node.rpartition('::')[2]}>" in repr(out)
    edges = [type(f).__name__ for f, _ in out.grad_fn.next_functions]
    assert edges in (["AccumulateGrad"], ["ViewBackward0"])   # the input itself, or its view
    with pytest.raises(error, match=words):
        out.sum().backward()
    with ag.no_grad():
        assert UNDERIVED[case][0](ag, x).grad_fn is None
    assert UNDERIVED[case][0](ag, x.detach()).requires_grad is False
    torch = require_torch()
    tx, tout = _underived(torch, case)
    assert tout.grad_fn.name() == node
    assert [type(f).__name__ for f, _ in tout.grad_fn.next_functions] == edges
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy())
    with pytest.raises(error, match=words):
        tout.sum().backward()


def test_histogramdd_with_given_edges_returns_them_and_refuses_backward():
    x = ag.tensor(np.linspace(0, 1, 10, dtype=np.float32).reshape(5, 2))
    b0 = ag.tensor([0.0, 0.5, 1.0], requires_grad=True)
    b1 = ag.tensor([0.0, 1.0])
    h = ag.histogramdd(x, bins=[b0, b1])
    assert h.bin_edges[0] is b0 and h.bin_edges[1] is b1   # PyTorch hands back the edge tensors themselves
    assert h.hist.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="_histogramdd_from_bin_tensors"):
        h.hist.sum().backward()
