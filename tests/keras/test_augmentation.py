"""keras.layers augmentation: RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast,
and the affine warp under them (checked against real Keras where it is installed)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras
from nn.functional.affine_warp import affine_transform
from nn.keras.layers import augmentation

from .oracle import real_keras

LAYERS = {
    "flip": lambda: keras.layers.RandomFlip(seed=1),
    "rotation": lambda: keras.layers.RandomRotation(0.2, seed=1),
    "zoom": lambda: keras.layers.RandomZoom(0.3, seed=1),
    "translation": lambda: keras.layers.RandomTranslation(0.2, 0.3, seed=1),
    "contrast": lambda: keras.layers.RandomContrast(0.5, seed=1),
}


def fixed_draws(monkeypatch, values):
    """Every keras_uniform draw of the augmentation layers returns `values` (tiled to the shape asked)."""
    values = np.asarray(values, np.float32)
    monkeypatch.setattr(augmentation, "keras_uniform",
                        lambda layer, shape, low, high, dtype=None: np.resize(values, shape))


def images(shape=(3, 6, 7, 2), seed=0):
    return (np.random.default_rng(seed).random(shape) * 255).astype(np.float32)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_identity_at_inference(name, device):
    x = images()
    layer = LAYERS[name]()
    for out in (layer(ag.tensor(x, device=device), training=False),):   # a bare call transforms (Keras's default)
        assert out.device == ag.device(device)
        np.testing.assert_array_equal(out.numpy(), x)
    as_uint8 = layer(x.astype(np.uint8), training=False)
    assert as_uint8.dtype == np.float32


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_training_keeps_shape_and_dtype_and_changes_values(name, device):
    x = images()
    layer = LAYERS[name]()
    out = layer(ag.tensor(x, device=device), training=True)
    assert out.shape == x.shape and out.dtype == np.float32 and out.device == ag.device(device)
    assert not np.array_equal(out.numpy(), x)
    single = layer(ag.tensor(x[0], device=device), training=True)
    assert single.shape == x[0].shape


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_seed_repeats_and_draws_differ_per_image(name):
    x = np.repeat(images((1, 6, 7, 2)), 8, axis=0)
    first, second = LAYERS[name](), LAYERS[name]()
    a, b = first(x, training=True).numpy(), second(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert len({arr.tobytes() for arr in a}) > 1     # one set of random parameters per image
    assert not np.array_equal(first(x, training=True).numpy(), a)  # later calls draw again


@pytest.mark.parametrize("mode,axes", [("horizontal", (2,)), ("vertical", (1,)), ("horizontal_and_vertical", (1, 2))])
def test_flip_exact(mode, axes, device):
    x = images()
    layer = keras.layers.RandomFlip(mode)
    layer.draw_flips = lambda n: np.array([True, False, True])      # flips images 0 and 2
    out = layer(ag.tensor(x, device=device), training=True).numpy()
    np.testing.assert_array_equal(out[[0, 2]], np.flip(x[[0, 2]], axis=axes))
    np.testing.assert_array_equal(out[1], x[1])


def test_rotation_by_a_quarter_turn_is_rot90(device):
    x = images((2, 6, 6, 3))
    layer = keras.layers.RandomRotation((0.25, 0.25))
    out = layer(ag.tensor(x, device=device), training=True).numpy()
    np.testing.assert_allclose(out, np.rot90(x, axes=(1, 2)), atol=1e-3)
    half = keras.layers.RandomRotation((0.5, 0.5), interpolation="nearest")(x, training=True).numpy()
    np.testing.assert_array_equal(half, x[:, ::-1, ::-1])


def test_zoom_zero_is_identity_and_translation_shifts_whole_pixels(device):
    x = images((2, 8, 6, 1))
    np.testing.assert_allclose(keras.layers.RandomZoom(0.0)(ag.tensor(x, device=device), training=True).numpy(), x,
                               rtol=1e-6)
    shift = keras.layers.RandomTranslation((0.25, 0.25), (-1 / 3, -1 / 3), fill_mode="constant")
    out = shift(ag.tensor(x, device=device), training=True).numpy()   # 2 rows down, 2 columns left
    expected = np.zeros_like(x)
    expected[:, 2:, :4] = x[:, :6, 2:]
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_zoom_in_by_half_reads_the_centre():
    x = images((1, 5, 5, 1))
    out = keras.layers.RandomZoom((-0.5, -0.5))(x, training=True).numpy()
    centre = np.arange(5) * 0.5 + 1.0          # output pixel i reads input point 1 + i / 2
    r0 = np.floor(centre).astype(int)
    f = centre - r0
    r1 = np.minimum(r0 + 1, 4)
    rows = x[0, r0] * (1 - f)[:, None, None] + x[0, r1] * f[:, None, None]
    expected = rows[:, r0] * (1 - f)[None, :, None] + rows[:, r1] * f[None, :, None]
    np.testing.assert_allclose(out[0], expected, rtol=1e-5)


def test_contrast_formula(device, monkeypatch):
    x = images()
    layer = keras.layers.RandomContrast(0.5)
    factors = np.array([0.5, 1.4, 1.0])
    fixed_draws(monkeypatch, factors)
    out = layer(ag.tensor(x, device=device), training=True).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    expected = np.clip((x - mean) * factors[:, None, None, None] + mean, 0, 255)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-3)


def test_gradients_reach_the_images(device):
    x = images((2, 5, 5, 2))
    cotangent = np.random.default_rng(3).random(x.shape).astype(np.float32)
    for layer, undo in [(keras.layers.RandomRotation((0.25, 0.25)), lambda g: np.rot90(g, -1, axes=(1, 2))),
                        (keras.layers.RandomFlip("horizontal", seed=0), None)]:
        if undo is None:
            layer.draw_flips = lambda n: np.ones(n, bool)
            undo = lambda g: g[:, :, ::-1]   # noqa: E731
        t = ag.tensor(x, device=device, requires_grad=True)
        (layer(t, training=True) * ag.tensor(cotangent, device=device)).sum().backward()
        np.testing.assert_allclose(t.grad.numpy(), undo(cotangent), atol=1e-4)


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="RandomRotation: fill_mode"):
        keras.layers.RandomRotation(0.1, fill_mode="mirror-ish")
    with pytest.raises(ValueError, match="RandomZoom: height_factor"):
        keras.layers.RandomZoom(1.5)
    with pytest.raises(ValueError, match=r"expects images shaped \(N, H, W, C\)"):
        keras.layers.RandomFlip()(np.zeros((2, 3), np.float32), training=True)


def test_layers_train_inside_a_model():
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.RandomFlip("horizontal", seed=0),
                              keras.layers.RandomRotation(0.1, seed=0), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((16, 8, 8, 1)).astype(np.float32)
    history = model.fit(x, np.arange(16) % 2, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x, verbose=0))   # inference: no noise


# ----- against real Keras -------------------------------------------------------------------------------

@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest", "constant"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras(fill_mode, interpolation):
    real = real_keras()
    import torch
    x = images((3, 7, 6, 2))
    rng = np.random.default_rng(0)
    transform = np.concatenate([rng.normal(size=(3, 6)) * [0.8, 0.8, 3, 0.8, 0.8, 3] + [1, 0, 0, 0, 1, 0],
                                np.zeros((3, 2))], axis=1)
    expected = real.ops.image.affine_transform(torch.tensor(x), torch.tensor(transform, dtype=torch.float32),
                                               interpolation=interpolation, fill_mode=fill_mode, fill_value=7.0)
    ours = affine_transform(ag.tensor(x), transform, interpolation, fill_mode, 7.0).numpy()
    np.testing.assert_allclose(ours, expected.numpy(), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_flip_matches_keras(mode):
    real = real_keras()
    import torch
    x = images((6, 5, 5, 2))
    theirs, layer = real.layers.RandomFlip(mode, seed=11), keras.layers.RandomFlip(mode, seed=11)
    for _ in range(2):   # the same draws from the same SeedGenerator, call after call
        expected = theirs(torch.tensor(x), training=True).numpy()
        np.testing.assert_array_equal(layer(x, training=True).numpy(), expected)


def test_contrast_matches_keras(monkeypatch):
    real = real_keras()
    import torch
    x = images()
    factors = np.array([0.6, 1.3, 1.0])
    theirs = real.layers.RandomContrast(0.5).transform_images(
        torch.tensor(x), {"contrast_factor": torch.tensor(factors, dtype=torch.float32).reshape(3, 1, 1, 1)})
    layer = keras.layers.RandomContrast(0.5)
    fixed_draws(monkeypatch, factors)
    np.testing.assert_allclose(layer(x, training=True).numpy(), theirs.numpy(), rtol=1e-5, atol=1e-3)
