"""In-place ops through views inside a graph change the base, in values and gradients, as in PyTorch
(autograd/view_inplace.py): each case runs on deepgrad and on PyTorch and must give the same base and the
same gradient."""
import numpy as np
import pytest

import autograd as ag
from autograd.autograd import gradcheck
from tests.helpers import require_torch

X0 = np.array([1.0, 2.0, 3.0, 4.0])

#: name -> f(lib, x): the tensor whose values and gradient (of its sum) are compared
CASES = {
    "slice_mul_": lambda lib, x: _then(x * 1, lambda y: y[1:].mul_(3)),
    "view_row_add_": lambda lib, x: _then(x * 1, lambda y: y.view(2, 2)[0].add_(x[:2])),
    "transpose_row_mul_": lambda lib, x: _then(x * 1, lambda y: y.view(2, 2).t()[0].mul_(5)),
    "view_of_view": lambda lib, x: _then(x * 2, lambda y: y[1:][1:].mul_(x[:2])),
    "element_of_vector": lambda lib, x: _then(x * 1, lambda y: y[2].mul_(10)),
    "sin_on_strided": lambda lib, x: _then(x * 1, lambda y: y[::2].sin_()),
    "exp_through_unsqueeze": lambda lib, x: _then(x * 1, lambda y: y.unsqueeze(0)[0, 1:3].exp_()),
    "copy_into_buffer": lambda lib, x: _then(lib.zeros(4, dtype=lib.float64), lambda b: b[1:].copy_(x[:3] * 2)),
    "setitem_on_view": lambda lib, x: _then(lib.zeros(4, dtype=lib.float64),
                                             lambda b: b.view(2, 2).__setitem__(0, x[2:] ** 2)),
    "zero_on_view": lambda lib, x: _then(x * 3, lambda y: y[:2].zero_()),
    "fill_on_view": lambda lib, x: _then(x * 3, lambda y: y[1:3].fill_(7.0)),
    "view_and_base_used": lambda lib, x: _base_and_view(x),
}


def _then(base, change):
    change(base)
    return base


def _base_and_view(x):
    y = x * 1
    v = y[2:]
    v.mul_(x[:2])
    return y * v.sum()


def _run(lib, case):
    x = lib.tensor(X0, requires_grad=True)
    out = CASES[case](lib, x)
    out.sum().backward()
    return out.detach().numpy().copy(), x.grad.numpy().copy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_base_values_and_gradients_match_pytorch(case):
    torch = require_torch()
    ours, theirs = _run(ag, case), _run(torch, case)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


@pytest.mark.parametrize("case", ["slice_mul_", "view_of_view", "sin_on_strided", "copy_into_buffer",
                                  "view_and_base_used"])
def test_gradcheck_through_in_place_view_ops(case):
    assert gradcheck(lambda x: CASES[case](ag, x), (ag.tensor(X0 * 0.3, requires_grad=True),))


def test_view_of_a_leaf_that_requires_grad_is_refused_as_in_pytorch():
    torch = require_torch()
    for lib in (ag, torch):
        w = lib.ones(3, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
            w[0].mul_(2)
        with lib.no_grad():   # the usual way: outside the graph the leaf's memory changes
            w[0].mul_(2)
            w[:, 1].fill_(5.0)
        assert w.detach().numpy().tolist() == [[2.0, 5.0], [1.0, 5.0], [1.0, 5.0]]


def test_an_element_of_a_vector_is_a_view_as_in_pytorch():
    b = ag.zeros(3)
    with ag.no_grad():
        b[0].fill_(1.0)
        b[1].add_(2)
    assert b.tolist() == [1.0, 2.0, 0.0]


def test_changing_values_a_backward_needs_is_refused_at_backward_as_in_pytorch():
    torch = require_torch()
    for lib in (ag, torch):
        x = lib.tensor(X0, requires_grad=True)
        y = x.exp()        # exp's backward needs its output, which the next line changes through a view
        y[1:].mul_(3)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|modified in place"):
            y.sum().backward()


def test_grad_fn_names_as_pytorch():
    torch = require_torch()
    names = []
    for lib in (ag, torch):
        y = lib.tensor(X0, requires_grad=True) * 1
        v = y[1:]
        v.mul_(2)
        names.append((type(y.grad_fn).__name__, y.grad_fn.name(), type(v.grad_fn).__name__, v.grad_fn.name()))
    assert names[0] == names[1]


def test_one_of_several_views_is_refused_as_in_pytorch():
    torch = require_torch()
    for lib in (ag, torch):
        y = lib.tensor(X0, requires_grad=True) * 1
        for piece in (lambda: y.chunk(2)[1], lambda: y.split(2)[0], lambda: y.view(2, 2).unbind(0)[1]):
            with pytest.raises(RuntimeError, match="is a view and is being modified inplace"):
                piece().mul_(2)
        with lib.no_grad():   # outside a graph they change the tensor they view
            y.chunk(2)[1].mul_(2)
        assert y.detach().numpy().tolist() == [1.0, 2.0, 6.0, 8.0]


def test_a_base_laid_out_column_major_takes_the_change_as_in_pytorch():
    torch = require_torch()
    results = []
    for lib in (ag, torch):
        x = lib.tensor(np.arange(8.0).reshape(2, 4), requires_grad=True)
        y = (x * 1).t().contiguous().t()       # a base whose memory is column-major
        y[:, 1:3].mul_(10)
        y.sum().backward()
        results.append((y.detach().numpy().tolist(), x.grad.numpy().tolist()))
    assert results[0] == results[1]
