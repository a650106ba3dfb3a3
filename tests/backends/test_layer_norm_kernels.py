"""Every host device's layer_norm kernels (the numba device's compiled rows) agree with the array
kernels' reference, forward and backward, for odd widths, one row, missing weight or bias, float32 and
float64; nn.LayerNorm over several dims matches PyTorch on them."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from backends import get_backend
from backends.array_kernels import layer_norm as reference
from tests.helpers import check_against_torch, torch

SHAPES = [(1, 1), (1, 7), (3, 5), (7, 256), (64, 1000)]
TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-11, atol=1e-11)}


def _host(device):
    if device.startswith("cuda"):
        pytest.skip("host kernels only")
    return get_backend(device)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("affine", [(True, True), (True, False), (False, True), (False, False)])
def test_layer_norm_kernels_match_the_reference(device, shape, dtype, affine):
    backend = _host(device)
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 3 + 1.5).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    weight = rng.uniform(0.5, 1.5, shape[1]).astype(dtype) if affine[0] else None
    bias = rng.uniform(-1, 1, shape[1]).astype(dtype) if affine[1] else None
    y, mean, invstd = backend.layer_norm(x, weight, bias, 1e-5)
    y_ref, mean_ref, invstd_ref = reference.forward(np, x, weight, bias, 1e-5)
    assert y.dtype == dtype and y.shape == shape
    np.testing.assert_allclose(y, y_ref, **TOLERANCE[dtype])
    np.testing.assert_allclose(mean, mean_ref, **TOLERANCE[dtype])
    np.testing.assert_allclose(invstd, invstd_ref, **TOLERANCE[dtype])
    grads = backend.layer_norm_backward(gy, x, mean, invstd, weight, True, affine[0], affine[1])
    expected = reference.backward(np, gy, x, mean_ref, invstd_ref, weight, True, affine[0], affine[1])
    for got, want in zip(grads, expected):
        assert (got is None) == (want is None)
        if got is not None:
            assert got.dtype == dtype
            np.testing.assert_allclose(got, want, **TOLERANCE[dtype])


def test_layer_norm_over_two_dims_matches_torch(device):
    x = np.random.default_rng(1).standard_normal((6, 9, 10, 12)).astype(np.float32) * 4 - 2
    ours = nn.LayerNorm((10, 12)).to(device)
    theirs = torch.nn.LayerNorm((10, 12))
    with torch.no_grad():
        theirs.weight.copy_(torch.linspace(0.5, 1.5, 120).reshape(10, 12))
        theirs.bias.copy_(torch.linspace(-1, 1, 120).reshape(10, 12))
    ours.weight.data = ag.tensor(theirs.weight.detach().numpy(), device=device)
    ours.bias.data = ag.tensor(theirs.bias.detach().numpy(), device=device)
    check_against_torch(ours, theirs, [x], device=device, atol=2e-5)
    t = ag.tensor(x, device=device, requires_grad=True)
    ours(t).square().sum().backward()
    tt = torch.tensor(x, requires_grad=True)
    theirs(tt).square().sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("shape", [(1, 5), (7, 3), (300, 1000), (5000, 64)])
def test_cpu_blocks_give_the_same_bits_on_any_thread_count(monkeypatch, shape):
    """The cpu device's blocks of rows, split over 1 or 3 threads (every size split, no measured
    fallback), give the same bits: rows are computed alike and the parameter sums go block by block."""
    from backends import workers
    from backends.numpy_kernels import layer_norm as blocked
    monkeypatch.setattr(blocked, "MIN_SPLIT_ELEMENTS", 0)
    monkeypatch.setattr(blocked, "BLOCK_ELEMENTS", 4096)
    monkeypatch.setattr(workers, "run_measured", lambda name, task, total, work, count: workers.run(task, total, count))
    rng = np.random.default_rng(shape[0])
    x = rng.standard_normal(shape).astype(np.float32)
    gy = rng.standard_normal(shape).astype(np.float32)
    weight, bias = rng.uniform(0.5, 1.5, shape[1]).astype(np.float32), rng.standard_normal(shape[1]).astype(np.float32)
    before = ag.get_num_threads()
    results = []
    try:
        for count in (1, 3):
            ag.set_num_threads(count)
            y, mean, invstd = blocked.forward(x, weight, bias, 1e-5)
            results.append((y, mean, invstd) + blocked.backward(gy, x, mean, invstd, weight, True, True, True))
    finally:
        ag.set_num_threads(before)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    reference_grads = reference.backward(np, gy, x, results[0][1], results[0][2], weight, True, True, True)
    for got, want in zip(results[0][3:], reference_grads):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-4)


@pytest.mark.parametrize("shape,normalized", [((2, 0), (0,)), ((0, 3), (3,)), ((2, 0, 4), (4,)), ((3, 2, 0), (2, 0))])
def test_layer_norm_on_empty_shapes_matches_torch(device, shape, normalized):
    """No rows, or rows of no elements: empty outputs and gradients of PyTorch's shapes, zero parameter
    gradients."""
    ours = nn.LayerNorm(normalized).to(device)
    theirs = torch.nn.LayerNorm(normalized)
    x = ag.tensor(np.zeros(shape, np.float32), device=device, requires_grad=True)
    tx = torch.zeros(shape, requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = ours(x)
        y.sum().backward()
    ty = theirs(tx)
    ty.sum().backward()
    assert y.shape == tuple(ty.shape) and x.grad.shape == tuple(tx.grad.shape)
    np.testing.assert_array_equal(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
    np.testing.assert_array_equal(ours.bias.grad.numpy(), theirs.bias.grad.numpy())
