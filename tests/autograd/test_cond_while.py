"""torch.cond and torch.while_loop in eager mode against PyTorch: values and gradients through the branch taken
and through the loop's iterations, bool / tensor predicates, nested operands, and the errors PyTorch raises."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _torch_keeps_validating_distributions():
    """PyTorch's cond and while_loop trace with dynamo, which switches off torch.distributions' argument checks
    for the whole process: later tests that compare those checks need them back."""
    before = torch.distributions.Distribution._validate_args
    yield
    torch.distributions.Distribution.set_default_validate_args(before)


def _x(seed=0):
    return np.random.default_rng(seed).standard_normal(3)


@pytest.mark.parametrize("pred", [True, False, "tensor_true", "tensor_false", "float_tensor"])
def test_cond_values_and_gradients_match_torch(pred):
    a = _x()
    results = []
    for lib in (ag, torch):
        p = {"tensor_true": lib.tensor(True), "tensor_false": lib.tensor(False),
             "float_tensor": lib.tensor([1.5])}.get(pred, pred)
        x = lib.tensor(a, requires_grad=True)
        y, z = lib.cond(p, lambda v: (v.sin(), v * 2), lambda v: (v.cos(), v * 3), (x,))
        (y * z).sum().backward()
        results.append((y.detach().numpy(), z.detach().numpy(), x.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cond_nested_operands_and_sizes_that_differ():
    x, w = ag.tensor(_x(), requires_grad=True), ag.tensor(2.0, requires_grad=True)
    out = ag.cond(x.sum() > 100, lambda d: d["x"][:2] * d["w"], lambda d: d["x"] * d["w"] ** 2, [{"x": x, "w": w}])
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), _x() * 4)
    np.testing.assert_allclose(w.grad.numpy(), 4 * _x().sum())
    # a Python pred runs its branch only, unchecked (non-tensor operands and any outputs), as PyTorch's
    assert ag.cond(True, lambda a, b: a + b, lambda a, b: "unused", (x, 2)).shape == (3,)
    assert ag.cond(1, lambda: 7, lambda: 8) == 7


def test_cond_gradcheck():
    x = ag.tensor(_x(1), requires_grad=True)
    assert ag.autograd.gradcheck(lambda v: ag.cond(v.sum() > 0, lambda u: u.exp(), lambda u: u.sin() * u, (v,)), (x,))


def test_cond_errors():
    x = ag.tensor(_x())
    p = ag.tensor(True)
    with pytest.raises(RuntimeError, match=r"cond: Expected pred to be bool or single-element tensor, but got a "
                                           r"tensor of shape \(2,\)"):
        ag.cond(ag.tensor([True, False]), lambda v: v.sin(), lambda v: v.cos(), (x,))
    with pytest.raises(RuntimeError, match="expected same dim but got 1 and 0"):
        ag.cond(p, lambda v: v.sin(), lambda v: v.sum(), (x,))
    with pytest.raises(RuntimeError, match="expected same dtype but got float64 and int32"):
        ag.cond(p, lambda v: v.sin(), lambda v: v.int(), (x,))
    with pytest.raises(RuntimeError, match="must return the same structure"):
        ag.cond(p, lambda v: (v.sin(), v.cos()), lambda v: v.sin(), (x,))
    with pytest.raises(RuntimeError, match=r"aliasing.*input.clone\(\)"):
        ag.cond(p, lambda v: v, lambda v: v * 2, (x,))
    with pytest.raises(RuntimeError, match="only consists of tensor leaves"):
        ag.cond(p, lambda v, k: v + k, lambda v, k: v - k, (x, 2))
    with pytest.raises(RuntimeError, match=r"operands must be a tuple or list of tensors, got Tensor; wrap"):
        ag.cond(p, lambda v: v.sin(), lambda v: v.cos(), x)


def test_while_loop_matches_torch():
    a = _x(2)
    results = []
    for lib in (ag, torch):
        x = lib.tensor(a, requires_grad=True)
        i, y = lib.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * v.cos()), (lib.tensor(0), x))
        y.sum().backward()
        results.append((int(i), y.detach().numpy(), x.grad.numpy()))
    assert results[0][0] == results[1][0] == 3
    for ours, theirs in zip(results[0][1:], results[1][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    # an int carried value, a list (returned as the body returns it), a body that never runs
    out = ag.while_loop(lambda i, v: i < 5, lambda i, v: [i + 1, v + 1], (0, ag.tensor(a)))
    assert isinstance(out, list) and out[0] == 5
    np.testing.assert_allclose(out[1].numpy(), a + 5)
    start = (ag.tensor(9), ag.tensor(a))
    assert ag.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v + 1), start) is start


def test_while_loop_gradcheck():
    x = ag.tensor(_x(3), requires_grad=True)
    f = lambda v: ag.while_loop(lambda k, u: k < 4, lambda k, u: (k + 1, u.sin() + u * 0.5), (ag.tensor(0), v))[1]
    assert ag.autograd.gradcheck(f, (x,))


def test_while_loop_errors():
    x = ag.tensor(_x())
    i = ag.tensor(0)
    with pytest.raises(RuntimeError, match=r"same metadata but output 1 is int32 \(3,\) where the carried input "
                                           r"is float64 \(3,\)"):
        ag.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v.int()), (i, x))
    with pytest.raises(RuntimeError, match="same metadata but output 1 is float64 \\(2,\\)"):
        ag.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v[:2] * 1), (i, x))
    with pytest.raises(RuntimeError, match="same number of outputs but got 1 and 2"):
        ag.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1,), (i, x))
    with pytest.raises(RuntimeError, match=r"scalar tensor or a bool but got a tensor of shape \(1,\)"):
        ag.while_loop(lambda i, v: (i < 5).reshape(1), lambda i, v: (i + 1, v + 1), (i, x))
    with pytest.raises(RuntimeError, match="scalar tensor or a bool but got int"):
        ag.while_loop(lambda i, v: 3, lambda i, v: (i + 1, v + 1), (i, x))
    with pytest.raises(RuntimeError, match="carried_inputs must be a tuple or list"):
        ag.while_loop(lambda i: i < 5, lambda i: (i + 1,), i)
    with pytest.raises(RuntimeError, match="aliasing"):
        ag.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v), (i, x))
