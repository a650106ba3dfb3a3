"""Regression tests for the bugs found by the twenty-fifth round of ported Keras programs
(tests/keras/test_keras_programs_round25.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _method_named_layers(K, folder):
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = x.sum(axis=1, keepdims=True)
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="fit"), K.layers.Dense(1, name="predict")])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32"), np.full((2, 1), 0.2, "float32"),
                       np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    losses = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False).history["loss"]
    inputs = K.Input((3,))
    outputs = K.layers.Dense(1, name="call")(K.layers.Dense(2, name="evaluate")(inputs))
    functional = K.Model(inputs, outputs)
    functional.set_weights(model.get_weights())
    functional.compile(optimizer="sgd", loss="mse")
    path = str(folder / "named.keras")
    functional.save(path)
    again = K.models.load_model(path)
    return ([round(v, 6) for v in losses], np.round(model.predict(x[:2], verbose=0), 6).tolist(),
            round(functional.evaluate(x, y, verbose=0), 6), round(again.evaluate(x, y, verbose=0), 6),
            np.round(K.ops.convert_to_numpy(again(x[:2])), 6).tolist(),
            model.get_layer("fit").name, [w.path for w in functional.weights])


def test_layers_named_after_model_methods_do_not_hide_them(tmp_path):
    """A layer named "fit", "predict", "evaluate" or "call" works in Keras (layers are not model attributes);
    nn.keras mirrored each registered layer into the model's attributes, so `model.fit(...)` called the Dense
    layer named "fit" (TypeError: Dense.call() got an unexpected keyword argument 'batch_size')."""
    K, ours = fresh_sessions()
    (tmp_path / "k").mkdir()
    (tmp_path / "o").mkdir()
    theirs = _method_named_layers(K, tmp_path / "k")
    mine = _method_named_layers(ours, tmp_path / "o")
    assert mine == theirs


def _nadam_weights(K, clipvalue):
    rng = np.random.default_rng(2505)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] * 1.5 - np.sin(x[:, 1:2])).astype("float32")
    model = K.Sequential([K.Input((4,)), K.layers.Dense(6, activation="tanh"), K.layers.Dense(1)])
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=K.optimizers.Nadam(0.05, clipvalue=clipvalue), loss="mse")
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    return np.concatenate([w.ravel() for w in model.get_weights()])


def test_nadam_float32_steps_round_as_keras():
    """Keras's torch Nadam computes its momentum schedule, the running product and the bias corrections in
    float32; nn.keras computed them in float64, so after 12 steps every weight differed from Keras's, by up to
    3.5e-6 (the Nadam run of keras_r25_rare_optimizers printed 1.93499 where Keras prints 1.935). Now they differ
    by the float32 gradients' ulps, as Adam's do."""
    K, ours = fresh_sessions()
    for clipvalue in (None, 0.3):
        theirs, mine = _nadam_weights(K, clipvalue), _nadam_weights(ours, clipvalue)
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=2.5e-7)


def _iou_warnings(K):
    import warnings
    y_true, y_pred = np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1])
    found = []
    for weight in (np.array([0.5, 1.5, 1.0, 2.0], "float32"), np.array([1, 2, 1, 1]), [0.5, 1.5, 1.0, 2.0], None):
        for metric in (K.metrics.MeanIoU(num_classes=3), K.metrics.MeanIoU(num_classes=3, dtype="float32")):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                metric.update_state(y_true, y_pred, sample_weight=weight)
            found.append((sum(issubclass(w.category, UserWarning) and "float" in str(w.message) for w in caught),
                          round(float(metric.result()), 5)))
    return found


def test_iou_metrics_warn_that_float_weights_are_truncated():
    """Keras's IoU metrics keep an int32 confusion matrix by default and warn (UserWarning) when given float
    sample weights, which they truncate; nn.keras truncated them silently (the warning was missing from
    keras_r25_rare_metrics_fit's output). Integer weights, Python lists and dtype='float32' give no warning."""
    K, ours = fresh_sessions()
    theirs = _iou_warnings(K)
    assert _iou_warnings(ours) == theirs
    assert [count for count, _ in theirs] == [1, 0, 0, 0, 0, 0, 0, 0]


def _standalone_variable_gradient(K):
    a = np.array([[3.0, 0.5], [-0.2, 2.0]], "float32")
    trainable, frozen = K.Variable(a, name="m"), K.Variable(a, name="f", trainable=False)
    value = K.ops.linalg.det(trainable.value)
    value.backward()
    return (round(float(K.ops.convert_to_numpy(value)), 5),
            np.round(K.ops.convert_to_numpy(trainable.value.grad), 5).tolist(),
            bool(trainable.value.requires_grad), bool(frozen.value.requires_grad))


def test_standalone_variable_value_takes_part_in_gradients():
    """On Keras's torch backend `keras.Variable(...).value` is the variable's Parameter, so a loss computed from
    it backpropagates and `variable.value.grad` holds the gradient; nn.keras returned a detached copy (layer
    weights' `.value` was already the weight), so `loss.backward()` raised 'does not require grad'."""
    K, ours = fresh_sessions()
    assert _standalone_variable_gradient(ours) == _standalone_variable_gradient(K)


def _muon_vector_steps(K):
    rng = np.random.default_rng(2510)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x @ np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0], [-1.5, 0.5]], "float32")
    layer = K.layers.Dense(2)
    layer.build((None, 4))
    layer.set_weights([rng.uniform(-0.5, 0.5, (4, 2)).astype("float32"), np.zeros(2, "float32")])
    optimizer = K.optimizers.Muon(learning_rate=0.05, adam_lr_ratio=0.5)
    for _ in range(4):
        for w in layer.trainable_weights:
            w.value.grad = None
        K.ops.mean(K.ops.square(K.ops.subtract(layer(x), y))).backward()
        optimizer.apply_gradients(zip([w.value.grad for w in layer.trainable_weights], layer.trainable_weights))
    return np.asarray(K.ops.convert_to_numpy(layer.bias))


