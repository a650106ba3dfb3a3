"""Regressions for the differences from PyTorch that round 30 found while writing its programs
(tests/test_pytorch_programs_round30.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too (gradcheck where a graph changed)."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch


def _raised(fn):
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def _both(make):
    """The messages deepgrad and PyTorch raise for make(library)."""
    ours = _raised(lambda: make(ag))
    torch = require_torch()
    return ours, _raised(lambda: make(torch))


# ----- error texts begin with PyTorch's sentence (code that matches them, as the programs print them) ----------

@pytest.mark.parametrize("case", ["backward", "grad", "second_output", "list_backward"])
def test_differentiating_an_output_that_needs_no_grad_says_pytorchs_sentence_first(case):
    def make(lib):
        x = lib.ones(3)
        w = lib.ones(3, requires_grad=True)
        if case == "backward":
            (x * 2).sum().backward()
        elif case == "grad":
            lib.autograd.grad((x * 2).sum(), w)
        elif case == "second_output":
            lib.autograd.grad([(w * 2).sum(), (x * 2).sum()], [w])
        else:
            lib.autograd.backward([(w * 2).sum(), (x * 2).sum()])
    ours = _raised(lambda: make(ag))
    index = 1 if case in ("second_output", "list_backward") else 0
    assert ours.startswith(f"element {index} of tensors does not require grad and does not have a grad_fn")
    assert "requires_grad=True" in ours   # deepgrad's advice follows
    torch = require_torch()
    assert ours.startswith(_raised(lambda: make(torch)))


@pytest.mark.parametrize("index", [0, 1, 2])
def test_unused_input_to_grad_says_pytorchs_sentence_with_its_index(index):
    def make(lib):
        ts = [lib.ones(2, requires_grad=True) for _ in range(3)]
        used = [t for i, t in enumerate(ts) if i != index]
        lib.autograd.grad(sum((t * t).sum() for t in used), ts)
    ours = _raised(lambda: make(ag))
    assert ours.startswith(f"The differentiated Tensor at index {index} appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    assert "materialize_grads=True" in ours
    torch = require_torch()
    assert ours.startswith(_raised(lambda: make(torch)))


def test_second_backward_through_a_freed_graph_says_pytorchs_sentence_first():
    def make(lib):
        x = lib.ones(3, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    ours, theirs = _both(make)
    sentence = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed)")
    assert ours.startswith(sentence) and theirs.startswith(sentence)
    assert "retain_graph=True" in ours


# ----- sparse_coo_tensor and values() free their graph after backward, as PyTorch's nodes -----------------------

def _coo(lib, w):
    """A 3x3 sparse COO tensor with the values w at four fixed entries."""
    return lib.sparse_coo_tensor(lib.tensor([[0, 1, 2, 2], [1, 2, 0, 2]]), w, (3, 3))


def test_sparse_coo_tensor_reused_after_backward_is_refused_as_in_pytorch():
    """PyTorch's SparseCooTensorWithDimsAndTensorsBackward0 saves its result, so a sparse tensor built from values
    that require grad cannot be differentiated again once a backward freed that node (deepgrad went through)."""
    def make(lib):
        w = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64, requires_grad=True)
        A = _coo(lib, w)
        A.to_dense().sum().backward()
        A.to_dense().sum().backward()
    ours, theirs = _both(make)
    assert ours.startswith("Trying to backward through the graph a second time") and theirs.startswith(ours[:50])
    assert "sparse_coo_tensor" in ours


def test_sparse_values_reused_after_backward_is_refused_as_in_pytorch():
    def make(lib):
        S = _coo(lib, lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64)).requires_grad_()
        v = S.coalesce().values()
        (v * 2).sum().backward()
        (v * 3).sum().backward()
    ours, theirs = _both(make)
    assert ours.startswith(theirs[:50]) and "values" in ours


def test_sparse_graph_kept_by_retain_graph_gives_pytorchs_gradients_twice():
    w = ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64, requires_grad=True)
    A = _coo(ag, w)
    weights = ag.arange(9.0, dtype=ag.float64).reshape(3, 3)
    (A.to_dense() * weights).sum().backward(retain_graph=True)
    (A.to_dense() * weights).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 2 * np.array([1.0, 5.0, 6.0, 8.0]))
    check_gradcheck(lambda v: (_coo(ag, v).to_dense() * weights).sum(1), [np.array([1.0, 2.0, 3.0, 4.0])])
    check_gradcheck(lambda v: ag.sparse.mm(_coo(ag, v), weights), [np.array([0.5, -1.0, 2.0, 3.0])])
    torch = require_torch()
    check_against_torch(lambda v: ag.sparse.mm(_coo(ag, v), weights),
                        lambda v: torch.sparse.mm(_coo(torch, v), torch.arange(9.0, dtype=torch.float64).reshape(3, 3)),
                        [np.array([0.5, -1.0, 2.0, 3.0])], atol=1e-12, rtol=1e-12)


# ----- torch.masked.var / std divide last: PyTorch's DivBackward0 ----------------------------------------------

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 1, (0, 2)])
@pytest.mark.parametrize("unbiased", [False, True])
def test_masked_var_is_pytorchs_division_node_with_its_values_and_gradients(keepdim, dim, unbiased):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    keep = np.arange(24).reshape(2, 3, 4) % 3 != 0
    out = ag.masked.var(ag.tensor(x, requires_grad=True), dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep))
    assert out.grad_fn.name() == "DivBackward0"   # was SqueezeBackward2 without keepdim
    check_gradcheck(lambda t: ag.masked.var(t, dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep)), [x])
    torch = require_torch()
    for name in ("var", "std"):
        check_against_torch(
            lambda t: getattr(ag.masked, name)(t, dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep)),
            lambda t: getattr(torch.masked, name)(t, dim, unbiased, keepdim=keepdim, mask=torch.tensor(keep)),
            [x], atol=1e-12, rtol=1e-10)
