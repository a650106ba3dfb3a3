"""A third set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend)
and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers
equal to within float32 training noise. They cover an image classifier with augmentation, BatchNormalization
and a .keras round trip (and a model cut from an inner tensor), a convolutional autoencoder, a Siamese network
with a contrastive loss function, a forecaster with custom weight-owning layers and callbacks, a PyTorch-style
training loop, a masked bidirectional LSTM text classifier, a multi-output model with per-output sample
weights, a subclassed model with its own train_step over self.metrics, and a GAN trained with two
optimizers from data without targets.

Below them, one regression test per bug the programs found."""
import numpy as np
import pytest

from nn import keras
from nn.keras import layers, ops

from .oracle import real_keras
from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_image_classifier_bn", "keras_conv_autoencoder", "keras_siamese_contrastive",
         "keras_forecaster_callbacks", "keras_torch_training_loop", "keras_bilstm_text",
         "keras_weighted_multi_output", "keras_subclassed_training_flag", "keras_gan_two_optimizers"]


@pytest.mark.parametrize("program", NAMES)
def test_third_keras_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 8
    _assert_same_lines(mine, theirs)


# ----- regression tests for the bugs these programs found ---------------------------------------------------

def test_model_from_an_intermediate_tensor_gets_its_own_input_as_in_keras():
    inputs = keras.Input((4,))
    hidden = layers.Dense(3, name="first")(inputs)
    outputs = layers.Dense(2, name="second")(layers.Activation("relu", name="act")(hidden))
    whole = keras.Model(inputs, outputs)
    tail = keras.Model(hidden, outputs)    # Keras's clone_graph_nodes: a new Input for the intermediate tensor
    assert [type(l).__name__ for l in tail.layers] == ["InputLayer", "Activation", "Dense"]
    assert tail.layers[0].name.endswith("CLONE") and tail.inputs[0].shape == (None, 3)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    h = whole.get_layer("first")(x)
    np.testing.assert_allclose(ops.convert_to_numpy(tail(h)), ops.convert_to_numpy(whole(x)), rtol=1e-6)
    assert len(whole.layers) == 4 and keras.Model(inputs, outputs).count_params() == whole.count_params()


def test_loss_function_matches_ranks_before_it_runs_as_keras():
    """A loss function of the user's gets (N, 1) targets for (N, 1) outputs (Keras's LossFunctionWrapper runs
    squeeze_or_expand_to_same_rank first), never (N,) broadcast against (N, 1) to (N, N)."""
    y_true = np.array([0.0, 1.0, 0.0, 1.0], dtype="float32")
    y_pred = np.array([[0.2], [0.7], [0.4], [0.9]], dtype="float32")
    seen = []

    def contrastive(t, p):
        seen.append((tuple(t.shape), str(t.dtype)))
        return ops.mean((1 - t) * ops.square(p) + t * ops.square(ops.maximum(1 - p, 0)))
    value = keras.losses.LossFunctionWrapper(contrastive)(y_true, y_pred)
    t = y_true[:, None]
    expected = np.mean((1 - t) * y_pred ** 2 + t * np.maximum(1 - y_pred, 0) ** 2)
    assert float(ops.convert_to_numpy(value)) == pytest.approx(expected, rel=1e-6)
    assert seen == [((4, 1), "float32")]


def test_a_layer_named_like_a_model_attribute_does_not_break_fit():
    inputs = keras.Input((3,), name="history")
    model = keras.Model(inputs, layers.Dense(1, name="loss")(inputs))
    model.compile("sgd", "mse")
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    assert model.history is history and model.get_layer("history").name == "history"


def test_optimizer_variables_are_named_and_live_as_keras():
    K = real_keras()
    names = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
        model.compile(k.optimizers.Adam(0.1), "mse")
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
        names.append([(v.name, tuple(v.shape)) for v in model.optimizer.variables])
    assert names[1] == names[0]
    variables = model.optimizer.variables
    before = variables[2].numpy().copy()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    assert not np.array_equal(variables[2].numpy(), before)   # a slot follows the optimizer's updates
    assert int(keras.Variable(np.int64(3), dtype="int64").numpy()) == 3


