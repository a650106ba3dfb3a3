"""F.fractional_max_pool2d/3d and nn.FractionalMaxPool2d/3d against PyTorch with the same _random_samples:
values, indices (exactly), gradients, batched and unbatched inputs, NaN and tied windows, samples drawn from
our generator, float64 gradcheck, and the errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_against_torch, check_gradcheck, rand, torch
from ..jit_replay import assert_replays_equal_eager
from .torch_layer_check import check_layer

# (shape, keyword arguments, dtype): windows that overlap (kernel > step), just fit, or are single or none
CASES_2D = [
    ((2, 3, 11, 13), dict(kernel_size=3, output_size=(5, 6)), np.float32),
    ((2, 3, 11, 13), dict(kernel_size=2, output_ratio=(0.5, 0.7)), np.float64),
    ((3, 11, 13), dict(kernel_size=(2, 3), output_size=(7, 4)), np.float32),
    ((1, 2, 9, 9), dict(kernel_size=2, output_size=8), np.float64),
    ((1, 2, 9, 9), dict(kernel_size=(9, 2), output_size=(1, 3)), np.float32),
    ((2, 2, 9, 9), dict(kernel_size=2, output_size=(0, 3)), np.float32),
]
CASES_3D = [
    ((2, 2, 7, 8, 9), dict(kernel_size=2, output_size=(4, 5, 6)), np.float32),
    ((2, 7, 8, 9), dict(kernel_size=(1, 2, 3), output_ratio=0.5), np.float64),
    ((1, 1, 5, 6, 7), dict(kernel_size=(3, 2, 2), output_size=(2, 4, 1)), np.float32),
]


def _samples(shape, spatial, dtype, seed):
    batch = shape[0] if len(shape) == spatial + 2 else 1
    return np.random.default_rng(seed).random((batch, shape[-spatial - 1], spatial)).astype(dtype)


def _check(ours, theirs, shape, kwargs, dtype, spatial, device, seed):
    u = _samples(shape, spatial, dtype, seed)
    ours_u, theirs_u = ag.tensor(u, device=device), torch.tensor(u)
    check_against_torch(lambda x: ours(x, return_indices=True, _random_samples=ours_u, **kwargs),
                        lambda x: theirs(x, return_indices=True, _random_samples=theirs_u, **kwargs),
                        [rand(shape, dtype, seed=seed)], device, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("shape,kwargs,dtype", CASES_2D)
def test_fractional_max_pool2d_matches_torch(device, shape, kwargs, dtype):
    _check(F.fractional_max_pool2d, torch.nn.functional.fractional_max_pool2d, shape, kwargs, dtype, 2, device, 1)


@pytest.mark.parametrize("shape,kwargs,dtype", CASES_3D)
def test_fractional_max_pool3d_matches_torch(device, shape, kwargs, dtype):
    _check(F.fractional_max_pool3d, torch.nn.functional.fractional_max_pool3d, shape, kwargs, dtype, 3, device, 2)


def test_window_starts_match_torch_on_many_samples():
    """PyTorch's window formula, rounded in the input's precision, over many sizes and samples (0 and the
    largest float below 1 included)."""
    rng = np.random.default_rng(3)
    for trial in range(40):
        dtype = (np.float32, np.float64)[trial % 2]
        size = int(rng.integers(3, 400))
        kernel = int(rng.integers(1, 4))
        out = int(rng.integers(0, size - kernel + 2))
        u = rng.random((1, 6, 2)).astype(dtype)
        u[0, :2, 1] = (0, np.nextafter(dtype(1), dtype(0)))
        x = rand((1, 6, 2, size), dtype, seed=trial)
        args = dict(kernel_size=(1, kernel), output_size=(2, out), return_indices=True)
        _, ours = F.fractional_max_pool2d(ag.tensor(x), _random_samples=ag.tensor(u), **args)
        _, theirs = torch.nn.functional.fractional_max_pool2d(torch.tensor(x), _random_samples=torch.tensor(u),
                                                              **args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"size {size} kernel {kernel} out {out}")


def test_nan_and_tied_windows_pick_as_torch(device):
    nan, inf = np.nan, np.inf
    x = np.array([[[[1, nan, 3, 3], [nan, 2, 0, 3], [5, 6, 7, 7], [-inf, -inf, 7, 1]]]], np.float32)
    u = np.array([[[0.3, 0.6]]], np.float32)
    ours = F.fractional_max_pool2d(ag.tensor(x, device=device), 2, (3, 3), return_indices=True,
                                   _random_samples=ag.tensor(u, device=device))
    theirs = torch.nn.functional.fractional_max_pool2d(torch.tensor(x), 2, (3, 3), return_indices=True,
                                                       _random_samples=torch.tensor(u))
    np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy())
    np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())


@pytest.mark.parametrize("spatial", [2, 3])
def test_modules_match_torch_and_keep_samples_as_buffer(device, spatial):
    shape = (2, 3, 9, 8) if spatial == 2 else (2, 3, 6, 7, 8)
    ours_cls, theirs_cls = ((nn.FractionalMaxPool2d, torch.nn.FractionalMaxPool2d) if spatial == 2 else
                            (nn.FractionalMaxPool3d, torch.nn.FractionalMaxPool3d))
    u = _samples(shape, spatial, np.float32, 4)
    # the samples travel in the state_dict: ours starts from zeros and loads torch's
    ours = ours_cls(2, output_size=4, _random_samples=ag.zeros(*u.shape))
    theirs = theirs_cls(2, output_size=4, _random_samples=torch.tensor(u))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == ["_random_samples"]
    check_layer(ours, theirs, [rand(shape, np.float32, seed=5)], device, atol=1e-6)
    ratio = ours_cls(3, output_ratio=0.5, return_indices=True)
    assert ratio.output_ratio == theirs_cls(3, output_ratio=0.5).output_ratio and not ratio.state_dict()
    y, index = ratio(ag.randn(*shape, device=device))
    assert y.shape == index.shape == shape[:2] + tuple(s // 2 for s in shape[2:])


def test_samples_come_from_our_generator(device):
    x = ag.randn(2, 3, 9, 9, device=device)
    ag.manual_seed(7)
    drawn, index = F.fractional_max_pool2d(x, 2, output_size=5, return_indices=True)
    ag.manual_seed(7)
    u = ag.rand(2, 3, 2, device=device)
    given = F.fractional_max_pool2d(x, 2, output_size=5, return_indices=True, _random_samples=u)[1]
    np.testing.assert_array_equal(index.numpy(), given.numpy())
    assert drawn.shape == (2, 3, 5, 5)
    empty = F.fractional_max_pool3d(ag.randn(0, 2, 5, 5, 5, device=device), 2, output_size=3)
    assert empty.shape == (0, 2, 3, 3, 3)


def test_fractional_max_pool_replays_under_jit():
    samples = _samples((2, 3, 8, 8), 2, np.float64, 10)
    assert_replays_equal_eager(lambda x, u: F.fractional_max_pool2d(x, 2, output_size=5, _random_samples=u),
                               [rand((2, 3, 8, 8), seed=11), samples])
    assert_replays_equal_eager(lambda x: F.fractional_max_pool3d(x, 2, output_ratio=0.5),   # samples drawn
                               [rand((2, 6, 6, 6), seed=12)])


def test_fractional_max_pool_gradcheck_float64(device):
    u2 = ag.tensor(_samples((1, 2, 6, 6), 2, np.float64, 6), device=device)
    check_gradcheck(lambda a: F.fractional_max_pool2d(a, 3, output_size=3, _random_samples=u2),
                    [rand((1, 2, 6, 6), seed=7)], device)
    u3 = ag.tensor(_samples((1, 4, 4, 4), 3, np.float64, 8), device=device)
    check_gradcheck(lambda a: F.fractional_max_pool3d(a, 2, output_size=2, _random_samples=u3),
                    [rand((1, 4, 4, 4), seed=9)], device)


def test_fractional_max_pool_errors():
    x2, x3 = ag.randn(2, 3, 7, 8), ag.randn(1, 2, 6, 6, 6)
    cases = [
        (lambda: F.fractional_max_pool2d(x2, 3), r"fractional_max_pool2d: give output_size or output_ratio"),
        (lambda: F.fractional_max_pool2d(x2, 3, output_size=(6, 6)),
         r"fractional_max_pool2d: 6 windows of 3 along height do not fit the input's 7: .*at most"),
        # PyTorch's 3-D op wants one element to spare where the 2-D one lets the windows just fit
        (lambda: F.fractional_max_pool3d(x3, 2, output_size=(5, 4, 4)),
         r"fractional_max_pool3d: 5 windows of 2 along time do not fit the input's 6: .*less than"),
        (lambda: F.fractional_max_pool2d(x2, 0, output_size=2), r"kernel_size must be >= 1"),
        (lambda: F.fractional_max_pool2d(x2, (2, 2, 2), output_size=2), r"kernel_size must be an int or a pair"),
        (lambda: F.fractional_max_pool3d(x3, 2, output_ratio=(0.5, 0.5)),
         r"output_ratio must be a number or a tuple of 3 numbers"),
        (lambda: F.fractional_max_pool2d(x2, 2, output_size=3, _random_samples=ag.rand(2, 3, 3)),
         r"_random_samples must be \(N, C, 2\) with at least N = 2 rows and C = 3 channels"),
        (lambda: F.fractional_max_pool2d(x2, 2, output_size=3, _random_samples=ag.rand(1, 3, 2)),
         r"_random_samples must be \(N, C, 2\)"),
        (lambda: F.fractional_max_pool2d(x2, 2, output_size=3, _random_samples=ag.rand(2, 3, 2).double()),
         r"_random_samples must have the input's dtype float32, got float64"),
        (lambda: F.fractional_max_pool2d(x2[0, 0], 2, output_size=3), r"expects an input \(N, C, H, W\) or"),
        (lambda: F.fractional_max_pool3d(ag.randn(2, 0, 6, 6, 6), 2, output_size=3),
         r"expects non-empty channels and spatial sizes"),
        (lambda: F.fractional_max_pool2d(x2.astype(ag.int64), 2, output_size=3), r"floating-point input"),
        (lambda: nn.FractionalMaxPool2d(2), r"FractionalMaxPool2d: give output_size or output_ratio"),
        (lambda: nn.FractionalMaxPool3d(2, output_size=2, output_ratio=0.5), r"give only one of output_size"),
        (lambda: nn.FractionalMaxPool2d(2, output_ratio=1.0), r"output_ratio must lie strictly between 0 and 1"),
    ]
    for call, message in cases:
        with pytest.raises((ValueError, TypeError), match=message):
            call()
