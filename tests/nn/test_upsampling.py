"""F.interpolate and nn.Upsample against torch: every mode, sizes and scale factors, align_corners, gradients."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand

SIZES = [dict(size=1), dict(size=5), dict(size=13), dict(scale_factor=2), dict(scale_factor=3),
         dict(scale_factor=0.5), dict(scale_factor=1.7), dict(scale_factor=2.5, recompute_scale_factor=True)]
MODES = [("nearest", 3), ("nearest", 4), ("nearest", 5), ("nearest-exact", 3), ("nearest-exact", 4),
         ("linear", 3), ("bilinear", 4), ("trilinear", 5), ("area", 3), ("area", 4), ("area", 5)]


@pytest.mark.parametrize("mode,ndim", MODES)
@pytest.mark.parametrize("kwargs", SIZES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("n_in", [3, 7])
def test_interpolate_matches_torch(mode, ndim, kwargs, n_in):
    torch = pytest.importorskip("torch")
    shape = (2, 3) + (n_in,) * (ndim - 2)
    corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
    for align_corners in corners:
        check_against_torch(
            lambda x: F.interpolate(x, mode=mode, align_corners=align_corners, **kwargs),
            lambda x: torch.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, **kwargs),
            [rand(shape, seed=n_in)], atol=1e-9)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_per_axis_sizes_and_float32(device, mode):
    torch = pytest.importorskip("torch")
    x = rand((2, 3, 5, 6), np.float32, seed=1)
    for kwargs in (dict(size=(7, 4)), dict(scale_factor=(2, 0.5)), dict(scale_factor=(1.5, 3))):
        out = F.interpolate(ag.tensor(x, device=device), mode=mode, **kwargs)
        expected = torch.nn.functional.interpolate(torch.tensor(x), mode=mode, **kwargs).numpy()
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)
    check_against_torch(lambda t: F.interpolate(t, scale_factor=2, mode=mode),
                        lambda t: torch.nn.functional.interpolate(t, scale_factor=2, mode=mode),
                        [x], device=device, atol=1e-5)


def test_empty_batch(device):
    torch = pytest.importorskip("torch")
    for mode in ("nearest", "bilinear"):
        out = F.interpolate(ag.tensor(np.zeros((0, 3, 4, 4)), device=device), scale_factor=2, mode=mode)
        assert out.shape == tuple(torch.nn.functional.interpolate(torch.zeros(0, 3, 4, 4), scale_factor=2,
                                                                  mode=mode).shape)


@pytest.mark.parametrize("mode,kwargs", [("nearest", dict(size=(5, 3))), ("bilinear", dict(scale_factor=1.5)),
                                         ("bilinear", dict(size=(2, 7), align_corners=True)),
                                         ("linear", dict(scale_factor=0.6))])
def test_gradcheck(device, mode, kwargs):
    shape = (1, 2, 4) if mode == "linear" else (1, 2, 3, 4)
    check_gradcheck(lambda x: F.interpolate(x, mode=mode, **kwargs), [rand(shape, seed=2)], device=device)


def test_upsample_modules(device):
    torch = pytest.importorskip("torch")
    x = rand((2, 3, 4, 5), seed=3)
    pairs = [(nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
             (nn.Upsample(size=(6, 3), mode="bilinear"), torch.nn.Upsample(size=(6, 3), mode="bilinear")),
             (nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True),
              torch.nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True)),
             (nn.UpsamplingNearest2d(scale_factor=3), torch.nn.UpsamplingNearest2d(scale_factor=3)),
             (nn.UpsamplingBilinear2d(size=7), torch.nn.UpsamplingBilinear2d(size=7))]
    for ours, theirs in pairs:
        check_against_torch(ours, theirs, [x], device=device)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == []


@pytest.mark.parametrize("call,match", [
    (lambda x: F.interpolate(x), "exactly one of size and scale_factor"),
    (lambda x: F.interpolate(x, size=3, scale_factor=2), "exactly one of size and scale_factor"),
    (lambda x: F.interpolate(x, size=(3, 4, 5)), "one entry per spatial dimension"),
    (lambda x: F.interpolate(x, scale_factor=2, mode="linear"), "expects a 3-D input"),
    (lambda x: F.interpolate(x, scale_factor=2, mode="lanczos"), "not supported"),
    (lambda x: F.interpolate(x, scale_factor=2, align_corners=True), "align_corners applies only"),
    (lambda x: F.interpolate(x, scale_factor=-1), "positive number"),
    (lambda x: F.interpolate(x, size=0), "greater than 0"),
    (lambda x: F.interpolate(x, size=3, recompute_scale_factor=True), "only meaningful with scale_factor"),
])
def test_errors(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call(ag.tensor(rand((1, 2, 3, 4))))


def test_backward_through_index_add(device, monkeypatch):
    """The path array modules without ufunc.reduceat (CuPy) take gives the same gradients."""
    import autograd.ops.resample as resample
    x = rand((2, 3, 5, 4), seed=4)
    expected = []
    for patched in (False, True):
        if patched:
            monkeypatch.setattr(resample, "_reduceat", lambda xp: None)
        for mode, kwargs in (("bilinear", dict(scale_factor=1.7)), ("nearest", dict(size=(3, 9)))):
            t = ag.tensor(x, device=device, requires_grad=True)
            (F.interpolate(t, mode=mode, **kwargs) * 1.3).sum().backward()
            expected.append(t.grad.numpy())
    for a, b in zip(expected[:2], expected[2:]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
