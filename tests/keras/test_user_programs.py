"""Regressions found by running Keras users' programs with only the import changed: each compares with real
Keras 3 (torch backend) where Keras defines the answer."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(11)


def _two_input_two_output(K):
    a, b = K.Input(shape=(4,), name="a"), K.Input(shape=(3,), name="b")
    h = K.layers.Concatenate()([K.layers.Dense(6, activation="relu")(a), K.layers.Dense(6, activation="tanh")(b)])
    cls = K.layers.Dense(3, activation="softmax", name="cls")(h)
    reg = K.layers.Dense(1, name="reg")(h)
    model = K.Model([a, b], {"cls": cls, "reg": reg})
    model.compile(optimizer=K.optimizers.Adam(0.01), loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"], "reg": ["mae"]})
    return model


def test_dict_inputs_with_validation_split_match_keras():
    keras = real_keras()
    x = {"a": RNG.standard_normal((50, 4)).astype(np.float32), "b": RNG.standard_normal((50, 3)).astype(np.float32)}
    y = {"cls": RNG.integers(0, 3, 50), "reg": RNG.standard_normal((50, 1)).astype(np.float32)}
    theirs, mine = _two_input_two_output(keras), _two_input_two_output(ours)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=2, batch_size=16, shuffle=False, validation_split=0.2, verbose=0)
    h_theirs, h_mine = theirs.fit(x, y, **kw), mine.fit(x, y, **kw)
    assert sorted(h_mine.history) == sorted(h_theirs.history)
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)


def _scale_layer(K):
    class Scale(K.layers.Layer):
        def __init__(self, units, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.units, self.factor = units, factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="w")

        def call(self, inputs, training=None):
            return (inputs @ self.w) * (self.factor if training else 1.0)

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units, "factor": self.factor})
            return config
    return Scale


def test_custom_layer_get_config_from_config_round_trip_as_keras():
    keras = real_keras()
    for K in (keras, ours):
        Scale = _scale_layer(K)
        config = Scale(3, factor=2.0, name="scale").get_config()
        clone = Scale.from_config(config)
        assert (clone.units, clone.factor, clone.name, clone.trainable) == (3, 2.0, "scale", True), K
        x = np.ones((2, 4), np.float32)
        out = clone(x, training=True)
        np.testing.assert_allclose(np.asarray(out.detach() if hasattr(out, "detach") else out), 8.0)


def test_builtin_layer_and_sequential_configs_rebuild_equal_models():
    keras = real_keras()
    dense_config = ours.layers.Dense(4, activation="relu", use_bias=False, name="d").get_config()
    their_config = keras.layers.Dense(4, activation="relu", use_bias=False, name="d").get_config()
    for key in ("name", "units", "activation", "use_bias", "trainable"):
        assert dense_config[key] == their_config[key], key
    rebuilt = ours.layers.Dense.from_config(dense_config)
    assert (rebuilt.units, rebuilt.use_bias, rebuilt.name) == (4, False, "d")

    Scale = _scale_layer(ours)
    model = ours.Sequential([ours.Input(shape=(3,)), ours.layers.Dense(5, activation="tanh"), Scale(2, factor=3.0)])
    clone = ours.Sequential.from_config(model.get_config(), custom_objects={"Scale": Scale})
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Scale"]
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="custom_objects"):
        ours.Sequential.from_config({"name": "s", "layers": [{"class_name": "NoSuchLayer", "config": {}}]})


def test_unnamed_metrics_get_keras_unique_names_in_history():
    keras = real_keras()
    x = RNG.standard_normal((24, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    keys = []
    for K in (keras, ours):
        K.backend.clear_session()
        runs = []
        for _ in range(2):
            model = K.Sequential([K.Input(shape=(3,)), K.layers.Dense(1, activation="sigmoid")])
            model.compile("sgd", "binary_crossentropy", metrics=[K.metrics.Precision(), K.metrics.Recall()])
            runs.append(sorted(model.fit(x, y, epochs=1, verbose=0).history))
        keys.append(runs)
    assert keys[1] == keys[0]
    assert keys[1][1] == ["loss", "precision_1", "recall_1"]


@pytest.mark.parametrize("options", [{}, {"curve": "PR"}, {"summation_method": "minoring"},
                                     {"curve": "PR", "summation_method": "majoring"}, {"num_thresholds": 7},
                                     {"thresholds": [0.2, 0.5, 0.55]}, {"from_logits": True}])
def test_auc_matches_keras(options):
    keras = real_keras()
    rng = np.random.default_rng(4)
    theirs, mine = keras.metrics.AUC(**options), ours.metrics.AUC(**options)
    for _ in range(3):
        y_true = (rng.random((20, 1)) > 0.4).astype(np.float32)
        y_pred = rng.random((20, 1)).astype(np.float32)
        y_pred[:3, 0] = [0.0, 1.0, 0.5]    # on the thresholds themselves
        if options.get("from_logits"):
            y_pred = y_pred * 6 - 3
        weight = rng.random(20).astype(np.float32)
        theirs.update_state(y_true, y_pred, sample_weight=weight)
        mine.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(float(mine.result()), float(theirs.result()), rtol=1e-6, atol=1e-7)


def test_scheduled_learning_rate_reads_as_keras_after_fit():
    keras = real_keras()
    x = RNG.standard_normal((40, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    rates = []
    for K in (keras, ours):
        model = K.Sequential([K.Input(shape=(3,)), K.layers.Dense(1)])
        schedule = K.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)
        model.compile(optimizer=K.optimizers.Adam(schedule), loss="mse")
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        rates.append(float(np.asarray(K.ops.convert_to_numpy(model.optimizer.learning_rate)
                                      if hasattr(K, "ops") else model.optimizer.learning_rate)))
    np.testing.assert_allclose(rates[1], rates[0], rtol=1e-6)
    np.testing.assert_allclose(rates[1], 0.05 * 0.5 ** (10 / 3), rtol=1e-6)


CONV1D_CASES = [dict(padding="valid"), dict(padding="same", strides=2), dict(padding="causal", dilation_rate=2),
                dict(padding="same", groups=2), dict(padding="valid", data_format="channels_first")]


@pytest.mark.parametrize("options", CONV1D_CASES, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_conv1d_matches_keras_values_and_gradients(options):
    from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads
    keras = real_keras()
    x = RNG.standard_normal((2, 9, 4)).astype(np.float32)
    theirs = keras.layers.Conv1D(6, 3, activation="tanh", **options)
    mine = ours.layers.Conv1D(6, 3, activation="tanh", **options)
    theirs.build(x.shape)
    mine.build((None,) + x.shape[1:])
    mine.set_weights(theirs.get_weights())
    out_theirs = theirs(x).detach().numpy()
    cotangent = [RNG.standard_normal(out_theirs.shape).astype(np.float32)]
    out_t, grads_t = keras_forward_and_grads(theirs, x, cotangent)
    out_o, grads_o = our_forward_and_grads(mine, x, cotangent)
    assert_close_lists(out_o, out_t, what="output")
    assert_close_lists(grads_o, grads_t, what="gradient")


@pytest.mark.parametrize("name", ["MaxPooling1D", "AveragePooling1D"])
@pytest.mark.parametrize("padding,strides", [("valid", None), ("same", 2), ("same", 1)])
def test_pooling1d_matches_keras(name, padding, strides):
    keras = real_keras()
    x = RNG.standard_normal((2, 7, 3)).astype(np.float32)
    theirs = getattr(keras.layers, name)(3, strides=strides, padding=padding)(x).detach().numpy()
    mine = getattr(ours.layers, name)(3, strides=strides, padding=padding)(x).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-6)


def test_conv1d_rejects_images_naming_the_layer():
    layer = ours.layers.Conv1D(2, 3, name="seq_conv")
    with pytest.raises(ValueError, match="seq_conv.*3-D"):
        layer(np.zeros((2, 5, 5, 1), np.float32))


def test_build_called_by_hand_keeps_the_weights_set_afterwards():
    keras = real_keras()
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    theirs, mine = keras.layers.Dense(2), ours.layers.Dense(2)
    theirs.build((None, 4))
    mine.build((None, 4))
    assert mine.built
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine(x).numpy(), theirs(x).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_to_categorical_gives_keras_dtype_and_values():
    keras = real_keras()
    labels = np.array([[2], [0], [1]])
    theirs, mine = keras.utils.to_categorical(labels, 4), ours.utils.to_categorical(labels, 4)
    assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape) == (np.float64, (3, 4))
    np.testing.assert_array_equal(mine, theirs)


def test_layer_added_after_pop_builds_on_the_new_last_layer_as_keras():
    keras = real_keras()
    shapes = []
    for K in (keras, ours):
        model = K.Sequential([K.Input((4,)), K.layers.Dense(8), K.layers.Dense(99)])
        model.pop()
        model.add(K.layers.Dense(3))
        shapes.append((model.output_shape, [tuple(w.shape) for w in model.weights], len(model.layers)))
        model.pop()
        shapes.append((model.output_shape, len(model.layers)))
    assert shapes[2:] == shapes[:2]
    assert shapes[2][1] == [(4, 8), (8,), (8, 3), (3,)]
