"""RandAugment and AugMix: Keras's configs and sub-operations (checked against real Keras 3), inference as the
identity (as Keras), shapes, dtypes and value ranges in training, seed reproducibility, channels_first."""
import random

import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(5)
IMAGES = RNG.uniform(0, 255, (3, 12, 10, 3)).astype(np.float32)


def _config(layer):
    config = dict(layer.get_config())
    config.pop("dtype")
    return config


@pytest.mark.parametrize("make", [lambda L: L.RandAugment(), lambda L: L.RandAugment(value_range=(0, 1), num_ops=3,
                                                                                      factor=(0.1, 0.6), seed=4),
                                  lambda L: L.AugMix(), lambda L: L.AugMix(num_chains=2, chain_depth=1, factor=0.2,
                                                                           alpha=0.5, all_ops=False, seed=3,
                                                                           interpolation="nearest")])
def test_config_sub_operations_and_inference_match_keras(make):
    keras = real_keras()
    theirs, mine = make(keras.layers), make(ours.layers)
    assert _config(mine) == _config(theirs)
    operations = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                  "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                  "solarization", "auto_contrast", "equalization")
    assert [hasattr(mine, n) for n in operations] == [hasattr(theirs, n) for n in operations]
    for name in operations:
        if hasattr(theirs, name):
            mine_op, their_op = getattr(mine, name).get_config(), getattr(theirs, name).get_config()
            for key in ("factor", "x_factor", "height_factor", "addition_factor", "value_range", "interpolation"):
                if key in their_op:
                    assert tuple(np.ravel(mine_op[key])) == tuple(np.ravel(their_op[key])), (name, key)
    again = type(mine).from_config(mine.get_config())   # (from_config reads tuples back as lists)
    assert {k: tuple(v) if isinstance(v, list) else v for k, v in _config(again).items()} == _config(mine)
    images = IMAGES if _config(mine)["value_range"] == (0, 255) else IMAGES / 255.0
    expected = np.asarray(theirs(images, training=False))
    got = mine(images, training=False).numpy()
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, images)
    assert mine.weights == [] and theirs.weights == []


@pytest.mark.parametrize("cls", ["RandAugment", "AugMix"])
def test_training_output_shape_dtype_range_and_seed(cls):
    layer = getattr(ours.layers, cls)(seed=7)
    random.seed(5)   # AugMix picks its operations with Python's random, as Keras's: the seed alone does not fix it
    outs = [layer(IMAGES).numpy() for _ in range(3)]   # called directly: training, as Keras's
    for out in outs:
        assert out.shape == IMAGES.shape and out.dtype == np.float32
        assert out.min() >= 0.0 and out.max() <= 255.0
    assert any(not np.allclose(out, IMAGES) for out in outs)
    same = getattr(ours.layers, cls)(seed=7)
    random.seed(5)
    for out in outs:
        np.testing.assert_array_equal(same(IMAGES).numpy(), out)
    other = getattr(ours.layers, cls)(seed=8)
    assert any(not np.array_equal(other(IMAGES).numpy(), out) for out in outs)
    unit = getattr(ours.layers, cls)(value_range=(0, 1), seed=1)
    for _ in range(3):
        out = unit(IMAGES / 255.0).numpy()
        assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-6
    single = getattr(ours.layers, cls)(seed=2)(IMAGES[0])
    assert tuple(single.shape) == IMAGES.shape[1:]
    assert getattr(ours.layers, cls)(seed=2)(IMAGES.astype(np.uint8)).dtype == np.float32


@pytest.mark.parametrize("cls", ["RandAugment", "AugMix"])
def test_channels_first_gives_the_transposed_result(cls):
    random.seed(3)   # AugMix's picks (Python's random)
    last = getattr(ours.layers, cls)(seed=11)(IMAGES).numpy()
    random.seed(3)
    first = getattr(ours.layers, cls)(seed=11, data_format="channels_first")(IMAGES.transpose(0, 3, 1, 2)).numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), last, rtol=1e-5, atol=1e-4)


def test_aug_mix_with_zero_factor_operations_and_one_chain_mixes_back_to_nearly_the_input():
    # with every strength 0 the geometric and colour operations change nothing, so the mix stays close
    layer = ours.layers.AugMix(factor=0.0, all_ops=True, num_chains=1, chain_depth=1, seed=0)
    for _ in range(5):
        out = layer(IMAGES).numpy()
        assert out.shape == IMAGES.shape and np.all(np.isfinite(out))


def test_inside_a_model_predict_is_identity_and_fit_runs():
    model = ours.Sequential([ours.Input((12, 10, 3)), ours.layers.RandAugment(seed=1), ours.layers.AugMix(seed=2)])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)
    trained = ours.Sequential([ours.Input((12, 10, 3)), ours.layers.RandAugment(seed=1),
                               ours.layers.Rescaling(1 / 255.0), ours.layers.Flatten(), ours.layers.Dense(1)])
    trained.compile(optimizer="sgd", loss="mse")
    history = trained.fit(IMAGES, np.zeros((3, 1), np.float32), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="num_ops must be a non-negative int"):
        ours.layers.RandAugment(num_ops=-1)
    with pytest.raises(ValueError, match="num_chains must be a positive int"):
        ours.layers.AugMix(num_chains=0)
    with pytest.raises(ValueError, match="alpha must be positive"):
        ours.layers.AugMix(alpha=0)
    with pytest.raises(ValueError, match="factor"):
        ours.layers.RandAugment(factor=1.5)
    with pytest.raises(ValueError, match="interpolation must be 'bilinear' or 'nearest'"):
        ours.layers.AugMix(interpolation="bicubic")
    with pytest.raises(ValueError, match=r"expects images .* got shape \(12, 10\)"):
        ours.layers.RandAugment()(IMAGES[0, :, :, 0])