def test_bidirectional_config_serializes_its_layers_and_rebuilds_as_keras():
    K = real_keras()
    configs = [k.layers.Bidirectional(k.layers.LSTM(3, return_sequences=True), merge_mode="sum").get_config()
               for k in (K, keras)]
    for key in ("merge_mode", "name"):
        assert configs[1][key] == configs[0][key]
    for part in ("layer", "backward_layer"):
        for key in ("name", "units", "go_backwards", "return_sequences", "zero_output_for_mask"):
            assert configs[1][part]["config"][key] == configs[0][part]["config"][key], (part, key)
    again = layers.Bidirectional.from_config(configs[1])
    assert (again.forward_layer.name, again.backward_layer.name) == ("forward_lstm", "backward_lstm")


def _two_output_model():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    model.set_weights([np.full(w.shape, 0.5, "float32") for w in model.get_weights()])
    model.compile("sgd", ["mse", "mse"])
    return model


def test_per_output_sample_weights_weigh_each_output_loss():
    model = _two_output_model()
    x = np.array([[1.0, 0.0], [0.0, 1.0]], dtype="float32")
    y = [np.zeros((2, 1), "float32"), np.zeros((2, 1), "float32")]
    weights = [np.array([1.0, 0.0], "float32"), np.array([0.0, 2.0], "float32")]
    results = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    # each output predicts 1.0 on both rows: loss per row 1.0, weighted means 0.5 and 1.0
    assert results["a_loss"] == pytest.approx(0.5) and results["b_loss"] == pytest.approx(1.0)
    by_name = model.evaluate(x, y, sample_weight={"a": weights[0], "b": weights[1]}, verbose=0, return_dict=True)
    assert by_name == results
    model.fit(x, y, sample_weight=weights, epochs=1, verbose=0)


def test_evaluate_lists_a_metric_name_once_per_metric_as_keras():
    K = real_keras()
    x = np.random.default_rng(1).standard_normal((8, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    lengths = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, activation="sigmoid")])
        model.compile("sgd", "binary_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
        lengths.append(len(model.evaluate(x, y, verbose=0)))
    assert lengths[1] == lengths[0] == 4   # loss, accuracy, accuracy again, weighted_accuracy


def test_subclassed_summary_prints_build_shapes_and_question_marks_as_keras():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.scale, self.head = Scale(), layers.Dense(2)

        def call(self, x):
            return self.head(self.scale(x))

    net = Net()
    net(np.ones((3, 4), "float32"))
    lines = []
    net.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "│ ?" in text and "(3, 2)" in text


def test_losses_get_returns_what_keras_returns():
    K = real_keras()
    y, p = np.ones((3, 2), "float32"), np.zeros((3, 2), "float32")
    for name in ("mse", "binary_crossentropy", "MeanSquaredError", "Huber"):
        theirs, mine = K.losses.get(name), keras.losses.get(name)
        assert callable(mine) and type(mine).__name__ == type(theirs).__name__, name
        np.testing.assert_allclose(ops.convert_to_numpy(mine(y, p)), ops.convert_to_numpy(theirs(y, p)), rtol=1e-5)
    assert keras.losses.get(None) is None
    custom = lambda a, b: a   # noqa: E731
    assert keras.losses.get(custom) is custom
    assert type(keras.losses.get({"class_name": "MeanSquaredError", "config": {}})).__name__ == "MeanSquaredError"


def test_metrics_get_and_calling_a_metric_as_keras():
    K = real_keras()
    for name in ("accuracy", "mae", "AUC", "binary_accuracy", "MeanSquaredError"):
        theirs, mine = K.metrics.get(name), keras.metrics.get(name)
        assert type(mine).__name__ == type(theirs).__name__, name
        assert mine.name.split("_")[0] == theirs.name.split("_")[0], name   # the class's default name
    assert keras.metrics.get(None) is None and keras.metrics.get(len) is len
    theirs, mine = K.metrics.MeanAbsoluteError(), keras.metrics.MeanAbsoluteError()
    for y, p in (([1.0, 2.0], [1.0, 3.0]), ([0.0], [2.0])):   # calling a metric updates it and returns the result
        assert float(ops.convert_to_numpy(mine(y, p))) == pytest.approx(float(theirs(y, p)))


def test_backend_helpers_and_json_round_trip():
    assert keras.backend.image_data_format() == "channels_last"
    assert keras.backend.is_keras_tensor(keras.Input((2,))) and not keras.backend.is_keras_tensor(np.ones(2))
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="d")])
    model.compile("adam", "mse", metrics=["mae"])
    again = keras.models.model_from_json(model.to_json())
    assert type(again).__name__ == "Sequential" and [l.name for l in again.layers] == ["d"]
    assert again.count_params() == model.count_params() and again.optimizer is not None


