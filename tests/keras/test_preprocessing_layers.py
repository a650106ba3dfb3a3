"""Keras's preprocessing layers against real Keras 3 (torch backend): Normalization's statistics as Keras
shapes them (mean/variance broadcastable, weights only when adapted), Discretization and CategoryEncoding
(outputs, dtypes, shapes, configs, errors), and all three inside a functional model."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(23)


def _np(K, value):
    return np.asarray(K.ops.convert_to_numpy(value))


@pytest.mark.parametrize("axis,shape", [(-1, (20, 3)), ((1, 2), (20, 2, 3)), (None, (20, 3)), (1, (20, 4, 2))])
def test_adapted_normalization_keeps_keras_statistic_shapes_and_outputs(axis, shape):
    keras = real_keras()
    data = (RNG.standard_normal(shape) * 3 + 1).astype(np.float32)
    layers = []
    for K in (keras, ours):
        layer = K.layers.Normalization(axis=axis)
        layer.adapt(data)
        layers.append(layer)
    theirs, mine = layers
    assert tuple(_np(ours, mine.mean).shape) == tuple(_np(keras, theirs.mean).shape)
    np.testing.assert_allclose(_np(ours, mine.mean), _np(keras, theirs.mean), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(ours, mine.variance), _np(keras, theirs.variance), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(_np(ours, mine(data[:4])), _np(keras, theirs(data[:4])), rtol=1e-4, atol=1e-5)
    assert [w.name for w in mine.weights] == [w.name for w in theirs.weights] == ["mean", "variance", "count"]


def test_normalization_given_its_statistics_holds_no_weights_as_keras():
    keras = real_keras()
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    found = []
    for K in (keras, ours):
        layer = K.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])
        out = _np(K, layer(x))
        found.append((len(layer.weights), tuple(_np(K, layer.mean).shape), out, layer.get_config()["mean"]))
        inverse = K.layers.Normalization(mean=2.0, variance=4.0, invert=True)
        found.append(_np(K, inverse(x)))
    np.testing.assert_allclose(found[2][2], found[0][2], rtol=1e-6)
    assert found[2][:2] == found[0][:2] and found[2][3] == found[0][3]
    np.testing.assert_allclose(found[3], found[1], rtol=1e-6)


@pytest.mark.parametrize("kwargs,data", [
    ({"bin_boundaries": [0.0, 1.0, 2.5]}, np.array([[-1.0, 0.0, 0.5], [1.0, 2.5, 9.0]], np.float32)),
    ({"bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}, np.array([-1.0, 0.5, 3.0], np.float32)),
    ({"bin_boundaries": [0.0, 1.0], "output_mode": "multi_hot"}, np.array([[-1.0, 0.5], [3.0, 3.0]], np.float32)),
    ({"bin_boundaries": [0.0, 1.0], "output_mode": "count"}, np.array([[-1.0, 0.5, 0.7], [3.0, 3.0, 3.0]], np.float32)),
])
def test_discretization_matches_keras(kwargs, data):
    keras = real_keras()
    theirs, mine = keras.layers.Discretization(**kwargs), ours.layers.Discretization(**kwargs)
    expected, got = _np(keras, theirs(data)), _np(ours, mine(data))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    config = {k: v for k, v in theirs.get_config().items() if k != "name"}
    assert {k: v for k, v in mine.get_config().items() if k != "name"} == config
    assert ours.layers.Discretization.from_config(mine.get_config()).bin_boundaries == kwargs["bin_boundaries"]


@pytest.mark.parametrize("mode,data", [
    ("one_hot", np.array([[0], [3], [2]])), ("one_hot", np.array([1, 0, 3])), ("one_hot", np.array([[0, 1], [2, 3]])),
    ("multi_hot", np.array([[0, 1, 1], [3, 3, 2]])), ("multi_hot", np.array([0, 2])),
    ("count", np.array([[0, 1, 1], [3, 3, 2]])),
])
def test_category_encoding_matches_keras(mode, data):
    keras = real_keras()
    theirs = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    mine = ours.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    expected, got = _np(keras, theirs(data)), _np(ours, mine(data))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    assert mine.get_config()["output_mode"] == theirs.get_config()["output_mode"] == mode


def test_category_encoding_weighted_counts_and_errors():
    keras = real_keras()
    data, weights = np.array([[0, 1, 1], [3, 3, 2]]), np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 4.0]], np.float32)
    expected = _np(keras, keras.layers.CategoryEncoding(4, output_mode="count")(data, count_weights=weights))
    got = _np(ours, ours.layers.CategoryEncoding(4, output_mode="count")(data, count_weights=weights))
    np.testing.assert_allclose(got, expected)
    with pytest.raises(ValueError, match=r"\[0, 4\).*num_tokens"):
        ours.layers.CategoryEncoding(4)(np.array([[1, 7]]))
    with pytest.raises(ValueError, match="num_tokens"):
        ours.layers.CategoryEncoding()
    with pytest.raises(ValueError, match="bin_boundaries .* or num_bins"):
        ours.layers.Discretization()


def test_discretization_adapt_learns_quantile_boundaries():
    layer = ours.layers.Discretization(num_bins=4)
    layer.adapt(np.arange(100, dtype=np.float32))
    # Keras's approximate quantile summary (epsilon=0.01) gives 24, 49, 74 here, not NumPy's 24.75, 49.5, 74.25
    np.testing.assert_allclose(layer.bin_boundaries, [24.0, 49.0, 74.0], atol=1e-4)
    assert np.bincount(_np(ours, layer(np.arange(100, dtype=np.float32)))).tolist() == [24, 25, 25, 26]


def test_preprocessing_layers_in_a_functional_model_match_keras():
    keras = real_keras()
    numbers = RNG.standard_normal((30, 2)).astype(np.float32)
    color = RNG.integers(0, 3, (30, 1))
    outs = []
    for K in (keras, ours):
        norm = K.layers.Normalization()
        norm.adapt(numbers)
        a, b = K.Input((2,)), K.Input((1,), dtype="int32")
        binned = K.layers.CategoryEncoding(3, output_mode="one_hot")(K.layers.Discretization([0.0, 1.0])(
            K.layers.Lambda(lambda t: t[:, :1])(a)))
        joined = K.layers.concatenate([norm(a), binned, K.layers.CategoryEncoding(3, output_mode="one_hot")(b)])
        model = K.Model([a, b], joined)
        outs.append((tuple(joined.shape), _np(K, model.predict([numbers, color], verbose=0))))
    assert outs[1][0] == outs[0][0] == (None, 8)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-5, atol=1e-6)
