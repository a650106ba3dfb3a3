"""Batch transforms: results against per-image loops, seeding, Tensor input, errors."""
import numpy as np
import pytest

import autograd as ag
from nn.data import transforms as T


def _images(shape=(6, 3, 5, 7), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape).astype(np.uint8)


def test_to_float_scales_integers_to_unit_range():
    x = _images()
    out = T.ToFloat()(x)
    assert out.dtype == np.float32 and out.max() <= 1.0
    np.testing.assert_allclose(out, x / 255.0, rtol=1e-6)
    np.testing.assert_allclose(T.ToFloat(scale=2.0)(np.ones(3, np.float64)), [2.0, 2.0, 2.0])


def test_normalize_per_channel_and_scalar():
    x = np.random.rand(4, 3, 2, 2).astype(np.float32)
    mean, std = [0.1, 0.2, 0.3], [0.5, 1.0, 2.0]
    expected = (x - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    np.testing.assert_allclose(T.Normalize(mean, std)(x), expected, rtol=1e-5)
    np.testing.assert_allclose(T.Normalize(0.5, 0.25)(x), (x - 0.5) / 0.25, rtol=1e-5)
    with pytest.raises(ValueError, match=r"3 per-channel values need batches shaped \(N, 3, \.\.\.\), got \(4, 2\)"):
        T.Normalize(mean, std)(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="std must be positive"):
        T.Normalize(0.0, 0.0)


def test_random_crop_matches_a_per_image_loop():
    x = _images()
    crop = T.RandomCrop((4, 6), padding=2, fill=9, seed=5)
    out = crop(x)
    rng = np.random.default_rng(5)
    top, left = rng.integers(0, 6, len(x)), rng.integers(0, 6, len(x))  # room: 9-4, 11-6
    padded = np.pad(x, [(0, 0), (0, 0), (2, 2), (2, 2)], constant_values=9)
    expected = np.stack([padded[i, :, top[i]:top[i] + 4, left[i]:left[i] + 6] for i in range(len(x))])
    np.testing.assert_array_equal(out, expected)
    assert out.flags.c_contiguous


def test_random_shift_moves_each_image_within_bounds():
    x = np.zeros((50, 9, 9), np.float32)
    x[:, 4, 4] = 1.0
    out = T.RandomShift(2, seed=0)(x)
    assert out.shape == x.shape
    rows, cols = np.nonzero(out.sum(axis=0) > 0)
    assert rows.min() >= 2 and rows.max() <= 6 and cols.min() >= 2 and cols.max() <= 6
    np.testing.assert_array_equal(out.reshape(50, -1).sum(axis=1), 1.0)  # the dot never leaves the image
    assert len({tuple(np.argwhere(o)[0]) for o in out}) > 5
    np.testing.assert_array_equal(T.RandomShift(0)(x), x)


def test_horizontal_flip_flips_a_seeded_subset():
    x = _images((40, 2, 3, 4))
    out = T.RandomHorizontalFlip(0.5, seed=1)(x)
    flipped = np.random.default_rng(1).random(40) < 0.5
    np.testing.assert_array_equal(out[flipped], x[flipped][..., ::-1])
    np.testing.assert_array_equal(out[~flipped], x[~flipped])
    assert 0 < flipped.sum() < 40


def test_gaussian_noise_statistics_and_seed():
    x = np.zeros((200, 50), np.float32)
    a, b = T.GaussianNoise(0.3, seed=2)(x), T.GaussianNoise(0.3, seed=2)(x)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and abs(a.std() - 0.3) < 0.01 and abs(a.mean()) < 0.01


def test_compose_and_tensor_input(device):
    x = _images((4, 1, 8, 8))
    pipeline = T.Compose([T.ToFloat(), T.RandomCrop(8, padding=1, seed=0), T.Normalize(0.5, 0.5)])
    out = pipeline(ag.tensor(x, device=device))
    assert isinstance(out, ag.Tensor) and out.device == ag.device(device) and out.shape == (4, 1, 8, 8)
    assert out.numpy().min() >= -1.0 and out.numpy().max() <= 1.0


def test_input_is_not_modified_and_errors():
    x = _images((3, 4, 4))
    copy = x.copy()
    T.RandomHorizontalFlip(1.0)(x)
    T.RandomCrop(3, padding=1)(x)
    np.testing.assert_array_equal(x, copy)
    with pytest.raises(ValueError, match=r"RandomCrop: crop \(9, 9\) is larger than the padded images"):
        T.RandomCrop(9)(x)
    with pytest.raises(ValueError, match=r"expects a batch of images .* got shape \(4, 4\)"):
        T.RandomShift(1)(x[0])
    with pytest.raises(ValueError, match="p must be in"):
        T.RandomHorizontalFlip(1.5)
