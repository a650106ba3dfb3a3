"""Gradients PyTorch defines at ties and singular points, found by the round-7 probes: median() and nanmedian()
over all elements share the gradient equally among every element equal to the median (deepgrad gave it all to
one: [0, 0, 0, -0.7] where PyTorch gives [-0.175] * 4), or among the nans when the median is nan; atan2 has
gradient 0 at the origin (deepgrad gave nan). Against PyTorch, plus gradcheck away from ties."""
import numpy as np
import pytest

import autograd as ag

CASES = [[[1.0, 3.0, 3.0, 2.0], [0.5, 0.5, 0.5, 0.5]], [1.0, np.nan, 2.0, 2.0, 5.0], [np.nan] * 3, [4.0], [2.0, 2.0],
         [[3.0, 1.0], [2.0, 2.0], [2.0, 7.0]], 5.0]


@pytest.mark.parametrize("values", CASES)
@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_median_of_all_elements_shares_the_gradient_among_ties_like_pytorch(values, op):
    torch = pytest.importorskip("torch")
    got = []
    for lib in (ag, torch):
        x = lib.tensor(np.array(values), requires_grad=True)
        y = getattr(x, op)()
        (y * 3).backward()
        got.append((y.item(), x.grad.numpy().copy(), y.grad_fn.name()))
    np.testing.assert_equal(got[0][0], got[1][0])
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-15)
    assert got[0][2] == got[1][2]


def test_median_of_integers_and_gradcheck():
    assert ag.tensor([3, 1, 2, 2]).median().item() == 2
    assert ag.tensor([3, 1, 2, 2]).median().dtype == np.int64
    x = ag.tensor(np.array([0.3, -1.2, 2.5, 0.9, 1.7]), requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: t.median() * t.nanmedian(), (x,))
    with pytest.raises(ValueError, match="median: the int64 input of shape"):
        ag.zeros(0, dtype=ag.int64).median()
    assert np.isnan(ag.zeros(0).median().item())   # as PyTorch: an empty float tensor's median is nan


def test_atan2_gradient_is_zero_at_the_origin_like_pytorch():
    torch = pytest.importorskip("torch")
    a_np, b_np = np.array([0.0, 1.0, 0.0, 1e-200, -0.0]), np.array([0.0, 1.0, -2.0, 1e-200, 0.0])
    grads = []
    for lib in (ag, torch):
        a, b = lib.tensor(a_np, requires_grad=True), lib.tensor(b_np, requires_grad=True)
        grads.append([g.numpy() for g in lib.autograd.grad((lib.atan2(a, b) * 2).sum(), [a, b])])
    for mine, theirs in zip(*grads):
        np.testing.assert_allclose(mine, theirs)
        assert np.isfinite(mine).all()


def test_atan2_gradcheck_broadcasting():
    rng = np.random.default_rng(3)
    a = ag.tensor(rng.standard_normal((3, 1)), requires_grad=True)
    b = ag.tensor(rng.standard_normal((4,)), requires_grad=True)
    assert ag.autograd.gradcheck(ag.atan2, (a, b))
    assert ag.autograd.gradgradcheck(ag.atan2, (a, b))
