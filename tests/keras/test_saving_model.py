"""Whole-model saving: model.save('m.keras') / keras.models.load_model round trips (Sequential, functional with
shared layers, subclassed models with custom layers), compile state and optimizer variables, atomic writes,
and the errors Keras users meet (unknown classes, broken files, wrong extensions)."""
import importlib.util
import json
import os
import warnings
import zipfile

import numpy as np
import pytest

from nn import keras
from nn.keras import layers

RNG = np.random.default_rng(7)
X = RNG.standard_normal((24, 4)).astype(np.float32)
X2 = RNG.standard_normal((24, 3)).astype(np.float32)
Y = RNG.integers(0, 3, 24)
Y2 = RNG.standard_normal((24, 1)).astype(np.float32)


def _sequential():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _functional():
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    joined = layers.Concatenate()([shared(layers.Dense(5)(a)), shared(layers.Dense(5)(b))])
    model = keras.Model([a, b], [layers.Dense(3, activation="softmax", name="cls")(joined),
                                 layers.Dense(1, name="reg")(joined)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]])
    return model


def _fit(model, x, y, epochs):
    return model.fit(x, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0).history


def _same_predictions(a, b, x):
    pa, pb = a.predict(x, verbose=0), b.predict(x, verbose=0)
    for u, v in zip(pa if isinstance(pa, list) else [pa], pb if isinstance(pb, list) else [pb]):
        np.testing.assert_array_equal(u, v)


def test_sequential_round_trip_predicts_and_trains_identically(tmp_path):
    model = _sequential()
    _fit(model, X, Y, 2)   # the optimizer has slots and a step count worth saving
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is keras.Sequential and loaded.name == model.name
    assert [type(l).__name__ for l in loaded.layers] == ["Dense", "BatchNormalization", "Dense"]
    _same_predictions(model, loaded, X)
    assert type(loaded.optimizer) is keras.optimizers.Adam and loaded.optimizer.iterations == model.optimizer.iterations
    assert _fit(loaded, X, Y, 3) == _fit(model, X, Y, 3)   # 3 more epochs: same losses and metrics, bit for bit
    for w_loaded, w_model in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(w_loaded, w_model)


