"""Bugs that ported PyTorch programs met (tests/test_pytorch_programs_round8.py), each checked against PyTorch."""
import numpy as np
import pytest

import autograd as ag


# ----- outer promotes mixed dtypes as PyTorch's does (rotary-embedding tables: outer(arange(n), inv_freq)) --------
@pytest.mark.parametrize("left, right", [("int64", "float64"), ("float32", "float64"), ("int64", "int64"),
                                         ("int64", "float32"), ("bool", "float64")])
def test_outer_promotes_mixed_dtypes_like_pytorch(left, right):
    torch = pytest.importorskip("torch")
    a = np.arange(4).astype(left)
    b = (np.arange(3) * 0.5 + 1).astype(right)
    ours = ag.outer(ag.tensor(a), ag.tensor(b))
    theirs = torch.outer(torch.from_numpy(a), torch.from_numpy(b))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_outer_of_an_int_and_a_float_tensor_backpropagates_into_the_float_one():
    b = ag.tensor([0.5, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
    ag.outer(ag.arange(4), b).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [6.0, 6.0, 6.0])
    assert ag.autograd.gradcheck(lambda v: ag.outer(ag.arange(4), v), (b,))


# ----- repeat_interleave: the counts-only form, a single-count tensor, output_size ------------------------------
REPEAT_CASES = {
    "counts_only": lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 1])),
    "counts_only_int32": lambda lib: lib.repeat_interleave(lib.tensor([1, 3], dtype=lib.int32), output_size=4),
    "counts_only_empty": lambda lib: lib.repeat_interleave(lib.tensor([], dtype=lib.int64)),
    "one_count_tensor": lambda lib: lib.repeat_interleave(lib.tensor([[1, 2], [3, 4]]), lib.tensor([2]), dim=0),
    "zero_d_count_tensor": lambda lib: lib.repeat_interleave(lib.tensor([[1, 2], [3, 4]]), lib.tensor(2), dim=1),
    "output_size_int": lambda lib: lib.repeat_interleave(lib.tensor([[1, 2], [3, 4]]), 2, output_size=8),
    "output_size_counts": lambda lib: lib.tensor([[1, 2], [3, 4]]).repeat_interleave(lib.tensor([1, 2]), dim=0,
                                                                                      output_size=3),
}


@pytest.mark.parametrize("case", sorted(REPEAT_CASES))
def test_repeat_interleave_forms_match_pytorch(case):
    torch = pytest.importorskip("torch")
    ours, theirs = REPEAT_CASES[case](ag), REPEAT_CASES[case](torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_repeat_interleave_by_a_one_element_count_tensor_backpropagates_and_checks_output_size():
    x = ag.tensor([1.0, -2.0], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: ag.repeat_interleave(t, ag.tensor([3]), dim=0), (x,))
    ag.repeat_interleave(x, ag.tensor([3]), dim=0).pow(2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, -12.0])
    with pytest.raises(ValueError, match="output_size=5"):
        ag.repeat_interleave(x, 2, output_size=5)
    with pytest.raises(ValueError, match="1-D integer tensor"):
        ag.repeat_interleave(ag.tensor([1.5, 2.0]))


# ----- Dirichlet / Beta mode where every concentration is below 1: PyTorch's first corner, not the largest's -----
@pytest.mark.parametrize("concentration", [[0.4, 0.7], [0.7, 0.4], [0.2, 0.9, 0.5], [[0.4, 0.7], [2.0, 3.0]],
                                           [0.5, 1.0], [1.0, 1.0], [[3.0, 0.2, 1.5]]])
def test_dirichlet_mode_matches_pytorch_at_the_edges(concentration):
    torch = pytest.importorskip("torch")
    c = np.array(concentration, dtype=np.float64)
    ours = ag.distributions.Dirichlet(ag.tensor(c)).mode
    theirs = torch.distributions.Dirichlet(torch.tensor(c)).mode
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, equal_nan=True)