def test_fit_and_evaluate_take_data_without_targets_for_a_model_with_its_own_steps():
    class Unsupervised(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.tracker = keras.metrics.Mean(name="energy")

        def call(self, x):
            return self.dense(x)

        def _energy(self, data):
            x = data[0] if isinstance(data, tuple) else data
            return ops.mean(ops.square(self(x)))

        def train_step(self, data):
            self.tracker.update_state(self._energy(data))
            return {"energy": self.tracker.result()}

        def test_step(self, data):
            return self.train_step(data)

    model = Unsupervised()
    model.compile()
    x = np.ones((6, 2), "float32")
    assert len(model.fit(x, batch_size=3, epochs=2, verbose=0).history["energy"]) == 2
    assert np.isfinite(model.evaluate(x, verbose=0))


def test_get_metrics_result_reports_the_loss_of_the_last_evaluate_as_keras():
    K = real_keras()
    x = np.random.default_rng(2).standard_normal((12, 3)).astype("float32")
    y = x[:, :1] * 2
    results = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1)])
        model.set_weights([np.full((3, 1), 0.3, "float32"), np.zeros(1, "float32")])
        model.compile("sgd", "mse", metrics=["mae"])
        model.evaluate(x, y, verbose=0)
        after = {name: float(v) for name, v in model.get_metrics_result().items()}
        model.reset_metrics()
        results.append((after, {name: float(v) for name, v in model.get_metrics_result().items()}))
    assert results[1][0] == pytest.approx(results[0][0], rel=1e-5)
    assert results[1][1] == results[0][1] == {"loss": 0.0, "mae": 0.0}


def test_input_spec_checks_calls_as_keras_and_models_report_input_shape():
    K = real_keras()
    messages = []
    for k in (K, keras):
        class Pairs(k.layers.Layer):
            def __init__(self):
                super().__init__(name="pairs")
                self.input_spec = k.InputSpec(ndim=3, axes={-1: 2})

            def call(self, x):
                return x
        layer = Pairs()
        layer(np.ones((1, 4, 2), "float32"))
        for bad in (np.ones((2, 2), "float32"), np.ones((1, 2, 3), "float32")):
            with pytest.raises(ValueError) as error:
                layer(bad)
            messages.append(str(error.value).split("\n")[0].replace("\x1b[1m", "").replace("\x1b[0m", ""))
        a, b = k.Input((3,)), k.Input((2,))
        model = k.Model([a, b], k.layers.concatenate([a, b]))
        messages.append(repr(model.input_shape))
    assert messages[3:] == messages[:3]
    assert keras.layers.InputSpec is keras.InputSpec


def test_sequential_inputs_outputs_and_input_shape_as_keras():
    K = real_keras()
    seen = []
    for k in (K, keras):
        model = k.Sequential([k.Input((4,)), k.layers.Dense(2)])
        lazy = k.Sequential([k.layers.Dense(2)])
        seen.append(([tuple(t.shape) for t in model.inputs], [tuple(t.shape) for t in model.outputs],
                     model.input_shape, hasattr(lazy, "inputs"), hasattr(lazy, "input_shape")))
    assert seen[1] == seen[0]


