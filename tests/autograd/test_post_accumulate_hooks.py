"""Tensor.register_post_accumulate_grad_hook and Tensor.retains_grad against PyTorch: when the hooks run (after
.grad is updated, by backward only, not by autograd.grad), what they see, removal, and the refusals."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def _run(lib):
    a = lib.ones(2, requires_grad=True)
    seen = []
    handle = a.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone().numpy().tolist()))
    (a * 3).sum().backward()
    (a * a).sum().backward()
    lib.autograd.grad((a * 2).sum(), a)          # grad() does not accumulate: no call
    handle.remove()
    (a * 3).sum().backward()
    b = a * 2
    flags = [a.retains_grad, b.retains_grad]
    b.retain_grad()
    b.retain_grad()
    flags.append(b.retains_grad)
    b.sum().backward()
    return seen, flags, b.grad.numpy().tolist()


def test_post_accumulate_hooks_and_retains_grad_match_torch():
    torch = require_torch()
    assert _run(ag) == _run(torch)


def test_post_accumulate_hook_sees_hooked_gradient_and_refusals():
    a = ag.ones(3, requires_grad=True)
    a.register_hook(lambda g: g * 10)
    totals = []
    a.register_post_accumulate_grad_hook(lambda t: totals.append(float(t.grad.sum())))
    a.sum().backward()
    assert totals == [30.0]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (a * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        ag.ones(2).register_post_accumulate_grad_hook(lambda t: None)


def test_step_in_backward_pattern():
    """PyTorch's optimizer-in-backward recipe: each parameter stepped by its own hook as its gradient lands."""
    w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)

    def step(p):
        with ag.no_grad():
            p.sub_(0.1 * p.grad)
        p.grad = None
    w.register_post_accumulate_grad_hook(step)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.detach().numpy(), [0.8, -1.6])
    assert w.grad is None


def test_a_leaf_hook_sees_the_summed_gradient_once():
    """A leaf used twice: its hook runs once, on the sum (a clamping hook gives PyTorch's .grad, not the sum of
    two clamped parts)."""
    torch = require_torch()
    results = []
    for lib in (ag, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        calls = []
        w.register_hook(lambda g: (calls.append(1), g.clamp(-1, 1))[1])
        (w * 3 + w * w).sum().backward()
        results.append((w.grad.numpy().tolist(), len(calls)))
    assert results[0] == results[1] == ([1.0, 1.0], 1)