def test_beta_mode_of_u_shaped_betas_is_pytorchs_and_keeps_finite_gradients():
    torch = pytest.importorskip("torch")
    a, b = np.array([0.4, 2.0, 0.7, 3.0]), np.array([0.7, 0.5, 0.4, 2.0])
    ours = ag.distributions.Beta(ag.tensor(a), ag.tensor(b)).mode
    theirs = torch.distributions.Beta(torch.tensor(a), torch.tensor(b)).mode
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    conc = ag.tensor(a, requires_grad=True)
    ag.distributions.Beta(conc, ag.tensor(b)).mode.sum().backward()
    assert np.isfinite(conc.grad.numpy()).all()


# ----- Tensor.backward takes PyTorch's keyword gradient= (grad= still works); retain_graph defaults to create_graph --
@pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch warns of the create_graph=True reference cycle
def test_backward_accepts_pytorchs_gradient_keyword():
    torch = pytest.importorskip("torch")
    grads = []
    for lib in (ag, torch):
        x = lib.tensor([1.0, 2.0, -0.5], dtype=lib.float64, requires_grad=True)
        (x * x).backward(gradient=lib.tensor([1.0, -1.0, 2.0], dtype=lib.float64))
        y = (x ** 3).sum()
        y.backward(create_graph=True)       # retain_graph defaults to True here: a second backward works
        y.backward(inputs=[x])
        grads.append(x.grad.detach().numpy())
    np.testing.assert_allclose(grads[0], grads[1])
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(grad=ag.tensor([1.0, 3.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 6.0])
    with pytest.raises(TypeError, match="gradient= and grad="):
        (x * 2).backward(ag.tensor([1.0, 1.0]), grad=ag.tensor([1.0, 1.0]))


# ----- detect_anomaly(check_nan=...) as PyTorch spells it ------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's warning for sqrt(-2)
def test_detect_anomaly_takes_check_nan():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    with ag.autograd.detect_anomaly(check_nan=False):
        z = x.sqrt()                                  # NaN, not checked
    assert np.isnan(z[1].item())
    with ag.autograd.detect_anomaly(check_nan=True):
        with pytest.raises(RuntimeError, match="sqrt"):
            x.sqrt()


# ----- scatter(..., reduce='multiply'), PyTorch's older spelling of scatter_reduce(..., 'prod') -------------------
@pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch: reduce= with a Tensor src is deprecated
@pytest.mark.parametrize("case", ["tensor", "value", "inplace", "int", "add_value"])
def test_scatter_with_reduce_multiply_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    outs = []
    for lib in (ag, torch):
        index = lib.tensor([[0, 0], [2, 1]])
        x = lib.tensor(np.full((2, 3), 1.5))
        if case == "tensor":
            out = x.scatter(1, index, lib.tensor([[2.0, 3.0], [3.0, 4.0]], dtype=lib.float64), reduce="multiply")
        elif case == "value":
            out = x.scatter(1, index, 2.0, reduce="multiply")
        elif case == "inplace":
            out = x.clone().scatter_(1, index, -0.5, reduce="multiply")
        elif case == "int":
            out = lib.ones(2, 3, dtype=lib.int64).scatter(1, index, lib.tensor([[2, 3], [3, 4]]), reduce="multiply")
        else:
            out = x.scatter(1, index, 2.0, reduce="add")
        outs.append(out)
    assert str(outs[0].dtype) == str(outs[1].dtype).replace("torch.", "")
    np.testing.assert_array_equal(outs[0].numpy(), outs[1].numpy())


def test_scatter_multiply_backward_raises_as_pytorch_and_names_bad_reductions():
    src = ag.tensor([[2.0, 3.0], [0.5, 4.0]], dtype=ag.float64, requires_grad=True)
    x = ag.tensor(np.full((2, 3), 1.5), requires_grad=True)
    index = ag.tensor([[0, 0], [2, 1]])
    out = x.scatter(1, index, src, reduce="multiply")   # PyTorch has no derivative for it (since stop 47 here too)
    with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
        out.sum().backward()
    with pytest.raises(ValueError, match="'multiply'"):
        x.scatter(1, index, src, reduce="max")