def test_optimizer_step_count_weight_decay_exclusions_and_configs_as_keras():
    K = real_keras()
    x = np.random.default_rng(3).standard_normal((8, 3)).astype("float32")
    y = x[:, :1] - x[:, 1:2]
    results = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2), k.layers.Dense(1)])
        model.set_weights([np.full(w.shape, 0.4, "float32") for w in model.get_weights()])
        optimizer = k.optimizers.AdamW(0.05, weight_decay=0.5)
        optimizer.exclude_from_weight_decay(var_names=["bias"])
        model.compile(optimizer, "mse")
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        results.append((int(optimizer.iterations.numpy()), model.get_weights()))
    assert results[1][0] == results[0][0] == 4
    for mine, theirs in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    optimizer = keras.optimizers.deserialize({"class_name": "SGD", "config": {"learning_rate": 0.1}})
    assert type(optimizer).__name__ == "SGD" and float(optimizer.learning_rate) == pytest.approx(0.1)
    optimizer.build(model.trainable_variables)
    assert optimizer.built


def test_learning_rate_scheduler_takes_a_one_argument_schedule_as_keras(capsys):
    K = real_keras()
    rates = []
    for k in (K, keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        model.compile(k.optimizers.SGD(0.1), "mse")
        history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, verbose=0,
                            callbacks=[k.callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1), 1)])
        rates.append([round(v, 6) for v in history.history["learning_rate"]])
        rates.append(capsys.readouterr().out.strip().splitlines())
    assert rates[2:] == rates[:2]


def test_progbar_keeps_and_prints_values_as_keras(capsys):
    K = real_keras()
    seen = []
    for k in (K, keras):
        bar = k.utils.Progbar(4, verbose=0, stateful_metrics=["acc"])
        bar.add(1, [("loss", 1.0), ("acc", 0.5)])
        bar.add(2, [("loss", 0.0), ("acc", 0.7)])
        seen.append({name: list(v) for name, v in bar._values.items()})
        bar.add(1, [("loss", 3.0), ("acc", 0.9)])
        seen.append({name: list(v) for name, v in bar._values.items()})
    assert seen[2:] == seen[:2]
    keras.utils.Progbar(2, verbose=2).update(2, [("loss", 0.25)])
    out = capsys.readouterr().out
    assert out.startswith("2/2 - 0s - ") and out.endswith("step - loss: 0.2500\n")


def test_summary_show_trainable_and_expand_nested_as_keras(monkeypatch):
    K = real_keras()
    monkeypatch.setenv("COLUMNS", "140")
    texts = []
    for k in (K, keras):
        k.backend.clear_session()
        tower_in = k.Input((2,), name="t_in")
        tower = k.Model(tower_in, k.layers.Dense(3, name="t_d")(k.layers.Dense(4, name="t_h")(tower_in)),
                        name="tower")
        a, b = k.Input((2,), name="a"), k.Input((2,), name="b")
        model = k.Model([a, b], k.layers.Dense(1, name="out")(k.layers.concatenate([tower(a), tower(b)], name="cat")))
        tower.get_layer("t_h").trainable = False
        for options in ({"show_trainable": True, "expand_nested": True}, {"show_trainable": True}):
            lines = []
            model.summary(print_fn=lambda text, line_break=True: lines.append(text), **options)
            texts.append("\n".join(lines).strip().splitlines())
    assert texts[2:] == texts[:2]


@pytest.mark.parametrize("name", ["celu", "glu", "hard_shrink", "hard_silu", "hard_swish", "hard_tanh", "log_sigmoid",
                                  "soft_shrink", "sparse_plus", "sparse_sigmoid", "squareplus", "tanh_shrink"])
