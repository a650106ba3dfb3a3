"""torch.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine against PyTorch: bit-exact values
(halves to even, float32 arithmetic, clamping, NaN and scale 0), the straight-through gradient, batched and empty
shapes, and the errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _pair(a, requires_grad=True):
    return ag.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _same(ours, theirs):
    assert ours.dtype == theirs.detach().numpy().dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("scale, zp, qmin, qmax", [(0.1, 3, -20, 40), (0.37, 0, 0, 255), (1e-3, -5, -128, 127),
                                                   (1.0, 0, -10, 10), (0.0, 1, 0, 10), (-1.0, 1, 0, 10)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_per_tensor_matches_torch(scale, zp, qmin, qmax, dtype):
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.standard_normal(3000) * 3, [0.5, 1.5, 2.5, -0.5, 0.35, 0.45, 100.0, -100.0, 0.0]])
    a = a.astype(dtype)
    x, tx = _pair(a)
    y = ag.fake_quantize_per_tensor_affine(x, scale, zp, qmin, qmax)
    ty = torch.fake_quantize_per_tensor_affine(tx, scale, zp, qmin, qmax)
    _same(y, ty)
    g = rng.standard_normal(a.shape).astype(dtype)
    (y * ag.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_per_tensor_tensor_qparams_nan_and_shapes():
    a = np.array([[1.3, 2.0, np.nan], [-7.0, 0.25, 4.75]])
    for scale, zp in [(ag.tensor(0.5), ag.tensor(1)),
                      (ag.tensor([0.5], dtype=ag.float64), ag.tensor([1], dtype=ag.int32))]:
        y = ag.fake_quantize_per_tensor_affine(ag.tensor(a), scale, zp, 0, 10)
        ty = torch.fake_quantize_per_tensor_affine(torch.tensor(a), torch.tensor(scale.numpy()),
                                                   torch.tensor(zp.numpy()), 0, 10)
        _same(y, ty)
    for shape in [(), (0, 3)]:
        a = np.full(shape, 1.3)
        _same(ag.fake_quantize_per_tensor_affine(ag.tensor(a), 0.5, 1, 0, 10),
              torch.fake_quantize_per_tensor_affine(torch.tensor(a), 0.5, 1, 0, 10))


@pytest.mark.parametrize("zp_dtype", [np.int32, np.float32])
@pytest.mark.parametrize("axis", [0, 1, 2])
def test_per_channel_matches_torch(axis, zp_dtype):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 4, 5)) * 3
    a.flat[:4] = [0.35, 0.45, 0.25, 2.5]
    n = a.shape[axis]
    scale = rng.uniform(0.05, 0.5, n).astype(np.float32)
    zp = (rng.integers(-3, 4, n) + (0.3 if zp_dtype == np.float32 else 0)).astype(zp_dtype)
    x, tx = _pair(a)
    y = ag.fake_quantize_per_channel_affine(x, ag.tensor(scale), ag.tensor(zp), axis, -8, 8)
    ty = torch.fake_quantize_per_channel_affine(tx, torch.tensor(scale), torch.tensor(zp), axis, -8, 8)
    _same(y, ty)
    g = rng.standard_normal(a.shape)
    (y * ag.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert 0 < (x.grad.numpy() == 0).sum() < a.size      # some elements clamped, some not


def test_straight_through_gradcheck():
    a = ag.tensor(np.array([0.13, -0.71, 0.52, 3.0, -4.0]), requires_grad=True)   # no element near a step
    # the output is piecewise constant: its true derivative is 0, the straight-through one is 1 inside the range
    y = ag.fake_quantize_per_tensor_affine(a, 0.25, 0, -8, 8)
    grad, = ag.autograd.grad(y.sum(), a)
    np.testing.assert_array_equal(grad.numpy(), [1, 1, 1, 0, 0])


def test_errors_match_torch():
    x = ag.tensor(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="fake_quantize_per_tensor_affine: `quant_min` should be less than"):
        ag.fake_quantize_per_tensor_affine(x, 0.5, 1, 5, 2)
    with pytest.raises(RuntimeError, match="`zero_point` must be between `quant_min` and `quant_max`"):
        ag.fake_quantize_per_tensor_affine(x, 0.5, 20, 0, 10)
    with pytest.raises(RuntimeError, match=r"scale must hold one value, got a tensor of shape \(2,\)"):
        ag.fake_quantize_per_tensor_affine(x, ag.tensor([0.5, 0.2]), 1, 0, 10)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'scale'"):
        ag.fake_quantize_per_tensor_affine(x, ag.tensor(0.5, requires_grad=True), 1, 0, 10)
    with pytest.raises(TypeError, match="input must be a floating-point tensor, got int64"):
        ag.fake_quantize_per_tensor_affine(ag.tensor([1, 2]), 0.5, 1, 0, 10)
    s, z = ag.tensor(np.float32([0.1, 0.2, 0.3])), ag.tensor(np.int32([0, 1, 2]))
    fq = ag.fake_quantize_per_channel_affine
    with pytest.raises(RuntimeError, match="Scale must be Float, found float64"):
        fq(x, s.double(), z, 1, -10, 10)
    with pytest.raises(RuntimeError, match="Zero-point must be Int32, Float or Half, found int64"):
        fq(x, s, z.long(), 1, -10, 10)
    with pytest.raises(RuntimeError, match="`axis` must be between 0 and number of dimensions"):
        fq(x, s, z, -1, -10, 10)
    with pytest.raises(RuntimeError, match="scale and zero-point need to have the same dimensions"):
        fq(x, s, z[:2], 1, -10, 10)
    with pytest.raises(RuntimeError, match="not consistent with input tensor: 3 values for axis 0 of size 2"):
        fq(x, s, z, 0, -10, 10)
    with pytest.raises(RuntimeError, match="`zero_point` must be between"):
        fq(x, s, ag.tensor(np.int32([0, 30, 0])), 1, -10, 10)
    with pytest.raises(RuntimeError, match="scale should be a 1-D tensor"):
        fq(x, s[:2].reshape(1, 2), z[:2].reshape(1, 2), 1, -10, 10)
