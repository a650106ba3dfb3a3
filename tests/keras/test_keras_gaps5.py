"""Keras 3.15 names nn.keras lacked, against real Keras (torch backend): the
ContrastLimitedAdaptiveHistogramEqualization layer (keras.distillation has its own file,
test_keras_distillation.py)."""
import json

import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(17)

CLAHE_CASES = {
    "defaults": ({}, RNG.uniform(0, 255, (2, 16, 16, 3)).astype(np.float32)),
    "padded_tiles": ({"tile_grid_size": (3, 2)}, RNG.uniform(0, 255, (2, 17, 13, 3)).astype(np.float32)),
    "pad_two_rows": ({"tile_grid_size": (3, 3), "clip_limit": 0}, RNG.uniform(0, 255, (1, 7, 11, 2)).astype(np.float32)),
    "large_tiles_clipped": ({"tile_grid_size": (2, 2), "clip_limit": 10.0},
                            RNG.uniform(0, 255, (1, 32, 32, 3)).astype(np.float32)),
    "uint8": ({"tile_grid_size": (2, 3), "clip_limit": 1.5}, RNG.integers(0, 256, (1, 5, 7, 2)).astype(np.uint8)),
    "int32_no_clip": ({"tile_grid_size": (2, 3), "clip_limit": 0}, RNG.integers(0, 256, (1, 5, 7, 2)).astype(np.int32)),
    "unit_range_float64_unbatched": ({"value_range": (0, 1), "tile_grid_size": (4, 4)},
                                     RNG.uniform(0, 1, (20, 18, 1))),
    "channels_first": ({"value_range": (-1, 1), "tile_grid_size": (2, 2), "data_format": "channels_first"},
                       RNG.uniform(-1, 1, (2, 3, 9, 10)).astype(np.float32)),
    "constant_image": ({}, np.full((1, 16, 16, 1), 7, np.float32)),
    "out_of_range_values": ({"tile_grid_size": (1, 1), "clip_limit": 40}, RNG.uniform(-20, 300, (1, 8, 8, 1)).astype(np.float32)),
}


@pytest.mark.parametrize("case", sorted(CLAHE_CASES))
@pytest.mark.parametrize("training", [None, False])
def test_clahe_matches_keras(case, training):
    theirs, ours = fresh_sessions()
    kwargs, images = CLAHE_CASES[case]
    k_layer = theirs.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)
    o_layer = ours.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)
    call = {} if training is None else {"training": training}
    expected = k_layer(images, **call).cpu().numpy()
    got = o_layer(images, **call)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-4)
    assert o_layer.get_config() == k_layer.get_config()
    assert repr(o_layer) == repr(k_layer)


def test_clahe_config_round_trip_and_model():
    theirs, ours = fresh_sessions()
    k_layer = theirs.layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), clip_limit=2.0,
                                                                        tile_grid_size=(2, 4), name="clahe")
    config = json.loads(json.dumps(k_layer.get_config()))
    o_layer = ours.layers.ContrastLimitedAdaptiveHistogramEqualization.from_config(config)
    assert json.loads(json.dumps(o_layer.get_config())) == config
    images = RNG.uniform(0, 1, (3, 12, 12, 2)).astype(np.float32)
    k_model = theirs.Sequential([theirs.Input((12, 12, 2)), k_layer])
    o_model = ours.Sequential([ours.Input((12, 12, 2)), o_layer])
    assert o_model.output_shape == k_model.output_shape
    np.testing.assert_allclose(o_model.predict(images, verbose=0), k_model.predict(images, verbose=0),
                               rtol=1e-5, atol=1e-6)
    loaded = ours.saving.deserialize_keras_object(theirs.saving.serialize_keras_object(k_layer))
    assert isinstance(loaded, ours.layers.ContrastLimitedAdaptiveHistogramEqualization)


@pytest.mark.parametrize("kwargs,match", [
    ({"tile_grid_size": 8}, "tile_grid_size must be a tuple of two positive ints"),
    ({"tile_grid_size": (0, 2)}, "tile_grid_size must be a tuple of two positive ints"),
    ({"value_range": 255}, "value_range must be a tuple of two numbers"),
    ({"clip_limit": "4"}, "clip_limit must be a number"),
])
def test_clahe_bad_arguments(kwargs, match):
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match=match):
        ours.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)


def test_clahe_rank_error():
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match="rank 3 or 4"):
        ours.layers.ContrastLimitedAdaptiveHistogramEqualization()(np.zeros((4, 4), np.float32))
