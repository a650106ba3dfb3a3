"""Regressions for what real research code (rtqichen's torchdiffeq) found when run with only its imports, data and
step counts changed. Each test runs the idiom under PyTorch and under deepgrad and compares them; the PyTorch side
skips cleanly when torch is absent."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def _scratch_rk_grads(lib):
    """torchdiffeq's Runge-Kutta step: a custom Function writes each stage into a scratch tensor through
    `scratch.data[index] = value` ("sneak past the version checker") while earlier stages' products saved it."""
    class UncheckedAssign(lib.autograd.Function):
        @staticmethod
        def forward(ctx, scratch, value, index):
            ctx.index = index
            scratch.data[index] = value
            return scratch

        @staticmethod
        def backward(ctx, grad_scratch):
            return grad_scratch, grad_scratch[ctx.index], None

    y0 = lib.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([[0.3, -0.7], [1.1, 0.2]], dtype=lib.float64, requires_grad=True)
    k = lib.empty(2, 2, 3, dtype=lib.float64)
    k = UncheckedAssign.apply(k, y0 @ w, (..., 0))
    for i in range(2):
        yi = y0 + lib.sum(k[..., :i + 1] * 0.25, dim=-1)
        k = UncheckedAssign.apply(k, lib.tanh(yi) @ w, (..., i + 1))
    loss = (k * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum()
    loss.backward()
    return loss.item(), y0.grad.numpy().copy(), w.grad.numpy().copy()


def test_writes_through_data_escape_the_saved_tensor_check_as_pytorch():
    """A `.data` alias has a version counter of its own in PyTorch, so in-place writes through it are not seen
    by backward's saved-tensor check. deepgrad recorded them against the shared memory and refused backward
    ("modified by an inplace operation"): every torchdiffeq fixed-grid and adaptive solver died on its first
    training step. The results now equal PyTorch's."""
    torch = require_torch()
    mine, theirs = _scratch_rk_grads(ag), _scratch_rk_grads(torch)
    assert mine[0] == pytest.approx(theirs[0], rel=1e-13)
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(mine[2], theirs[2], rtol=1e-12)


def _versions(lib):
    k = lib.zeros(3)
    w = lib.ones(3, requires_grad=True)
    z = w * k                          # saves k
    d = k.data
    d[0] = 5.0
    d.mul_(2.0)
    v = d[1:]                          # a view of the alias counts with the alias, and escapes the check too
    v.add_(1.0)
    z.sum().backward()
    out = [k._version, d._version, v._version, w.grad.tolist()]
    k.detach()[1] = 7.0                # a .detach() alias shares k's counter: seen by the check
    z2 = w * k
    k.detach().add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z2.sum().backward()
    return out + [k._version]


def test_data_alias_versions_and_detach_still_checked_as_pytorch():
    """The alias's own counter ticks (and its views'), the original's does not; a `.detach()` alias still shares
    the original's counter and a write through it still refuses backward, as PyTorch."""
    torch = require_torch()
    assert _versions(ag) == _versions(torch)
