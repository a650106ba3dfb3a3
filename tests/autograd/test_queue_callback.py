"""autograd.engine.queue_callback: run a function once when the current backward pass has finished."""
import numpy as np
import pytest

import autograd as ag
from autograd.engine import queue_callback


def test_callback_runs_once_after_every_gradient_is_accumulated():
    w = ag.tensor(np.ones(3, np.float32), requires_grad=True)
    seen = []

    def hook(grad):
        if not seen:
            queue_callback(lambda: seen.append(w.grad.tolist()))
            seen.append("queued")
    w.register_hook(hook)
    ((w * 2).sum() + (w * 3).sum()).backward()  # two gradients reach w; the callback sees their sum
    assert seen == ["queued", [5.0, 5.0, 5.0]]


def test_callbacks_are_dropped_when_backward_fails():
    w = ag.tensor([1.0], requires_grad=True)
    ran = []

    def hook(grad):
        queue_callback(lambda: ran.append(1))
        raise RuntimeError("hook failed")
    w.register_hook(hook)
    with pytest.raises(RuntimeError, match="hook failed"):
        (w * 2).sum().backward()
    (ag.tensor([1.0], requires_grad=True) * 2).sum().backward()
    assert ran == []


def test_an_inner_backward_leaves_the_outer_callbacks_for_the_outer_pass():
    w = ag.tensor([2.0], requires_grad=True)
    order = []

    def hook(grad):
        queue_callback(lambda: order.append("outer"))
        v = ag.tensor([1.0], requires_grad=True)
        (v * 3).sum().backward()
        order.append("inner done")
    w.register_hook(hook)
    (w * 2).sum().backward()
    assert order == ["inner done", "outer"]
