"""Adaptive max pooling (1-D, 2-D, with indices) and adaptive average pooling 1-D against torch, including
sizes that do not divide the input (PyTorch's overlapping windows)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

CASES_2D = [((2, 3, 7, 10), (3, 4)), ((1, 2, 8, 8), 4), ((2, 2, 5, 6), (5, 6)), ((3, 5, 9), (2, None)),
            ((1, 1, 3, 4), (7, 9)), ((2, 3, 6, 5), 1), ((2, 1, 11, 13), (None, 5))]
CASES_1D = [((2, 3, 10), 4), ((2, 3, 9), 3), ((3, 7), 5), ((1, 2, 4), 6), ((2, 2, 5), 1)]


def _tol(dtype):
    return 1e-12 if dtype == np.float64 else 1e-6   # overlapping windows sum gradients in another order


def _x(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape,size", CASES_2D)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_max_pool2d_against_torch(device, shape, size, dtype):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda x: F.adaptive_max_pool2d(x, size, return_indices=True),
                        lambda x: torch.nn.functional.adaptive_max_pool2d(x, size, return_indices=True),
                        [_x(shape, dtype)], device=device, atol=_tol(dtype), rtol=_tol(dtype))
    ours, idx = F.adaptive_max_pool2d(ag.tensor(_x(shape, dtype), device=device), size, True)
    _, tidx = torch.nn.functional.adaptive_max_pool2d(torch.tensor(_x(shape, dtype)), size, True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    assert idx.dtype == np.int64 and not idx.requires_grad


@pytest.mark.parametrize("shape,size", CASES_1D)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_max_pool1d_against_torch(device, shape, size, dtype):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda x: F.adaptive_max_pool1d(x, size, True),
                        lambda x: torch.nn.functional.adaptive_max_pool1d(x, size, True),
                        [_x(shape, dtype)], device=device, atol=_tol(dtype), rtol=_tol(dtype))


@pytest.mark.parametrize("shape,size", CASES_1D)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_avg_pool1d_against_torch(device, shape, size, dtype):
    torch = pytest.importorskip("torch")
    tol = 1e-12 if dtype == np.float64 else 1e-6
    check_against_torch(lambda x: F.adaptive_avg_pool1d(x, size),
                        lambda x: torch.nn.functional.adaptive_avg_pool1d(x, size),
                        [_x(shape, dtype)], device=device, atol=tol, rtol=tol)


def test_ties_pick_the_first_maximum_as_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 1, 5, 7))
    x[0, 0, 1:3, 2:6] = 1.0
    ours = F.adaptive_max_pool2d(ag.tensor(x), (2, 3), True)[1].numpy()
    np.testing.assert_array_equal(ours, torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), (2, 3), True)[1])


@pytest.mark.parametrize("fn,shape", [(lambda x: F.adaptive_max_pool2d(x, (2, 4)), (1, 2, 5, 6)),
                                      (lambda x: F.adaptive_max_pool1d(x, 4), (2, 5, 6)),
                                      (lambda x: F.adaptive_avg_pool1d(x, 4), (2, 5, 6))])
def test_gradcheck(device, fn, shape):
    x = np.random.default_rng(1).permutation(60).reshape(shape) / 7.0   # distinct values: no ties
    check_gradcheck(fn, [x], device=device)


@pytest.mark.parametrize("name,args,ours_kwargs", [
    ("AdaptiveMaxPool2d", ((3, None),), {"return_indices": True}), ("AdaptiveMaxPool2d", (4,), {}),
    ("AdaptiveMaxPool1d", (3,), {"return_indices": True}), ("AdaptiveAvgPool1d", (4,), {})])
def test_modules_against_torch(name, args, ours_kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **ours_kwargs), getattr(torch.nn, name)(*args, **ours_kwargs)
    assert repr(ours) == repr(theirs)
    shape = (2, 3, 9, 7) if name.endswith("2d") else (2, 3, 10)
    check_against_torch(ours, theirs, [_x(shape, np.float64)], atol=1e-12, rtol=1e-12)


def test_module_in_a_model_state_dict_is_empty():
    model = nn.Sequential(nn.Conv1d(2, 4, 3), nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(4, 1))
    assert model(ag.randn(3, 2, 11)).shape == (3, 1)


@pytest.mark.parametrize("call,match", [
    (lambda: F.adaptive_max_pool2d(ag.randn(2, 3, 4), (2, 2, 2)), "adaptive_max_pool2d: output_size must be"),
    (lambda: F.adaptive_max_pool2d(ag.randn(4, 4), 2), "adaptive_max_pool2d: expects an input"),
    (lambda: F.adaptive_max_pool1d(ag.randn(2, 3, 4, 5), 2), "adaptive_max_pool1d: expects an input"),
    (lambda: F.adaptive_avg_pool1d(ag.randn(2, 3, 4), 0), "adaptive_avg_pool1d: output_size must hold positive"),
    (lambda: F.adaptive_max_pool1d(ag.randn(2, 3, 0), 2), "adaptive_max_pool1d: the input's spatial size is empty"),
    (lambda: F.adaptive_max_pool1d([1.0, 2.0], 2), "adaptive_max_pool1d"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@pytest.mark.parametrize("shape,size", [((2, 3, 8, 8), 1), ((2, 3, 8, 6), (4, 3)), ((2, 3, 9, 9), 3),
                                        ((1, 2, 7, 5), (3, 2))])
def test_adaptive_max_pool2d_ties_and_nans_pick_torchs_values_and_indices(device, shape, size):
    """Windows that tile the input go through the device's max pooling, the others through gathers:
    both pick PyTorch's value and index among ties and NaNs."""
    import torch
    x = np.random.default_rng(1).integers(-2, 3, shape).astype(np.float32)
    x[0, 0, 0, :2] = np.nan
    y, index = F.adaptive_max_pool2d(ag.tensor(x, device=device), size, return_indices=True)
    ty, tindex = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), size, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(index.numpy(), tindex.numpy())
