"""PyTorch leftovers 15, each checked against torch 2.13: a custom Function's saved tensors as Tensors, Tensor
subclasses and `__torch_function__`, vmap's `out_dims=None` on batched outputs, complex NumPy arrays given to
`Tensor(...)`, a complex number to the power of a tensor, and the layout of binary ops' results below 4 dims."""
import warnings

import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


def _error(call):
    """The builtin exception types `call()` raises (None when it returns)."""
    try:
        call()
    except Exception as error:   # noqa: BLE001 - the error's type is the outcome
        return {c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"}
    return None


# ----- 1. a custom Function's saved tensors ---------------------------------------------------------------------
def _saving_function(lib):
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            out = x * y
            ctx.save_for_backward(x, out, None)
            return out

        @staticmethod
        def backward(ctx, g):
            x, out, nothing = ctx.saved_tensors
            ctx.seen = (type(x).__name__, x is ctx.x_given, nothing, lib.is_grad_enabled(), x.requires_grad,
                        out.grad_fn is ctx)
            return g * out / x, g * x
    return Scale


def _saved_story(lib):
    """What grad_fn.saved_tensors gives before and after backward, and what backward's ctx.saved_tensors is."""
    Scale = _saving_function(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    out = Scale.apply(x, y)
    node = out.grad_fn
    saved = node.saved_tensors
    story = [type(saved).__name__, [type(s).__name__ for s in saved], saved[0] is x, saved[1] is out,
             saved[1].grad_fn is node, saved[1].requires_grad, saved[2], saved[1].tolist(),
             node.saved_tensors[0] is node.saved_tensors[0]]
    node.x_given = x
    out.sum().backward(retain_graph=True)
    story += [node.seen, [s.tolist() for s in node.saved_tensors[:2]], x.grad.tolist(), y.grad.tolist()]
    out.sum().backward()
    story.append(_error(lambda: node.saved_tensors))
    return story


def test_custom_function_saved_tensors_are_tensors():
    torch = _torch()
    assert _saved_story(ag) == _saved_story(torch)


def _changed_story(lib):
    """Reading saved tensors after one was changed in place, and through saved_tensors_hooks."""
    Scale = _saving_function(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0])
    out = Scale.apply(w, x)
    with lib.no_grad():
        w.mul_(2)
    story = [_error(lambda: out.grad_fn.saved_tensors)]
    packed = []
    with lib.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t.tolist()) or t * 1, lambda t: t + 1):
        out = Scale.apply(x, w)
    story += [packed, [s.tolist() for s in out.grad_fn.saved_tensors[:2]]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story.append([s.tolist() for s in out.grad_fn.saved_variables[:1]])
    story.append([w.category.__name__ for w in caught])
    return story


def test_saved_tensors_after_an_inplace_change_and_through_hooks():
    torch = _torch()
    assert _changed_story(ag) == _changed_story(torch)


def test_saved_tensors_in_a_create_graph_backward():
    torch = _torch()

    def story(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 3 * g * x ** 2

        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x)
        return g.tolist(), gg.tolist(), lib.is_grad_enabled()
    assert story(ag) == story(torch)


def test_builtin_nodes_saved_fields_are_tensors_without_bookkeeping_names():
    torch = _torch()

    def story(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0], requires_grad=True)
        node = (x * y).grad_fn
        fields = sorted(a for a in dir(node) if a.startswith("_saved_"))
        return fields, [type(getattr(node, f)).__name__ for f in fields], node._saved_self is x
    assert story(ag) == story(torch)
