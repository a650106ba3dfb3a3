"""F.interpolate(mode='bicubic') and nn.Upsample(mode='bicubic') against torch: sizes, scale factors,
align_corners, float32, gradients (both backward paths), and gradcheck."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand

SIZES = [dict(size=1), dict(size=(5, 2)), dict(size=13), dict(scale_factor=2), dict(scale_factor=0.5),
         dict(scale_factor=(1.7, 3)), dict(scale_factor=2.5, recompute_scale_factor=True)]


@pytest.mark.parametrize("kwargs", SIZES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("align_corners", [None, False, True])
@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (1, 2, 2, 6), (2, 1, 7, 3)])
def test_bicubic_matches_torch(device, kwargs, align_corners, shape):
    torch = pytest.importorskip("torch")
    check_against_torch(
        lambda x: F.interpolate(x, mode="bicubic", align_corners=align_corners, **kwargs),
        lambda x: torch.nn.functional.interpolate(x, mode="bicubic", align_corners=align_corners, **kwargs),
        [rand(shape, seed=len(kwargs))], device=device, atol=1e-9)


@pytest.mark.parametrize("align_corners", [False, True])
def test_bicubic_float32_and_module(device, align_corners):
    torch = pytest.importorskip("torch")
    x = rand((2, 3, 5, 6), np.float32, seed=7)
    check_against_torch(lambda t: nn.Upsample(scale_factor=1.5, mode="bicubic", align_corners=align_corners)(t),
                        lambda t: torch.nn.Upsample(scale_factor=1.5, mode="bicubic",
                                                    align_corners=align_corners)(t),
                        [x], device=device, atol=1e-5, rtol=1e-5)


def test_bicubic_gradcheck(device):
    check_gradcheck(lambda x: F.interpolate(x, scale_factor=1.6, mode="bicubic"), [rand((1, 2, 4, 3), seed=2)],
                    device=device)


def test_bicubic_backward_through_index_add(device, monkeypatch):
    """The backward path of array modules without ufunc.reduceat (CuPy) gives the same gradient."""
    import autograd.ops.resample as resample
    x = rand((2, 3, 5, 4), seed=4)
    grads = []
    for patched in (False, True):
        if patched:
            monkeypatch.setattr(resample, "_reduceat", lambda xp: None)
        t = ag.tensor(x, device=device, requires_grad=True)
        (F.interpolate(t, size=(8, 3), mode="bicubic", align_corners=True) * 1.3).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_bicubic_needs_4d_input():
    with pytest.raises(ValueError, match="mode 'bicubic' expects a 4-D input"):
        F.interpolate(ag.tensor(rand((1, 2, 5))), scale_factor=2, mode="bicubic")
