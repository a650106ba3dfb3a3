"""Regressions for the differences from PyTorch that round 17 found in its programs
(tests/test_pytorch_programs_round17.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


@pytest.mark.parametrize("call", [
    "lib.tensor([1, 2, 3], dtype=lib.uint8).sub(1, alpha=2)", "lib.add(lib.tensor([1, 2, 3], dtype=lib.uint8), 100, "
    "alpha=2)", "lib.tensor([5, 6], dtype=lib.int8).add(100, alpha=3)", "lib.tensor([1., 2.]).add(0.25, alpha=3)",
    "lib.tensor([1., 2.], dtype=lib.float64).sub(0.1, alpha=-3)", "lib.tensor([True]).add(1, alpha=3)",
    "lib.tensor([True]).add(True, alpha=3)", "lib.tensor([1, 2], dtype=lib.int16).add(1.5, alpha=2)",
    "lib.tensor([1., 2.], dtype=lib.float16).add(0.1, alpha=3)", "lib.tensor([4, 5]).add_(2, alpha=-3)",
])
def test_add_and_sub_take_a_number_with_alpha(call):
    """x.sub(1, alpha=2) and torch.add(x, 100, alpha=2) add alpha times the number in x's dtype (uint8 wraps); deepgrad
    raised 'mul: input must be a Tensor, got int' whenever `other` was a Python number and alpha was not 1."""
    torch = require_torch()
    ours, theirs = eval(call, {"lib": ag}), eval(call, {"lib": torch})
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [
    "lib.tensor([1, 2], dtype=lib.uint8).add(1, alpha=2.5)", "lib.tensor([1, 2]).sub(lib.tensor([1, 1]), alpha=0.5)",
    "lib.tensor([1., 2.]).add(2, alpha=1 + 1j)",
])
def test_add_and_sub_refuse_an_alpha_the_dtype_cannot_hold(call):
    """A float alpha on integer tensors and a complex alpha on real ones raise RuntimeError, as in PyTorch (deepgrad
    returned a float tensor, or failed with a TypeError about mul)."""
    torch = require_torch()
    with pytest.raises(RuntimeError):
        eval(call, {"lib": torch})
    with pytest.raises(RuntimeError, match="alpha"):
        eval(call, {"lib": ag})


def _two_output_module(lib):
    class Two(lib.nn.Module):
        def forward(self, a, b):
            return a * b, a + b
    return Two()


def test_full_backward_hooks_see_none_for_an_output_without_gradient():
    """A module returning (a * b, a + b) whose second output is unused: its backward pre-hook and backward hook get
    None for that grad_output, as PyTorch's (deepgrad passed zeros); grad_input still shows zeros for a tensor input
    that needs no gradient."""
    torch = require_torch()
    import nn
    seen = {}
    for lib, name in ((torch, "torch"), (_Lib(ag, nn), "ours")):
        log = seen[name] = []
        m = _two_output_module(lib)
        show = lambda grads: [None if g is None else g.tolist() for g in grads]   # noqa: E731
        m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", show(go))))
        m.register_full_backward_hook(lambda mod, gi, go: log.append((show(gi), show(go))))
        a = lib.tensor([1., 2.], requires_grad=True)
        product, _ = m(a, lib.tensor([3., 4.]))
        (product * 2).sum().backward()
        log.append(a.grad.tolist())
    assert seen["ours"] == seen["torch"]


class _Lib:
    """autograd with nn as its .nn attribute, so one function builds the same module for both libraries."""

    def __init__(self, autograd, nn):
        self._ag, self.nn = autograd, nn

    def __getattr__(self, name):
        return getattr(self._ag, name)


def test_a_tensor_hook_on_an_output_without_gradient_is_called_with_none():
    """x.split(2) gives two outputs of one node; when only the first reaches the loss, a hook on the second is
    called with None (PyTorch's engine runs the node's hooks for every output), and a hook that returns a gradient
    there raises PyTorch's RuntimeError; deepgrad skipped the hook, and retain_grad still leaves .grad as None."""
    torch = require_torch()
    seen = {}
    for lib in (torch, ag):
        log = seen[lib.__name__] = []
        x = lib.arange(4., requires_grad=True)
        first, second = (x * 1).split(2)
        second.register_hook(lambda g: log.append(None if g is None else g.tolist()))
        second.retain_grad()
        first.sum().backward()
        log.append((second.grad, x.grad.tolist()))
        first, second = (x * 1).split(2)
        second.register_hook(lambda g: lib.ones(2))
        with pytest.raises(RuntimeError, match="None gradient"):
            first.sum().backward()
    assert seen["autograd"] == seen["torch"]


@pytest.mark.parametrize("assign", ["y[1:].mul_(3)", "y[0] = 5", "y[:, None][1] = 7"])
def test_copy_slices_node_is_named_as_pytorchs(assign):
    """After an in-place change through a view, grad_fn.name() is 'torch::autograd::CopySlices' (PyTorch's C++
    node name) while the node and the tensor print as CopySlices; deepgrad's name() gave 'CopySlices'."""
    torch = require_torch()
    shown = []
    for lib in (torch, ag):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        y = x * 2
        exec(assign, {"y": y})
        node = y.grad_fn
        shown.append((node.name(), type(node).__name__, repr(node).split(" object")[0], repr(y)))
    assert shown[1] == shown[0]
