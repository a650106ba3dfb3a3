"""nn.data.transforms augmentation: RandomRotation, RandomAffine, RandomResizedCrop, RandomVerticalFlip,
ColorJitter, ToTensor, Normalize on tabular batches, StandardScaler."""
import numpy as np
import pytest

import autograd as ag
from nn.data import transforms as T
from nn.data.color_transforms import hsv_to_rgb, rgb_to_hsv


def batch(shape=(4, 3, 6, 6), seed=0):
    return np.random.default_rng(seed).random(shape).astype(np.float32)


# ----- geometry --------------------------------------------------------------------------------------------

def test_rotation_by_90_degrees_is_rot90_and_keeps_dtype_and_shape():
    x = batch()
    np.testing.assert_allclose(T.RandomRotation((90, 90))(x), np.rot90(x, axes=(2, 3)), atol=1e-5)
    np.testing.assert_allclose(T.RandomRotation((90, 90), interpolation="bilinear")(x), np.rot90(x, axes=(2, 3)),
                               atol=1e-5)
    gray = (batch((3, 5, 5)) * 255).astype(np.uint8)
    out = T.RandomRotation(180, seed=0)(gray)
    assert out.shape == gray.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(T.RandomRotation((180, 180))(gray), gray[:, ::-1, ::-1])


def test_rotation_fills_corners_and_is_repeatable():
    x = np.ones((2, 1, 9, 9), np.float32)
    out = T.RandomRotation((45, 45), fill=0.5)(x)
    assert out[0, 0, 0, 0] == 0.5 and out[0, 0, 4, 4] == 1.0
    a, b = T.RandomRotation(30, seed=3)(batch()), T.RandomRotation(30, seed=3)(batch())
    np.testing.assert_array_equal(a, b)
    t = T.RandomRotation(30, seed=3)(ag.tensor(batch()))
    assert isinstance(t, ag.Tensor)
    np.testing.assert_array_equal(t.numpy(), a)


def test_affine_identity_rotation_and_translation():
    x = batch()
    np.testing.assert_array_equal(T.RandomAffine(0)(x), x)
    np.testing.assert_allclose(T.RandomAffine((-90, -90))(x), np.rot90(x, axes=(2, 3)), atol=1e-5)  # clockwise
    shifted = T.RandomAffine(0, translate=(0.5, 0.0), seed=0)(x)
    for image, original in zip(shifted, x):      # each image moved right by a whole number of pixels up to 3
        matches = [s for s in range(-3, 4) if np.array_equal(image, _shift_columns(original, s))]
        assert matches, "not a whole-pixel horizontal shift"


def _shift_columns(image, s):
    out = np.zeros_like(image)
    if s >= 0:
        out[..., s:] = image[..., :image.shape[-1] - s]
    else:
        out[..., :s] = image[..., -s:]
    return out


def test_affine_scale_and_shear_about_the_centre():
    x = batch((2, 1, 5, 5))
    doubled = T.RandomAffine(0, scale=(2.0, 2.0), interpolation="bilinear")(x)
    # output pixel i reads input point 2 + (i - 2) / 2: the centre stays, neighbours are half-way mixes
    np.testing.assert_allclose(doubled[:, 0, 2, 2], x[:, 0, 2, 2], rtol=1e-6)
    np.testing.assert_allclose(doubled[:, 0, 2, 3], (x[:, 0, 2, 2] + x[:, 0, 2, 3]) / 2, rtol=1e-5)
    sheared = T.RandomAffine(0, shear=(45, 45, 0, 0))(x)
    np.testing.assert_array_equal(sheared[:, :, 2], x[:, :, 2])   # the centre row does not move under an x-shear
    assert not np.array_equal(sheared, x)
    with pytest.raises(ValueError, match="RandomAffine: shear"):
        T.RandomAffine(0, shear=(1, 2, 3))


def test_resized_crop_matches_crop_then_bilinear_resize():
    torch = pytest.importorskip("torch")
    x = batch((30, 3, 9, 7))
    out = T.RandomResizedCrop((4, 5), seed=0)(x)
    top, left, h, w = T.RandomResizedCrop((4, 5), seed=0).boxes(30, 9, 7)
    assert out.shape == (30, 3, 4, 5) and out.dtype == np.float32
    assert np.all(top >= 0) and np.all(top + h <= 9) and np.all(left >= 0) and np.all(left + w <= 7)
    for i in range(30):
        crop = torch.tensor(x[i:i + 1, :, top[i]:top[i] + h[i], left[i]:left[i] + w[i]])
        expected = torch.nn.functional.interpolate(crop, size=(4, 5), mode="bilinear", align_corners=False)
        np.testing.assert_allclose(out[i], expected[0].numpy(), atol=1e-5)


def test_resized_crop_whole_image_is_identity_and_area_follows_scale():
    x = batch((3, 2, 8, 8))
    np.testing.assert_allclose(T.RandomResizedCrop(8, scale=(1, 1), ratio=(1, 1))(x), x, atol=1e-6)
    top, left, h, w = T.RandomResizedCrop(8, scale=(0.25, 0.5), seed=1).boxes(200, 40, 40)
    area = h * w / 1600
    assert area.min() > 0.2 and area.max() < 0.56