def test_every_keras_activation_name_resolves_with_keras_values(name):
    """(sparsemax resolves too, but Keras 3.15's activation of that name, on torch, does not give keras.ops.sparsemax's
    values, which ours gives: it is left out.)"""
    K = real_keras()
    x = np.linspace(-3, 3, 24, dtype="float32").reshape(3, 8)
    theirs = K.ops.convert_to_numpy(K.layers.Activation(name)(x))
    mine = ops.convert_to_numpy(layers.Activation(name)(x))
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_fit_overrides_a_nested_models_training_false_once_unfrozen_as_keras():
    """Keras 3's functional models pass the call's training flag to every layer, over the one a layer was
    called with in the graph: after `base.trainable = True`, `base(x, training=False)` trains (batch statistics,
    moving averages updated), as keras.io's transfer-learning guide now says."""
    K = real_keras()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype("float32") * 3 + 1, rng.standard_normal((16, 1)).astype("float32")
    seen = []
    for k in (K, keras):
        base_in = k.Input((4,))
        base = k.Model(base_in, k.layers.BatchNormalization(name="bn")(k.layers.Dense(3)(base_in)))
        inputs = k.Input((4,))
        model = k.Model(inputs, k.layers.Dense(1)(base(inputs, training=False)))
        model.set_weights([np.full(w.shape, 0.2, "float32") for w in model.get_weights()])
        runs = []
        for trainable in (False, True):
            base.trainable = trainable
            model.compile(k.optimizers.SGD(0.05), "mse")
            history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
            runs.append((history.history["loss"], k.ops.convert_to_numpy(base.get_layer("bn").moving_mean)))
        runs.append(model.predict(x[:3], verbose=0))
        seen.append(runs)
    for (m_loss, m_mean), (t_loss, t_mean) in zip(seen[1][:2], seen[0][:2]):
        np.testing.assert_allclose(m_loss, t_loss, rtol=1e-5)
        np.testing.assert_allclose(m_mean, t_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(seen[1][2], seen[0][2], rtol=1e-5, atol=1e-6)


def test_numpy_snapshots_of_weights_do_not_follow_later_updates_as_in_keras():
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), layers.BatchNormalization(), layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    kernel, mean = model.layers[1].kernel, model.layers[0].moving_mean
    snapshots = [ops.convert_to_numpy(kernel), kernel.numpy(), ops.convert_to_numpy(mean), mean.numpy()]
    copies = [s.copy() for s in snapshots]
    model.fit(x, np.ones((8, 1), "float32"), epochs=1, verbose=0)
    assert not np.array_equal(kernel.numpy(), copies[0]) and not np.array_equal(mean.numpy(), copies[2])
    for snapshot, copy in zip(snapshots, copies):
        np.testing.assert_array_equal(snapshot, copy)
    variable = keras.Variable(np.ones(2, "float32"))
    before = variable.numpy()
    variable.assign_add(np.ones(2, "float32"))
    np.testing.assert_array_equal(before, [1.0, 1.0])


def test_fit_evaluate_predict_take_pandas_frames_and_series_as_keras():
    pd = pytest.importorskip("pandas")
    K = real_keras()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.standard_normal((10, 3)).astype("float32"), columns=list("abc"))
    labels = pd.Series((frame.a > 0).astype("float32"))
    seen = []
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, activation="sigmoid")])
        model.set_weights([np.full((3, 1), 0.2, "float32"), np.zeros(1, "float32")])
        model.compile(k.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
        history = model.fit(frame, labels, epochs=2, batch_size=5, shuffle=False, verbose=0, validation_split=0.2)
        seen.append((history.history["loss"], history.history["val_loss"], model.predict(frame, verbose=0),
                     model.evaluate(frame, labels, sample_weight=pd.Series(np.linspace(0, 1, 10)), verbose=0)))
    for mine, theirs in zip(seen[1], seen[0]):
        np.testing.assert_allclose(np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-5)


def test_simple_rnn_config_lists_every_argument_as_keras():
    K = real_keras()
    theirs = K.layers.SimpleRNN(3).get_config()
    mine = layers.SimpleRNN(3).get_config()
    for key in ("return_sequences", "go_backwards", "use_bias", "dropout", "unroll", "return_state"):
        assert mine[key] == theirs[key], key
    again = layers.SimpleRNN.from_config(layers.SimpleRNN(3, activation="relu", return_sequences=True).get_config())
    assert again.return_sequences and again.get_config()["activation"] == "relu"
