"""Pooling: max/avg pooling in 1-D and 2-D and adaptive average pooling against PyTorch; gradcheck; layers."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand, torch

TF = torch.nn.functional

MAX2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
         dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1)), dict(kernel_size=3, stride=2, ceil_mode=True)]
AVG2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), count_include_pad=False)]
POOL1D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=4, stride=1)]


@pytest.mark.parametrize("kwargs", MAX2D)
def test_max_pool2d_matches_torch(device, kwargs):
    x = rand((2, 3, 7, 8), seed=1)
    check_against_torch(lambda x: F.max_pool2d(x, **kwargs), lambda x: TF.max_pool2d(x, **kwargs), [x], device=device)
    check_against_torch(lambda x: F.max_pool2d(x[0], **kwargs), lambda x: TF.max_pool2d(x[0], **kwargs), [x],
                        device=device)
    y, idx = F.max_pool2d(ag.tensor(x, device=device), return_indices=True, **kwargs)
    np.testing.assert_array_equal(idx.numpy(), TF.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)[1])


@pytest.mark.parametrize("kwargs", MAX2D + [dict(kernel_size=3, stride=1, padding=1, dilation=2)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_max_pool2d_special_windows_match_torch(device, kwargs, dtype):
    """Ties, NaNs (one or several in a window), -inf windows next to padding and integer inputs pick
    PyTorch's value and index."""
    rng = np.random.default_rng(7)
    x = rng.integers(-2, 3, (2, 3, 7, 8)).astype(dtype)
    if dtype != "int64":
        x[0, 0, :3, :3] = -np.inf
        x[0, 1, 1, 1:4] = np.nan
        x[1, 2, 4:6, 5] = np.nan
    y, idx = F.max_pool2d(ag.tensor(x, device=device), return_indices=True, **kwargs)
    ty, tidx = TF.max_pool2d(torch.tensor(x.astype("float64")), return_indices=True, **kwargs)
    np.testing.assert_array_equal(y.numpy().astype("float64"), ty.numpy())
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


@pytest.mark.parametrize("kwargs", AVG2D)
def test_avg_pool2d_matches_torch(device, kwargs):
    x = rand((2, 3, 7, 8), seed=1)
    check_against_torch(lambda x: F.avg_pool2d(x, **kwargs), lambda x: TF.avg_pool2d(x, **kwargs), [x], device=device,
                        atol=1e-12)


@pytest.mark.parametrize("kwargs", POOL1D)
def test_pool1d_matches_torch(device, kwargs):
    x = rand((2, 3, 11), seed=1)
    for ours, theirs in ((F.max_pool1d, TF.max_pool1d), (F.avg_pool1d, TF.avg_pool1d)):
        check_against_torch(lambda x: ours(x, **kwargs), lambda x: theirs(x, **kwargs), [x], device=device)
        check_against_torch(lambda x: ours(x[1], **kwargs), lambda x: theirs(x[1], **kwargs), [x], device=device)


@pytest.mark.parametrize("size", [1, (3, 4), (4, 8), (5, 3), (7, None), (10, 11)])
def test_adaptive_avg_pool2d_matches_torch(device, size):
    x = rand((2, 3, 8, 8), seed=1)   # (4, 8) and 1 take the equal-windows path, the others uneven windows
    check_against_torch(lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), [x],
                        device=device, atol=1e-12)
    check_against_torch(lambda x: F.adaptive_avg_pool2d(x[0], size),
                        lambda x: TF.adaptive_avg_pool2d(x[0], size), [x], device=device, atol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=(7, 8)), dict(kernel_size=(7, 8), stride=(3, 5), ceil_mode=True),
                                    dict(kernel_size=(7, 8), stride=1, count_include_pad=False)])
def test_whole_plane_avg_pool2d_matches_torch(device, kwargs):
    """A window covering the whole plane (global pooling, its own fast path) for any stride."""
    x = rand((2, 3, 7, 8), seed=2)
    check_against_torch(lambda x: F.avg_pool2d(x, **kwargs), lambda x: TF.avg_pool2d(x, **kwargs), [x], device=device,
                        atol=1e-12)
    check_gradcheck(lambda x: F.avg_pool2d(x, **kwargs), [x], device=device)


