"""keras.utils.FeatureSpace. Real Keras's FeatureSpace needs TensorFlow (tf.data in adapt and __call__), which is not
installed, so the float building blocks (Normalization, Rescaling, Discretization with boundaries,
CategoryEncoding) are compared with real Keras's layers, the categorical parts with hand-computed lookups, and
output sizes with Keras's own FeatureSpace tests. Ends with the keras.io "Structured data classification with
FeatureSpace" flow: adapt, encode, fit, predict on a raw dict sample, save and reload."""
import os

import numpy as np
import pytest

import nn.data
import nn.keras as keras
from nn.keras.batched_dataset import BatchedDataset
from nn.keras.utils import FeatureSpace

FLOATS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def _data(strings=True):
    data = {"float_1": list(FLOATS), "float_2": list(FLOATS), "float_3": list(FLOATS),
            "int_1": list(range(10)), "int_2": list(range(10)), "int_3": list(range(10))}
    if strings:
        data["string_1"] = [str(k) for k in range(10)]
        data["string_2"] = [str(k) for k in range(10)]
    return data


def _real_layers():
    pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras").layers


def test_float_features_match_real_keras_layers():
    real = _real_layers()
    rng = np.random.default_rng(0)
    values = {"a": rng.normal(3, 2, 16).astype(np.float32), "b": rng.uniform(0, 10, 16).astype(np.float32),
              "c": rng.uniform(-1, 1, 16).astype(np.float32), "d": rng.normal(size=16).astype(np.float32)}
    fs = FeatureSpace({"a": "float_normalized", "b": FeatureSpace.float_rescaled(scale=0.5, offset=-1.0),
                       "c": FeatureSpace.float_discretized(num_bins=None, bin_boundaries=[-0.5, 0.0, 0.5]),
                       "d": "float"})
    fs.adapt(values)
    out = fs(values).numpy()
    norm = real.Normalization(axis=-1)
    norm.adapt(values["a"][:, None])
    bins = real.Discretization(bin_boundaries=[-0.5, 0.0, 0.5])(values["c"][:, None])
    expected = np.concatenate([
        np.asarray(norm(values["a"][:, None])),
        np.asarray(real.Rescaling(scale=0.5, offset=-1.0)(values["b"][:, None])),
        np.asarray(real.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(np.asarray(bins))),
        values["d"][:, None]], axis=-1)
    assert out.shape == (16, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def _keras_quantile_boundaries(batches, num_bins, epsilon=0.01):
    """Real Keras's Discretization.adapt on these batches, through its pure-NumPy summary functions (the layer's
    adapt itself imports TensorFlow)."""
    _real_layers()
    from keras.src.layers.preprocessing import discretization as kd
    summary = np.array([[], []], "float32")
    for batch in batches:
        summary = kd.merge_summaries(kd.summarize(np.asarray(batch, "float32"), epsilon), summary, epsilon)
    return kd.get_bin_boundaries(summary, num_bins).tolist()


@pytest.mark.parametrize("size,num_bins", [(10, 32), (10, 3), (100, 4), (1000, 10), (70, 5)])
def test_discretization_adapt_matches_keras_quantile_summary(size, num_bins):
    values = np.random.default_rng(size).normal(size=(size, 1)).astype(np.float32)
    layer = keras.layers.Discretization(num_bins=num_bins)
    layer.adapt(values)
    assert layer.bin_boundaries == _keras_quantile_boundaries([values], num_bins)
    batches = [values[k:k + 32] for k in range(0, size, 32)]
    layer.adapt(iter(batches))
    assert layer.bin_boundaries == _keras_quantile_boundaries(batches, num_bins)
    # FeatureSpace.adapt batches a dict of columns by 32, as Keras's from_tensor_slices(...).batch(32)
    fs = FeatureSpace({"x": FeatureSpace.float_discretized(num_bins=num_bins)})
    fs.adapt({"x": values[:, 0]})
    assert fs.preprocessors["x"].bin_boundaries == _keras_quantile_boundaries(batches, num_bins)


def test_functional_inputs_gain_or_lose_a_trailing_axis_of_one_as_keras():
    _real_layers()
    real = pytest.importorskip("keras")
    for K in (real, keras):
        wide = K.Input((3,))
        column = K.Input((1,))
        model = K.Model([wide, column], K.layers.Concatenate()([wide, column]))
        out = model.predict([np.ones((4, 3, 1), np.float32), np.arange(4, dtype=np.float32)], verbose=0)
        assert out.shape == (4, 4)
        np.testing.assert_array_equal(out[:, 3], np.arange(4))


def test_categorical_and_crossed_features_hand_computed():
    data = {"color": ["red", "blue", "red", "green", "red", "blue"], "size": [3, 1, 3, 2, 3, 7]}
    fs = FeatureSpace({"color": "string_categorical", "size": "integer_categorical"},
                      crosses=[("color", "size")], crossing_dim=8, output_mode="dict")
    fs.adapt(data)
    # vocabularies by count, then by token from high to low; index 0 is the OOV slot
    assert fs.preprocessors["color"].get_vocabulary() == ["[UNK]", "red", "blue", "green"]
    assert fs.preprocessors["size"].get_vocabulary() == [-1, 3, 7, 2, 1]
    out = fs({"color": ["blue", "purple"], "size": [7, 5]})
    np.testing.assert_array_equal(out["color"].numpy(), [[0, 0, 1, 0], [1, 0, 0, 0]])
    np.testing.assert_array_equal(out["size"].numpy(), [[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]])
    crossed = keras.layers.HashedCrossing(8)([np.array([[2], [0]]), np.array([[2], [0]])]).numpy()
    np.testing.assert_array_equal(out["color_X_size"].numpy(), np.eye(8, dtype=np.float32)[crossed[:, 0]])
    assert list(out) == ["color", "size", "color_X_size"]   # features sorted, then crosses sorted


def test_hashed_features_equal_hashing_layers():
    data = {"s": ["a", "b", "c"], "i": [10, 20, 30]}
    fs = FeatureSpace({"s": FeatureSpace.string_hashed(num_bins=5, output_mode="int"), "i": "integer_hashed"},
                      hashing_dim=7, output_mode="dict")
    out = fs(data)   # nothing to adapt: hashing learns nothing
    np.testing.assert_array_equal(out["s"].numpy(), keras.layers.Hashing(5)(np.array([["a"], ["b"], ["c"]])).numpy())
    bins = keras.layers.Hashing(7)(np.array([[10], [20], [30]])).numpy()[:, 0]
    np.testing.assert_array_equal(out["i"].numpy(), np.eye(7, dtype=np.float32)[bins])


def test_output_sizes_match_keras_tests_and_unbatched_calls():
    fs = FeatureSpace({"float_1": "float", "float_2": "float_normalized", "float_3": "float_discretized",
                       "int_1": "integer_categorical", "int_2": "integer_hashed", "int_3": "integer_categorical"},
                      crosses=[("int_1", "int_2"), ("int_2", "int_3")], output_mode="concat")
    fs.adapt(_data(strings=False))
    one = fs({key: values[0] for key, values in _data(strings=False).items()})
    assert tuple(one.shape) == (152,)
    batch = fs(_data(strings=False))
    assert tuple(batch.shape) == (10, 152)
    np.testing.assert_allclose(batch.numpy()[0], one.numpy())
    as_tensors = fs({k: keras.ops.convert_to_tensor(v) for k, v in _data(strings=False).items()})
    np.testing.assert_allclose(as_tensors.numpy(), batch.numpy())


def test_advanced_specs_size_matches_keras():
    cls = FeatureSpace
    fs = FeatureSpace({"float_1": cls.float(), "float_2": cls.float_normalized(),
                       "float_3": cls.float_discretized(num_bins=3), "string_1": cls.string_categorical(max_tokens=5),
                       "string_2": cls.string_hashed(num_bins=32),
                       "int_1": cls.integer_categorical(max_tokens=5, num_oov_indices=2),
                       "int_2": cls.integer_hashed(num_bins=32), "int_3": cls.integer_categorical(max_tokens=5)},
                      crosses=[cls.cross(("float_3", "string_1"), crossing_dim=32),
                               cls.cross(("string_2", "int_2"), crossing_dim=32)])
    fs.adapt(_data())
    assert tuple(fs({k: v[0] for k, v in _data().items()}).shape) == (148,)


def test_adapt_on_data_pipelines():
    class Rows(nn.data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, k):
            return {"f": np.float32(FLOATS[k]), "s": str(k % 3)}, k % 2

    loader = nn.data.DataLoader(Rows(), batch_size=4)
    reference = FeatureSpace({"f": "float_normalized", "s": "string_categorical"})
    reference.adapt({"f": FLOATS, "s": [str(k % 3) for k in range(10)]})
    sample = {"f": [0.25, 0.5], "s": ["1", "9"]}
    batched = BatchedDataset(10, lambda k: ({"f": np.float32(FLOATS[k]), "s": np.str_(k % 3)}, k % 2), 4)
    for source in (loader, batched, ({"f": f, "s": str(k % 3)} for k, f in enumerate(FLOATS)),
                   [{"f": np.array(FLOATS[:5]), "s": ["0", "1", "2", "0", "1"]},
                    {"f": np.array(FLOATS[5:]), "s": ["2", "0", "1", "2", "0"]}]):
        fs = FeatureSpace({"f": "float_normalized", "s": "string_categorical"})
        fs.adapt(source)
        np.testing.assert_allclose(fs(sample).numpy(), reference(sample).numpy(), rtol=1e-6)


def test_custom_preprocessors():
    text = {"text": ["1st string", "2nd string", "3rd string"]}
    fs = FeatureSpace({"text": FeatureSpace.feature(preprocessor=keras.layers.TextVectorization(output_mode="tf_idf"),
                                                    dtype="string", output_mode="float")})
    fs.adapt(text)
    assert tuple(fs(text).shape) == (3, 5)
    mean, variance = 12.0, 5.0
    fixed = FeatureSpace({"int_1": "integer_hashed",
                          "float_1": FeatureSpace.feature(dtype="float32", output_mode="float",
                                                          preprocessor=keras.layers.Normalization(mean=mean,
                                                                                                  variance=variance))},
                         output_mode="dict")
    floats = [-1.2, 0.0, 2.4, 1.2, 15.0, -100.0, 23.1, 3.12, 0.1, -0.01]
    out = fixed({"int_1": list(range(10)), "float_1": floats})   # nothing to adapt
    assert tuple(out["int_1"].shape) == (10, 32)
    np.testing.assert_allclose(out["float_1"].numpy()[:, 0], (np.array(floats) - mean) / np.sqrt(variance), rtol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FeatureSpace(features={})
    with pytest.raises(ValueError, match="crossing_dim"):
        FeatureSpace({"a": "integer_categorical", "b": "integer_categorical"}, crosses=[("a", "b")], crossing_dim=None)
    with pytest.raises(ValueError, match="unknown features"):
        FeatureSpace({"a": "integer_categorical"}, crosses=[("a", "b")])
    with pytest.raises(ValueError, match="invalid feature type 'floaty'"):
        FeatureSpace({"a": "floaty"})
    with pytest.raises(ValueError, match="output_mode must be 'dict' or 'concat'"):
        FeatureSpace({"a": "float"}, output_mode="list")
    fs = FeatureSpace({"a": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        fs({"a": [1.0]})
    with pytest.raises(ValueError, match="adapt"):
        fs.get_inputs()
    fs.adapt({"a": [1.0, 2.0]})
    with pytest.raises(ValueError, match="only be called with a dict"):
        fs([1.0])
    with pytest.raises(ValueError, match=r"lacks the features \['a'\]"):
        fs({"b": [1.0]})
    with pytest.raises(ValueError, match="dict of arrays/lists or an iterable"):
        FeatureSpace({"a": "float_normalized"}).adapt(3)
    with pytest.raises(ValueError, match="has not been encoded"):
        FeatureSpace({"a": FeatureSpace.integer_hashed(4, output_mode="int")})({"a": [1]})


def test_config_round_trip_and_saving(tmp_path):
    data = _data()
    fs = FeatureSpace({"float_2": "float_normalized", "float_3": FeatureSpace.float_discretized(num_bins=3),
                       "string_1": "string_categorical", "int_2": FeatureSpace.integer_hashed(num_bins=16)},
                      crosses=[FeatureSpace.cross(("string_1", "int_2"), crossing_dim=8)], output_mode="concat")
    fresh = FeatureSpace.from_config(fs.get_config())
    fs.adapt(data)
    fresh.adapt(data)
    reference = fs(data).numpy()
    np.testing.assert_allclose(fresh(data).numpy(), reference)
    fs.save(str(tmp_path / "fs.keras"))
    loaded = keras.models.load_model(str(tmp_path / "fs.keras"))
    np.testing.assert_allclose(loaded(data).numpy(), reference)
    model = keras.Model(loaded.get_inputs(), loaded.get_encoded_features())
    predicted = model.predict({k: np.asarray(data[k]) for k in loaded.get_inputs()}, verbose=0)
    np.testing.assert_allclose(predicted, reference, rtol=1e-6)


def test_structured_data_classification_flow(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n = 200
    frame = {"age": rng.integers(30, 70, n).astype(np.float32), "sex": rng.integers(0, 2, n),
             "thal": rng.choice(["fixed", "normal", "reversible"], n), "chol": rng.normal(240, 40, n)}
    labels = ((frame["age"] > 50) & (frame["thal"] != "normal")).astype(np.float32)
    fs = FeatureSpace({"age": "float_discretized", "sex": "integer_categorical", "thal": "string_categorical",
                       "chol": "float_normalized"}, crosses=[FeatureSpace.cross(("sex", "age"), crossing_dim=16)],
                      output_mode="concat")
    fs.adapt(nn.data.DataLoader(_DictRows(frame), batch_size=32))
    encoded = fs(frame)
    dict_inputs = fs.get_inputs()
    encoded_features = fs.get_encoded_features()
    x = keras.layers.Dense(16, activation="relu")(encoded_features)
    predictions = keras.layers.Dense(1, activation="sigmoid")(x)
    training_model = keras.Model(inputs=encoded_features, outputs=predictions)
    training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
    history = training_model.fit(encoded.numpy(), labels, epochs=30, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
    sample = {"age": 60, "sex": 1, "thal": "fixed", "chol": 233}
    input_dict = {name: np.asarray([value]) for name, value in sample.items()}
    prediction = inference_model.predict(input_dict, verbose=0)
    assert prediction.shape == (1, 1)
    direct = training_model.predict(fs(sample).numpy()[None], verbose=0)
    np.testing.assert_allclose(prediction, direct, rtol=1e-5)
    inference_model.save(str(tmp_path / "inference.keras"))
    reloaded = keras.models.load_model(str(tmp_path / "inference.keras"))
    np.testing.assert_allclose(reloaded.predict(input_dict, verbose=0), prediction, rtol=1e-5)


class _DictRows(nn.data.Dataset):
    """Rows of a dict of columns, as (features dict, label)."""

    def __init__(self, frame):
        self.frame = frame

    def __len__(self):
        return len(next(iter(self.frame.values())))

    def __getitem__(self, k):
        return {key: column[k] for key, column in self.frame.items()}, 0
