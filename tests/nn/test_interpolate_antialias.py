"""F.interpolate(..., antialias=True) for the bilinear and bicubic modes (torchvision's Resize default), which
deepgrad refused: values and gradients against PyTorch when shrinking and enlarging, with and without
align_corners, in float64 and float32, plus gradcheck and the errors for the modes and ranks it does not apply to.
(PyTorch 2.13 repeats the first row when the output is one pixel wide, e.g. size=(2, 1); deepgrad resizes each
axis as for any other width, which is what resizing rows then columns gives in PyTorch too.)"""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

SIZES = [dict(size=(3, 4)), dict(scale_factor=0.5), dict(scale_factor=0.3, recompute_scale_factor=True),
         dict(size=(11, 13)), dict(scale_factor=1.7), dict(size=(2, 2)), dict(scale_factor=(0.6, 2.2))]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kw", SIZES)
def test_antialias_values_and_gradients_match_pytorch(mode, align_corners, dtype, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8)).astype(dtype)
    ours = ag.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a = F.interpolate(ours, mode=mode, antialias=True, align_corners=align_corners, **kw)
    b = torch.nn.functional.interpolate(theirs, mode=mode, antialias=True, align_corners=align_corners, **kw)
    assert tuple(a.shape) == tuple(b.shape) and a.dtype == dtype
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
    w = rng.standard_normal(tuple(b.shape)).astype(dtype)
    (a * ag.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **tol)


def test_antialias_shrinking_averages_every_input_pixel():
    # a 3x shrink of a checkerboard: plain bilinear lands on single pixels (0 or 1, aliasing), antialias averages
    board = ag.tensor(np.indices((9, 9)).sum(0) % 2 * 1.0)[None, None]
    plain = F.interpolate(board, scale_factor=1 / 3, mode="bilinear")
    smooth = F.interpolate(board, scale_factor=1 / 3, mode="bilinear", antialias=True)
    assert set(np.unique(plain.numpy())) == {0.0, 1.0}
    assert np.abs(smooth.numpy() - 0.5).max() < 0.1


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialias_gradcheck(mode):
    x = ag.tensor(np.random.default_rng(1).standard_normal((1, 2, 7, 6)), requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: F.interpolate(t, size=(3, 4), mode=mode, antialias=True), (x,))
    assert ag.autograd.gradcheck(lambda t: F.interpolate(t, size=(9, 5), mode=mode, antialias=True,
                                                         align_corners=True), (x,))


@pytest.mark.parametrize("mode,shape", [("nearest", (1, 1, 4, 4)), ("area", (1, 1, 4, 4)), ("linear", (1, 1, 4)),
                                        ("trilinear", (1, 1, 2, 4, 4))])
def test_antialias_names_the_modes_it_applies_to(mode, shape):
    with pytest.raises(ValueError, match=r"antialias=True applies to the 'bilinear' and 'bicubic' modes on a 4-D "
                                         rf"input \(N, C, H, W\), got mode '{mode}'"):
        F.interpolate(ag.zeros(*shape), scale_factor=0.5, mode=mode, antialias=True)