def test_vertical_flip():
    x = batch()
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(x), x[:, :, ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=0.0)(x), x)
    out = T.RandomVerticalFlip(seed=0)(batch((64, 1, 4, 4)))
    flipped = [np.array_equal(o, i[:, ::-1]) for o, i in zip(out, batch((64, 1, 4, 4)))]
    assert 10 < sum(flipped) < 54


# ----- colour ----------------------------------------------------------------------------------------------

def test_color_jitter_brightness_contrast_saturation_formulas():
    x = batch((4, 3, 5, 5))
    gray = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])[:, None]
    np.testing.assert_allclose(T.ColorJitter(brightness=(1.5, 1.5))(x), np.clip(x * 1.5, 0, 1), rtol=1e-6)
    mean = gray.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(T.ColorJitter(contrast=(0.5, 0.5))(x), np.clip(0.5 * x + 0.5 * mean, 0, 1),
                               rtol=1e-5)
    np.testing.assert_allclose(T.ColorJitter(saturation=(0, 0))(x), np.broadcast_to(gray, x.shape), rtol=1e-5)


def test_hsv_round_trip_and_hue_shift():
    x = batch((2, 3, 6, 6))
    np.testing.assert_allclose(hsv_to_rgb(rgb_to_hsv(x)), x, atol=1e-6)
    red = np.zeros((1, 3, 2, 2), np.float32)
    red[:, 0] = 1.0
    green = T.ColorJitter(hue=(1 / 3, 1 / 3))(red)
    np.testing.assert_allclose(green[:, 1], 1.0, atol=1e-5)
    np.testing.assert_allclose(green[:, [0, 2]], 0.0, atol=1e-5)


def test_color_jitter_uint8_input_seed_and_errors():
    x = (batch((5, 3, 4, 4)) * 255).astype(np.uint8)
    a = T.ColorJitter(0.4, 0.4, 0.4, 0.1, seed=7)(x)
    b = T.ColorJitter(0.4, 0.4, 0.4, 0.1, seed=7)(x)
    assert a.dtype == np.float32 and a.shape == x.shape and a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="saturation and hue need RGB"):
        T.ColorJitter(saturation=0.5)(batch((2, 1, 4, 4)))
    with pytest.raises(ValueError, match="hue"):
        T.ColorJitter(hue=0.7)


# ----- conversion and scaling ---------------------------------------------------------------------------------

def test_to_tensor():
    image = (batch((5, 6, 3)) * 255).astype(np.uint8)
    t = T.ToTensor()(image)
    assert isinstance(t, ag.Tensor) and t.shape == (3, 5, 6) and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy(), image.transpose(2, 0, 1) / np.float32(255), rtol=1e-7)
    images = (batch((2, 5, 6, 3)) * 255).astype(np.uint8)
    np.testing.assert_allclose(T.ToTensor()(images).numpy(), images.transpose(0, 3, 1, 2) / np.float32(255))
    assert T.ToTensor()(np.zeros((4, 5), np.uint8)).shape == (1, 4, 5)
    floats = batch((5, 6, 3)) * 3
    np.testing.assert_array_equal(T.ToTensor()(floats).numpy(), floats.transpose(2, 0, 1))   # no scaling
    with pytest.raises(ValueError, match="ToTensor"):
        T.ToTensor()(np.zeros(3))


def test_normalize_per_feature_on_tabular_batches():
    x = np.random.default_rng(0).normal(size=(10, 4))
    mean, std = [1.0, 2.0, 3.0, 4.0], [0.5, 1.0, 2.0, 4.0]
    np.testing.assert_allclose(T.Normalize(mean, std)(x), (x - np.array(mean)) / np.array(std))
    with pytest.raises(ValueError, match=r"per-channel values need batches shaped \(N, 4"):
        T.Normalize(mean, std)(np.zeros((10, 3)))


def test_standard_scaler_formula_and_sklearn():
    x = np.random.default_rng(0).normal(3.0, 2.0, (50, 4))
    x[:, 2] = 5.0                                 # a constant feature: scale 1, as scikit-learn
    scaler = T.StandardScaler()
    out = scaler.fit_transform(x)
    np.testing.assert_allclose(scaler.mean_, x.mean(0))
    np.testing.assert_allclose(scaler.var_, x.var(0), atol=1e-12)
    np.testing.assert_allclose(scaler.scale_, np.where(x.std(0) > 0, x.std(0), 1.0))
    np.testing.assert_allclose(out, (x - x.mean(0)) / scaler.scale_)
    np.testing.assert_allclose(scaler.inverse_transform(out), x)
    assert scaler.n_samples_seen_ == 50 and out.dtype == np.float64
    assert scaler(x.astype(np.float32)).dtype == np.float32
    no_mean = T.StandardScaler(with_mean=False).fit(x)
    np.testing.assert_allclose(no_mean.transform(x), x / no_mean.scale_)
    sklearn = pytest.importorskip("sklearn.preprocessing")
    theirs = sklearn.StandardScaler().fit(x)
    np.testing.assert_allclose(scaler.mean_, theirs.mean_)
    np.testing.assert_allclose(scaler.scale_, theirs.scale_)
    np.testing.assert_allclose(out, theirs.transform(x))


def test_standard_scaler_errors():
    with pytest.raises(ValueError, match="call fit"):
        T.StandardScaler().transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="fitted on 3 features"):
        T.StandardScaler().fit(np.zeros((2, 3))).transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="2-D array"):
        T.StandardScaler().fit(np.zeros(3))