def test_muon_adamw_steps_of_vectors_round_as_keras():
    """Muon trains vectors (biases) with AdamW, whose step size Keras computes in float32 (float32 powers of the
    betas, lr * adam_lr_ratio as a float32 tensor); nn.keras computed it in float64, so after four steps a bias
    differed from Keras's by 7e-7 (keras_r25_optimizer_apply_loop printed 5.28584 where Keras prints 5.28585)."""
    K, ours = fresh_sessions()
    np.testing.assert_allclose(_muon_vector_steps(ours), _muon_vector_steps(K), rtol=0, atol=1e-8)


def _extra_entries_load(K, folder):
    rng = np.random.default_rng(0)
    saved = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="a"), K.layers.Dense(4, name="b")])
    saved.set_weights([rng.normal(size=w.shape).astype("float32") for w in saved.get_weights()])
    path = str(folder / "two.weights.h5")
    saved.save_weights(path)
    fewer = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="a")])
    fewer.load_weights(path)
    inputs = K.Input((3,))
    functional = K.Model(inputs, K.layers.Dense(2, name="z")(inputs))
    functional.load_weights(path)
    more = K.Sequential([K.Input((3,)), K.layers.Dense(2), K.layers.Dense(4), K.layers.Dense(1)])
    try:
        more.load_weights(path)
        refused = None
    except ValueError:
        refused = "ValueError"
    return ([np.round(w, 6).tolist() for w in fewer.get_weights()],
            [np.round(w, 6).tolist() for w in functional.get_weights()], refused)


def test_load_weights_leaves_extra_file_entries_unread(tmp_path):
    """Keras loads a `.weights.h5` file holding more layers than the model (the model's layers take theirs, the
    rest of the file is not read) and refuses only a model layer the file lacks; nn.keras refused the file
    ("the file holds weights at ['layers/dense_1'] that no layer ... takes")."""
    K, ours = fresh_sessions()
    (tmp_path / "k").mkdir()
    (tmp_path / "o").mkdir()
    theirs = _extra_entries_load(K, tmp_path / "k")
    assert _extra_entries_load(ours, tmp_path / "o") == theirs
    assert theirs[2] == "ValueError"


def _automatic_configs(K):
    class WithKw(K.layers.Layer):
        def __init__(self, k=2, **kw):
            super().__init__(**kw)
            self.k = k

        def call(self, x):
            return x * self.k

    class WithKwargs(K.layers.Layer):
        def __init__(self, k=2, **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def call(self, x):
            return x * self.k

    found = []
    for layer in (WithKw(3, name="p"), WithKwargs(3, name="q")):
        config = layer.get_config()
        again = type(layer).from_config(config)
        found.append((sorted(k for k in config if k != "dtype"), config["k"], again.name == layer.name))
    return found


def test_automatic_config_keeps_the_name_only_for_a_kwargs_parameter():
    """Keras's automatic get_config (a Layer subclass without its own) keeps `name` only when the constructor
    has a `name` parameter or variadic keywords called exactly `kwargs`: with `**kw` the name is dropped and
    from_config gives a new one. nn.keras kept it for any variadic keywords."""
    K, ours = fresh_sessions()
    theirs = _automatic_configs(K)
    assert _automatic_configs(ours) == theirs
    assert theirs[0][0] == ["k", "trainable"] and theirs[1][0] == ["k", "name", "trainable"]
