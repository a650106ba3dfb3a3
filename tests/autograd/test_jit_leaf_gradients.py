"""ag.jit and the .grad of leaves that are not parameters: a leaf the step makes gets a fresh .grad on every replay
(as each eager call's new tensor does), a step whose backward reaches a tensor passed to it stays eager (each call's
own tensor gets its .grad), and parameters keep accumulating across calls as in eager mode."""
import numpy as np
import pytest

import autograd as ag

X = np.array([-1.0, 2.0, 0.5, 3.0], np.float32)


def _host_only(device):
    if not ag.device(device).host_memory:
        pytest.skip("replay checks run on the host devices")


def test_a_leaf_made_in_the_step_starts_each_replay_empty(device):
    _host_only(device)
    w = ag.tensor([1.0, -2.0, 3.0, 0.5], device=device)

    def step(x):
        x = x.detach().requires_grad_()
        ((x * x) * w).sum().backward()
        ((x * 2.0) * w).sum().backward()   # a second backward adds to the first, as in eager mode
        return x.grad.clone()

    compiled = ag.jit(step)
    for k in range(5):
        x = ag.tensor(X * (k + 1), device=device)
        np.testing.assert_allclose(compiled(x).numpy(), step(x).numpy(), rtol=1e-6)
    assert compiled.replays == 3


def test_a_step_differentiating_its_argument_stays_eager_and_fills_each_arguments_grad(device):
    _host_only(device)
    w = ag.tensor([1.0, -2.0, 3.0, 0.5], device=device)

    @ag.jit
    def step(x):
        (x.tanh() * w).sum().backward()
        return x.grad.clone()

    for k in range(4):
        x = ag.tensor(X * (k + 1), device=device, requires_grad=True)
        out = step(x)
        expected = (1 - np.tanh(X * (k + 1)) ** 2) * np.array([1.0, -2.0, 3.0, 0.5], np.float32)
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)
    assert step.replays == 0 and step.captures == 0


def test_parameters_still_accumulate_across_replays(device):
    _host_only(device)
    p = ag.tensor([0.5, -1.0, 2.0, 1.0], device=device, requires_grad=True)

    @ag.jit
    def step(x):
        (p * x).sum().backward()

    for k in range(4):
        step(ag.tensor(X, device=device))
    np.testing.assert_allclose(p.grad.numpy(), 4 * X, rtol=1e-6)
    assert step.replays == 2