def test_file_layout_follows_keras(tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        # model.weights.h5, the same weights in Keras's HDF5 layout for real Keras, only where h5py is installed
        assert archive.namelist()[:3] == ["metadata.json", "config.json", "model.weights.safetensors"]
        assert archive.namelist()[3:] in ([], ["model.weights.h5"])
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert {"keras_version", "date_saved"} <= set(metadata)
    assert set(config) == {"module", "class_name", "config", "registered_name", "build_config", "compile_config"}
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    assert config["build_config"] == {"input_shape": [None, 4]}
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    dense = config["config"]["layers"][1]
    assert (dense["module"], dense["class_name"], dense["config"]["units"]) == ("keras.layers", "Dense", 8)


def test_functional_two_inputs_two_outputs_shared_layer(tmp_path):
    model = _functional()
    _fit(model, [X, X2], [Y, Y2], 1)
    model.save(tmp_path / "f.keras")
    loaded = keras.saving.load_model(tmp_path / "f.keras")
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert len(loaded.get_layer("shared")._symbolic_calls) == 2   # rebuilt once, called twice
    assert loaded.count_params() == model.count_params()
    _same_predictions(model, loaded, [X, X2])
    assert _fit(loaded, [X, X2], [Y, Y2], 3) == _fit(model, [X, X2], [Y, Y2], 3)


def test_functional_config_round_trips_through_from_config():
    model = _functional()
    clone = keras.Model.from_config(model.get_config())
    assert clone.input_names == ["a", "b"] and clone.output_names == ["cls", "reg"]
    clone.set_weights(model.get_weights())
    _same_predictions(model, clone, [X, X2])


@keras.saving.register_keras_serializable(package="tests")
class ScaledDense(keras.layers.Layer):
    """A custom layer with a config: units and a scale."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")

    def call(self, inputs):
        return (inputs @ self.kernel) * self.scale

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale})
        return config


@keras.saving.register_keras_serializable(package="tests")
class TwoBlock(keras.Model):
    """A subclassed model with a custom layer, configured by plain constructor arguments."""

    def __init__(self, hidden=6, outputs=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.outputs_count = hidden, outputs
        self.body = ScaledDense(hidden, scale=0.5)
        self.head = layers.Dense(outputs, activation="softmax")

    def call(self, inputs, training=None):
        return self.head(keras.ops.relu(self.body(inputs)))

    def get_config(self):
        return {"hidden": self.hidden, "outputs": self.outputs_count, "name": self.name}


def test_subclassed_model_registered(tmp_path):
    model = TwoBlock()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    _fit(model, X, Y, 1)
    model.save(tmp_path / "c.keras")
    with zipfile.ZipFile(tmp_path / "c.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["registered_name"] == "tests>TwoBlock" and config["build_config"]["input_shape"] == [8, 4]
    loaded = keras.models.load_model(tmp_path / "c.keras")
    assert type(loaded) is TwoBlock and type(loaded.body) is ScaledDense and loaded.body.scale == 0.5
    _same_predictions(model, loaded, X)
    assert _fit(loaded, X, Y, 3) == _fit(model, X, Y, 3)


def test_subclassed_model_through_custom_objects(tmp_path):
    class Unregistered(keras.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.inner = ScaledDense(units, scale=2.0)

        def call(self, inputs):
            return self.inner(inputs)

    model = Unregistered(units=5)
    model(X[:2])
    model.save(tmp_path / "u.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Unregistered'.*custom_objects"):
        keras.models.load_model(tmp_path / "u.keras")
    loaded = keras.models.load_model(tmp_path / "u.keras", custom_objects={"Unregistered": Unregistered})
    assert loaded.units == 5   # the automatic config: the constructor's plain arguments
    _same_predictions(model, loaded, X)
    with keras.saving.custom_object_scope({"Unregistered": Unregistered}):
        _same_predictions(model, keras.models.load_model(tmp_path / "u.keras"), X)


def test_model_without_config_for_object_arguments_cannot_be_saved(tmp_path):
    class Wraps(keras.Model):
        def __init__(self, layer):
            super().__init__()
            self.layer = layer

        def call(self, inputs):
            return self.layer(inputs)

    model = Wraps(layers.Dense(2))
    model(X[:2])
    with pytest.raises(NotImplementedError, match="non-serializable argument values.*get_config"):
        model.save(tmp_path / "w.keras")
    assert not os.listdir(tmp_path)   # nothing written, no temporary left behind


def test_custom_loss_and_activation_functions(tmp_path):
    def scaled_tanh(x):
        return keras.ops.tanh(x) * 2.0

    @keras.saving.register_keras_serializable(package="tests")
    def half_mse(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1) * 0.5

    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation=scaled_tanh), layers.Dense(1)])
    model.compile(optimizer="sgd", loss=half_mse)
    _fit(model, X, Y2, 1)
    model.save(tmp_path / "l.keras")
    with pytest.raises(TypeError, match="scaled_tanh"):
        keras.models.load_model(tmp_path / "l.keras")
    loaded = keras.models.load_model(tmp_path / "l.keras", custom_objects={"scaled_tanh": scaled_tanh})
    assert loaded.layers[0].activation is scaled_tanh
    _same_predictions(model, loaded, X)
    assert _fit(loaded, X, Y2, 2) == _fit(model, X, Y2, 2)


def test_compile_false_and_uncompiled_models(tmp_path):
    model = _sequential()
    _fit(model, X, Y, 1)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert loaded._compiled is None
    _same_predictions(model, loaded, X)
    with pytest.raises(RuntimeError, match="compile"):
        loaded.fit(X, Y, verbose=0)
    plain = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    plain.save(tmp_path / "p.keras")
    assert keras.models.load_model(tmp_path / "p.keras")._compiled is None


def test_unbuilt_sequential_and_lambda_free_layers(tmp_path):
    model = keras.Sequential([layers.Dense(3), layers.Dense(2)])
    model(X[:2])
    model.save(tmp_path / "s.keras")
    _same_predictions(model, keras.models.load_model(tmp_path / "s.keras"), X)


def test_save_is_atomic(tmp_path, monkeypatch):
    model = _sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    from nn.keras.saving import model_file

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(model_file.zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.keras"]


def test_overwrite_false_refuses(tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


@pytest.mark.parametrize("name", ["m.tf", "m"])   # names ending in '.h5' / '.hdf5': legacy HDF5, as Keras (leftovers6)
def test_save_refuses_other_extensions(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.keras"):
        _sequential().save(tmp_path / name)


def test_load_refuses_broken_and_other_files(tmp_path):
    keras_file = tmp_path / "real.keras"
    with zipfile.ZipFile(keras_file, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")
    with pytest.raises(ValueError, match="HDF5"):
        keras.models.load_model(tmp_path / "old.h5")
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(tmp_path / "missing.keras")
    (tmp_path / "junk.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a zip"):
        keras.models.load_model(tmp_path / "junk.keras")
    pytest.importorskip("h5py")
    with pytest.raises(ValueError, match="model.weights.h5'\\): not a readable HDF5 file"):
        keras.models.load_model(keras_file)   # real Keras's layout, but its weights member is broken


def test_save_weights_names_and_keras_files(tmp_path):
    model = _sequential()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "w.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # without h5py: a warning, and safetensors inside
        model.save_weights(tmp_path / "w.weights.h5")
    with open(tmp_path / "w.weights.h5", "rb") as f:   # Keras's HDF5 layout when h5py is there
        assert (f.read(8) == b"\x89HDF\r\n\x1a\n") == (importlib.util.find_spec("h5py") is not None)
    other = _sequential()
    other.load_weights(tmp_path / "w.weights.h5")
    _same_predictions(model, other, X)
    model.save(tmp_path / "m.keras")
    third = _sequential()
    third.load_weights(tmp_path / "m.keras")   # Keras reads the weights of a .keras file too
    _same_predictions(model, third, X)
    (tmp_path / "real.weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    pytest.importorskip("h5py")
    with pytest.raises(ValueError, match="not a readable HDF5 file"):
        other.load_weights(tmp_path / "real.weights.h5")   # HDF5's signature, then nothing HDF5 can read


def test_lambdas_are_refused_clearly(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, activation=lambda x: x * 2)])
    with pytest.raises(ValueError, match="lambda"):
        model.save(tmp_path / "m.keras")


def test_model_checkpoint_writes_whole_models_to_keras_names(tmp_path):
    model = _sequential()
    path = tmp_path / "best.keras"
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(str(path), monitor="loss")])
    _same_predictions(model, keras.models.load_model(path), X)


def test_config_json_matches_real_keras_structure(tmp_path):
    from .oracle import real_keras
    real = real_keras()
    theirs = real.Sequential([real.Input((4,)), real.layers.Dense(3, activation="relu", name="d")])
    theirs.compile(optimizer="adam", loss="mse")
    theirs.save(tmp_path / "theirs.keras")
    ours = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu", name="d")])
    ours.compile(optimizer="adam", loss="mse")
    ours.save(tmp_path / "ours.keras")
    configs = []
    for name in ("theirs.keras", "ours.keras"):
        with zipfile.ZipFile(tmp_path / name) as archive:
            configs.append(json.loads(archive.read("config.json")))
    theirs_config, ours_config = configs
    assert set(ours_config) == set(theirs_config)
    for key in ("module", "class_name", "registered_name", "build_config"):
        assert ours_config[key] == theirs_config[key], key
    assert set(ours_config["compile_config"]) == set(theirs_config["compile_config"])
    assert set(ours_config["config"]) >= set(theirs_config["config"]) - {"dtype"}
    their_dense, our_dense = theirs_config["config"]["layers"][1], ours_config["config"]["layers"][1]
    assert set(our_dense) == set(their_dense)
    for key in ("units", "activation", "use_bias", "name", "trainable"):
        assert our_dense["config"][key] == their_dense["config"][key], key
    pytest.importorskip("h5py")   # real Keras's files load too (tests/keras/test_load_real_keras_files.py)
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    loaded = keras.models.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    theirs.save_weights(tmp_path / "theirs.weights.h5")
    ours.load_weights(tmp_path / "theirs.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_objects_in_configs_round_trip(tmp_path):
    """Initializer, regularizer, loss, metric and learning-rate-schedule objects are saved and made again."""
    x = RNG.standard_normal((8, 6, 6, 3)).astype(np.float32)
    y = RNG.integers(0, 2, 8)
    model = keras.Sequential([
        keras.Input((6, 6, 3)),
        layers.Conv2D(4, (3, 3), padding="same", kernel_regularizer=keras.regularizers.l2(0.01),
                      kernel_initializer=keras.initializers.HeNormal()),
        layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dense(2)])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.5),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(), "accuracy"])
    _fit(model, x, y, 1)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    conv = loaded.layers[0]
    assert conv.kernel_size in ((3, 3), [3, 3]) and type(loaded.loss).__name__ == "SparseCategoricalCrossentropy"
    assert loaded.loss.get_config()["from_logits"] is True
    assert type(loaded.optimizer._schedule).__name__ == "ExponentialDecay"
    _same_predictions(model, loaded, x)
    assert _fit(loaded, x, y, 2) == _fit(model, x, y, 2)


def test_sequence_nested_and_dict_input_models(tmp_path):
    tokens = RNG.integers(1, 20, (6, 5))
    text = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True),
                             layers.Bidirectional(layers.LSTM(3)), layers.Dense(1)])
    inner = keras.Sequential([layers.Dense(3, activation="relu"), layers.Dense(2)], name="inner")
    start = keras.Input((4,))
    nested = keras.Model(start, layers.Dense(1)(inner(start)))
    p, q = keras.Input((2,), name="p"), keras.Input((3,), name="q")
    by_name = keras.Model({"p": p, "q": q}, layers.Dense(1)(layers.Concatenate()([p, q])))
    inputs = {"p": X[:, :2], "q": X2}
    for k, (model, x) in enumerate([(text, tokens), (nested, X), (by_name, inputs)]):
        model.save(tmp_path / f"{k}.keras")
        _same_predictions(model, keras.models.load_model(tmp_path / f"{k}.keras"), x)


def test_serialize_and_deserialize_keras_object_directly():
    model = _sequential()
    description = keras.saving.serialize_keras_object(model)
    json.dumps(description)   # JSON-ready
    clone = keras.saving.deserialize_keras_object(description)
    assert type(clone) is keras.Sequential and clone.count_params() == model.count_params()
    assert type(clone.optimizer) is keras.optimizers.Adam   # its compile_config compiles it, as in Keras
    relu = keras.saving.serialize_keras_object(keras.activations.relu)
    assert relu["class_name"] == "function" and keras.saving.deserialize_keras_object(relu) is keras.activations.relu
