"""BatchNorm2d's device kernels (batch_norm_stats / normalize / backward) against PyTorch on the shapes
the fused paths meet: odd sizes, batch 1, 1 and 3 channels, float32 and float64, training and eval,
running statistics over several steps, and a large mean against a small spread."""
import numpy as np
import pytest

import autograd as ag
import backends
import nn
from tests.helpers import rand, torch

SHAPES = [(1, 1, 3, 5), (1, 3, 7, 1), (2, 3, 5, 7), (5, 1, 1, 3), (3, 16, 9, 11)]
TOLERANCES = {np.float64: 1e-10, np.float32: 2e-5}


def _pair(channels, dtype, device, momentum=0.1):
    theirs = torch.nn.BatchNorm2d(channels, momentum=momentum).double()
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-0.5, 0.5)
    ours = nn.BatchNorm2d(channels, momentum=momentum).to(dtype)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours.to(device), theirs


def _step(ours, theirs, x, device, tol, seed):
    """One forward + backward of both layers on x; compares output, input and parameter gradients."""
    ours.zero_grad()
    theirs.zero_grad()
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    scale = float(np.abs(yt.detach().numpy()).max()) or 1.0
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=tol, atol=tol * scale)
    cot = rand(x.shape, seed=seed)
    yo.backward(ag.tensor(cot.astype(x.dtype), device=device))
    yt.backward(torch.tensor(cot))
    for name, o, t in (("input", xo.grad, xt.grad), ("weight", ours.weight.grad, theirs.weight.grad),
                       ("bias", ours.bias.grad, theirs.bias.grad)):
        t = t.numpy()
        np.testing.assert_allclose(o.numpy(), t, rtol=tol, atol=tol * max(1.0, float(np.abs(t).max())),
                                   err_msg=name)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm2d_training_steps_and_eval_match_torch(device, shape, dtype):
    tol = TOLERANCES[dtype]
    ours, theirs = _pair(shape[1], dtype, device, momentum=0.3)
    for step in range(3):
        _step(ours, theirs, rand(shape, dtype, low=-2, high=3, seed=step), device, tol, seed=step)
        for name in ("running_mean", "running_var"):
            np.testing.assert_allclose(getattr(ours, name).numpy(), getattr(theirs, name).numpy(), rtol=tol,
                                       atol=tol, err_msg=name)
    ours.eval(), theirs.eval()
    _step(ours, theirs, rand(shape, dtype, seed=9), device, tol, seed=9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm2d_large_mean_small_spread_keeps_precision(device, dtype):
    # a mean 1000 times the spread: a one-pass E[x^2] - E[x]^2 in float32 would lose the variance
    x = (1000.0 + rand((4, 3, 6, 5), np.float64, seed=1)).astype(dtype)
    ours, theirs = _pair(3, dtype, device)
    _step(ours, theirs, x, device, {np.float64: 1e-7, np.float32: 2e-3}[dtype], seed=1)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numba_batch_norm_kernels_match_numpy_kernels(dtype):
    if "numba" not in backends.available():
        pytest.skip("numba is not installed")
    cpu, fast = backends.get_backend("cpu"), backends.get_backend("numba")
    x = (3 + rand((3, 5, 17), dtype, seed=1)).astype(dtype)
    gy = rand(x.shape, dtype, seed=2)
    tol = TOLERANCES[dtype]
    for a, b in zip(cpu.batch_norm_stats(x), fast.batch_norm_stats(x)):
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    mean, scale, shift = (rand((5,), dtype, seed=s) for s in (3, 4, 5))
    for sh in (shift, None):
        np.testing.assert_allclose(cpu.batch_norm_normalize(x, mean, scale, sh),
                                   fast.batch_norm_normalize(x, mean, scale, sh), rtol=tol, atol=tol)
    invstd = (1 + rand((5,), dtype, low=0, seed=6)).astype(dtype)
    for training in (True, False):
        ours = fast.batch_norm_backward(gy, x, mean, scale, invstd, training, True)
        for a, b in zip(cpu.batch_norm_backward(gy, x, mean, scale, invstd, training, True), ours):
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol * 10)
        assert ours[0].dtype == dtype
    assert fast.batch_norm_backward(gy, x, mean, scale, invstd, True, False)[0] is None