def test_global_average_pooling_float32_and_empty_batch(device):
    x = rand((4, 5, 28, 28), np.float32, seed=3)
    check_against_torch(lambda x: F.adaptive_avg_pool2d(x, 1), lambda x: TF.adaptive_avg_pool2d(x, 1), [x],
                        device=device, atol=1e-6)
    empty = ag.tensor(np.zeros((0, 3, 5, 5), np.float32), device=device, requires_grad=True)
    y = F.adaptive_avg_pool2d(empty, 1)
    y.sum().backward()
    assert y.shape == (0, 3, 1, 1) and empty.grad.shape == (0, 3, 5, 5)


def test_pooling_float32(device):
    x = rand((2, 3, 9, 9), np.float32, seed=1)
    check_against_torch(lambda x: F.max_pool2d(x, 3, 2, 1), lambda x: TF.max_pool2d(x, 3, 2, 1), [x], device=device)
    check_against_torch(lambda x: F.avg_pool2d(x, 3, 2, 1), lambda x: TF.avg_pool2d(x, 3, 2, 1), [x], device=device,
                        atol=1e-6)
    check_against_torch(lambda x: F.adaptive_avg_pool2d(x, 4), lambda x: TF.adaptive_avg_pool2d(x, 4), [x],
                        device=device, atol=1e-6)


POOL_CONFIGS = ([(F.max_pool2d, kw) for kw in MAX2D] + [(F.avg_pool2d, kw) for kw in AVG2D]
                + [(f, kw) for f in (F.max_pool1d, F.avg_pool1d) for kw in POOL1D])


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("pool,kwargs", POOL_CONFIGS, ids=[f"{f.__name__}-{kw}" for f, kw in POOL_CONFIGS])
def test_every_pooling_configuration_gradcheck(device, pool, kwargs, batched):
    shape = (1, 2, 7, 8) if pool.__name__.endswith("2d") else (2, 2, 11)
    check_gradcheck(lambda x: pool(x if batched else x[0], **kwargs), [rand(shape, seed=4)], device=device)


@pytest.mark.parametrize("size", [1, (3, 4), (4, 8), (5, 3), (7, None), (10, 11)])
def test_adaptive_avg_pool2d_gradcheck(device, size):
    check_gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), [rand((2, 8, 8), seed=5)], device=device)


def test_pooling_gradcheck(device):
    x = rand((1, 2, 5, 5), seed=3)
    check_gradcheck(lambda x: F.max_pool2d(x, 2, 1, ceil_mode=True), [x], device=device)
    check_gradcheck(lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [x], device=device)
    check_gradcheck(lambda x: F.adaptive_avg_pool2d(x, (3, 2)), [x], device=device)
    check_gradcheck(lambda x: F.avg_pool1d(x[0], 2, 1, 1), [x], device=device)


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.MaxPool2d(3, 2, 1), (2, 3, 8, 7)),
    (lambda m: m.MaxPool2d((2, 3), ceil_mode=True), (2, 3, 8, 7)),
    (lambda m: m.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 8, 7)),
    (lambda m: m.AdaptiveAvgPool2d((3, 5)), (2, 3, 8, 7)),
    (lambda m: m.MaxPool1d(3, 2, 1), (2, 3, 9)),
    (lambda m: m.AvgPool1d(2, ceil_mode=True), (2, 3, 9)),
])
def test_pooling_layers_match_torch(device, make, shape):
    ours, theirs = make(nn), make(torch.nn)
    check_against_torch(ours, theirs, [rand(shape, seed=2)], device=device, atol=1e-12)


def test_pooling_errors(device):
    x = ag.zeros((1, 2, 4, 4), device=device)
    with pytest.raises(ValueError, match="max_pool2d: expects an input"):
        F.max_pool2d(ag.zeros((4, 4), device=device), 2)
    with pytest.raises(ValueError, match="kernel_size"):
        F.avg_pool2d(x, (2, 2, 2))
    with pytest.raises(ValueError, match="padding"):
        F.max_pool2d(x, 2, padding=2)
