"""Views follow their base: after an in-place op inside a graph on a tensor that other tensors view (or on
one of several sibling views), every live view shows the new values and sends its gradient through the
new node, as PyTorch's views do. Each case runs the same code on deepgrad and PyTorch."""
import gc

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck


def _both(program):
    torch = pytest.importorskip("torch")
    ours, theirs = program(ag), program(torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a.detach().numpy() if hasattr(a, "detach") else a),
                                   np.asarray(b.detach().numpy() if hasattr(b, "detach") else b), rtol=1e-12)


def _x(lib, values=(1.0, 2.0, 3.0, 4.0)):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def test_views_and_views_of_views_show_the_base_after_its_in_place_change():
    def program(lib):
        x = _x(lib)
        y = x * 2
        v = y[:3]
        w = v[1:]
        y.mul_(3)
        (v * v).sum().backward(retain_graph=True)
        first = x.grad.clone()
        w.sum().backward()
        return [v, w, first, x.grad]
    _both(program)


def test_a_buffer_without_grad_changed_by_a_graph_value_updates_its_views():
    def program(lib):
        z = _x(lib)
        buffer = lib.zeros(4, dtype=lib.float64)
        middle = buffer[1:3]
        buffer.add_(z * z)
        middle.sum().backward()
        return [middle, buffer, z.grad]
    _both(program)


def test_a_change_through_one_view_reaches_its_sibling():
    def program(lib):
        x = _x(lib)
        q = x * 1
        head, tail = q[:3], q[1:]
        head.mul_(10)
        tail.pow(2).sum().backward()
        return [tail, q, x.grad]
    _both(program)


@pytest.mark.parametrize("change", ["setitem", "copy_", "add_", "clamp_"])
def test_every_in_place_form_on_a_2d_base_reaches_its_row_and_column_views(change):
    def program(lib):
        x = lib.tensor(np.arange(12.0).reshape(3, 4) / 7, requires_grad=True)
        src = lib.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
        y = x.sin() * 2   # sin saves its input, so changing y in place is allowed (exp's output is saved)
        row, column = y[1], y[:, 2]
        if change == "setitem":
            y[0] = src[0] * 5
        elif change == "copy_":
            y.copy_(src * src)
        elif change == "add_":
            y.add_(src, alpha=2)
        else:
            y.clamp_(min=0.5)
        (row.sum() * 3 + (column * column).sum()).backward()
        return [row, column, x.grad, src.grad if src.grad is not None else lib.zeros(3, 4, dtype=lib.float64)]
    _both(program)


def test_a_transposed_base_keeps_its_views_in_place():
    def program(lib):
        x = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        y = (x * 1).t()   # a (3, 2) tensor laid out column-major
        first = y[0]
        y.mul_(lib.tensor(np.arange(6.0).reshape(3, 2) + 1))
        first.sum().backward()
        return [first, x.grad]
    _both(program)


def test_follows_are_checked_by_finite_differences():
    def f(x):
        y = x * x
        v = y[1:]
        y.mul_(x)   # y = x^3, v now views it
        return v * 2
    x = ag.tensor(np.linspace(0.5, 1.5, 5), dtype=ag.float64, requires_grad=True)
    assert gradcheck(f, (x,))


def test_views_dropped_are_forgotten_and_the_list_stays_short():
    buffer = ag.zeros(8)
    for _ in range(1000):
        buffer[2:4].sum()
    gc.collect()
    assert len(buffer._views) < 64
    x = ag.ones(8, requires_grad=True)
    h = x * 1
    for _ in range(300):
        h[1:3]
    h.add_(x)   # no live view: nothing to follow
    np.testing.assert_array_equal(h.detach().numpy(), np.full(8, 2.0))


def test_a_parameters_transposes_are_not_remembered():
    w = ag.ones(3, 4, requires_grad=True)
    for _ in range(10):
        w.t()
    assert getattr(w, "_views", None) is None


def test_copy_of_constants_over_a_graph_tensor_gives_its_past_zero_gradient():
    def program(lib):
        x = _x(lib)
        y = x * 2
        y.copy_(lib.tensor([5.0, 6.0, 7.0, 8.0], dtype=lib.float64))
        assert y.grad_fn.name().endswith("CopyBackwards")
        (y * x).sum().backward()
        return [y, x.grad]
    _both(program)

