"""Keras 3 programs in the manner of three keras.io developer guides (tests/programs/keras_*_guide.py): making
layers and models by subclassing, saving / serializing models, and writing callbacks. Each runs with real
Keras 3 (torch backend) and, with only its import changed, on deepgrad, in an empty folder: both must print
the same lines, numbers equal to within float32 noise.

Below them, one regression test per bug the programs found."""
import json
import warnings

import numpy as np
import pytest

from nn import keras
from nn.keras import layers, ops

from .oracle import real_keras
from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_subclassing_guide", "keras_saving_guide", "keras_callbacks_guide"]


@pytest.mark.parametrize("program", NAMES)
def test_guide_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 10
    _assert_same_lines(mine, theirs)


# ----- regression tests for the bugs these programs found ---------------------------------------------------

def test_variables_print_and_have_paths_as_keras():
    K = real_keras()
    texts = []
    for k in (K, keras):
        dense = k.layers.Dense(2, name="dense_repr")
        dense.build((None, 3))
        dense.kernel.assign(np.arange(6, dtype="float32").reshape(3, 2))
        texts.append((repr(dense.kernel), str(dense.kernel), repr(k.Variable(np.float32(3.0), name="scalar"))))
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, name="d")], name="net")
        model.compile(k.optimizers.Adam(0.1), "mse")
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
        texts.append([v.path for v in model.optimizer.variables])
    assert texts[2:] == texts[:2]

    class Tracker(keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = self.add_variable((), "zeros", name="seen")   # Keras requires the initializer

        def update_state(self, *args):
            self.seen.assign_add(1.0)

        def result(self):
            return self.seen
    assert Tracker(name="tracker").seen.path == "tracker/seen"   # Keras scopes a metric's variables by its name


def test_load_model_restores_adam_slots_of_a_scalar_weight(tmp_path):
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

        def call(self, x):
            return x * self.scale

    inputs = keras.Input((2,))
    model = keras.Model(inputs, layers.Dense(1)(Scale(name="scale_layer")(inputs)))
    model.compile(keras.optimizers.Adam(0.1), "mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "scalar.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == 2
    model.fit(x, y, epochs=1, verbose=0)
    loaded.fit(x, y, epochs=1, verbose=0)   # resumes from the same slots
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_ops_view_keeps_a_scalar_scalar_as_keras():
    K = real_keras()
    theirs = K.ops.view(np.float32(1.5), "int32")
    mine = ops.view(np.float32(1.5), "int32")
    assert tuple(mine.shape) == tuple(theirs.shape) == ()
    assert int(ops.convert_to_numpy(mine)) == int(K.ops.convert_to_numpy(theirs))


def test_model_compiled_flag_as_keras():
    K = real_keras()
    seen = []
    for k in (K, keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        before = model.compiled
        model.compile("sgd", "mse")
        seen.append((before, model.compiled))
    assert seen[1] == seen[0] == (False, True)


def _configs(k):
    return [k.layers.Dense(3, activation="relu", name="dense_cfg").get_config(),
            k.layers.Dense(2, kernel_initializer=k.initializers.HeNormal(seed=1), kernel_regularizer="l2",
                           activity_regularizer="l1", name="dense_reg").get_config(),
            k.layers.Conv1D(2, 3, padding="causal", name="conv_cfg").get_config(),
            k.layers.Conv2D(2, 3, strides=2, activation="tanh", name="conv2_cfg").get_config(),
            k.layers.LayerNormalization(gamma_regularizer="l2", name="ln_cfg").get_config(),
            k.layers.Dropout(0.25, name="drop_cfg").get_config()]


def test_built_in_layer_configs_have_keras_keys_and_forms():
    K = real_keras()
    theirs, mine = _configs(K), _configs(keras)
    for a, b in zip(mine, theirs):
        assert sorted(a) == sorted(b), b["name"]
        for key, value in b.items():
            if key == "dtype":
                continue
            if isinstance(value, dict):   # serialized initializers / regularizers
                assert a[key]["class_name"] == value["class_name"] and a[key]["module"] == value["module"], key
            else:
                assert a[key] == value, (b["name"], key)
    for config in mine:   # JSON-ready, and each config makes the layer again
        layer_class = {"dense": layers.Dense, "conv": layers.Conv1D, "conv2": layers.Conv2D,
                       "ln": layers.LayerNormalization, "drop": layers.Dropout}[config["name"].split("_")[0]]
        again = layer_class.from_config(json.loads(json.dumps(config)))
        assert again.get_config() == config


def test_layer_normalization_takes_regularizers_constraints_and_rms_scaling_as_keras():
    K = real_keras()
    x = np.random.default_rng(0).standard_normal((4, 5)).astype("float32") * 3 + 1
    outputs = []
    for k in (K, keras):
        plain = k.layers.LayerNormalization(gamma_regularizer=k.regularizers.L2(0.1), beta_regularizer="l1",
                                            gamma_constraint=k.constraints.NonNeg())
        out = plain(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rms = k.layers.LayerNormalization(rms_scaling=True, epsilon=0.01)
        rms_out = rms(x)
        outputs.append((k.ops.convert_to_numpy(out), [float(k.ops.convert_to_numpy(v)) for v in plain.losses],
                        k.ops.convert_to_numpy(rms_out), [w.name for w in rms.weights],
                        rms.get_config()["rms_scaling"]))
    (out, losses, rms_out, names, flag), theirs = outputs[1], outputs[0]
    np.testing.assert_allclose(out, theirs[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(losses, theirs[1], rtol=1e-5)
    np.testing.assert_allclose(rms_out, theirs[2], rtol=1e-5, atol=1e-6)
    assert (names, flag) == (theirs[3], theirs[4]) == (["gamma"], True)
    with pytest.raises(NotImplementedError, match="quantize"):
        layers.Dense(2, quantization_config=object())


def test_save_and_load_own_variables_hooks_as_keras(tmp_path):
    K = real_keras()
    stores = []
    for k in (K, keras):
        norm = k.layers.BatchNormalization()
        norm.build((None, 3))
        store = {}
        norm.save_own_variables(store)
        stores.append({key: np.asarray(k.ops.convert_to_numpy(v)).tolist() for key, v in store.items()})
        store["2"] = np.full(3, 0.5, "float32")
        norm.load_own_variables(store)
        stores.append(np.asarray(k.ops.convert_to_numpy(norm.moving_mean)).tolist())
        with pytest.raises(ValueError, match="expected 4 variables, but received 1"):
            norm.load_own_variables({"0": store["0"]})
    assert stores[2:] == stores[:2]

    class Table(layers.Layer):   # state that is not a weight, kept through the hooks
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.table = np.zeros(3, "float32")

        def call(self, x):
            return x + ops.convert_to_tensor(self.table)

        def save_own_variables(self, store):
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.array(store["table"])

    def make():
        inputs = keras.Input((3,))
        return keras.Model(inputs, Table(name="table")(layers.Dense(3, name="d")(inputs)))
    model = make()
    model.get_layer("table").table = np.array([1.0, 2.0, 3.0], "float32")
    model.save(str(tmp_path / "table.keras"))
    model.save_weights(str(tmp_path / "table.weights.h5"))
    loaded = keras.models.load_model(str(tmp_path / "table.keras"), custom_objects={"Table": Table})
    fresh = make()
    fresh.load_weights(str(tmp_path / "table.weights.h5"))
    x = np.ones((2, 3), "float32")
    for again in (loaded, fresh):
        assert again.get_layer("table").table.tolist() == [1.0, 2.0, 3.0]
        np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_serialize_keras_object_keeps_tuples_as_keras():
    K = real_keras()
    seen = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2, name="a")])
        seen.append((k.saving.serialize_keras_object((1, [2, (3, None)])),
                     k.saving.serialize_keras_object(k.layers.Conv2D(2, 3))["config"]["kernel_size"],
                     [layer.get("build_config") for layer in model.get_config()["layers"]]))
    assert seen[1] == seen[0]
    assert seen[1][2][1] == {"input_shape": (None, 3)}
