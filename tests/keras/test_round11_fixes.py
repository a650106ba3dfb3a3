"""Regression tests for the bugs found by the eleventh round of ported Keras programs
(tests/keras/test_keras_programs_round11.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _seeded(model, seed=0):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def _optimizer_names(K):
    names = [K.optimizers.Adam().name, K.optimizers.Adam().name, K.optimizers.SGD(name="mine").name,
             K.optimizers.SGD(name="mine").name, K.optimizers.SGD().name]
    wrapped = [K.optimizers.LossScaleOptimizer(K.optimizers.RMSprop()) for _ in range(2)]
    return names + [w.name for w in wrapped] + [w.inner_optimizer.name for w in wrapped]


def test_automatic_optimizer_names_count_up_as_keras():
    """Every unnamed Adam was 'adam': Keras names the second 'adam_1' (the mixed-precision guide prints it)."""
    K, ours = fresh_sessions()
    assert _optimizer_names(ours) == _optimizer_names(K)


def _weight_shapes(K):
    dense, norm = K.layers.Dense(2), K.layers.BatchNormalization()
    dense.build((None, 3))
    norm.build((None, 3))
    variables = [dense.kernel, dense.bias, norm.moving_mean, norm.gamma, K.Variable(np.ones((2, 1), "float32"))]
    return [repr(v.shape) for v in variables] + [repr(list(v.shape)) for v in variables]


def test_variable_shapes_are_plain_tuples_as_keras():
    """A weight's shape printed as Size([26, 6]) where Keras prints (26, 6)."""
    K, ours = fresh_sessions()
    assert _weight_shapes(ours) == _weight_shapes(K)


def _functional_serialized(K):
    import json
    inputs = K.Input((3,), name="x")
    model = K.Model(inputs, K.layers.Dense(2, name="head")(inputs), name="f")
    outer_in = K.Input((3,))
    outer = K.Model(outer_in, model(outer_in), name="outer")
    nested = [layer for layer in outer.get_config()["layers"] if layer["class_name"] == "Functional"][0]
    return (model.get_build_config(), sorted(json.loads(model.to_json())),
            K.saving.serialize_keras_object(model).get("build_config"), nested.get("build_config"))


def test_functional_model_build_config_is_keras_none_shape():
    """A functional model's to_json had no 'build_config' key: Keras writes {'input_shape': None}."""
    K, ours = fresh_sessions()
    assert _functional_serialized(ours) == _functional_serialized(K)


def _plain_activation(x):
    return x * 0.5


def _function_configs(K, package):
    @K.saving.register_keras_serializable(package=package)
    def doubled(x):
        return x * 2.0

    S = K.saving.serialize_keras_object
    dense = K.layers.Dense(2, activation=doubled)
    rebuilt = K.layers.Dense.from_config(dense.get_config())
    with K.saving.custom_object_scope({"_plain_activation": _plain_activation}):
        plain = K.layers.Dense.from_config(K.layers.Dense(2, activation=_plain_activation).get_config())
    return [S(doubled), S(_plain_activation), S(K.activations.relu), S(K.losses.mean_squared_error),
            dense.get_config()["activation"], K.activations.serialize(doubled), K.activations.serialize(
                K.activations.relu), rebuilt.activation.__name__, plain.activation is _plain_activation,
            K.saving.deserialize_keras_object(S(K.losses.mean_squared_error)).__name__]


def test_functions_serialize_as_keras_writes_them():
    """serialize_keras_object wrote a user's function with its module and registered name, Keras's own with
    their keras.* module, and a layer's get_config kept a user's activation as the function: Keras 3 writes each
    function as {'module': 'builtins', 'class_name': 'function', 'config': name, 'registered_name': 'function'}."""
    K, ours = fresh_sessions()
    assert _function_configs(ours, "r11_ours") == [
        _replace_package(c, "r11_keras", "r11_ours") for c in _function_configs(K, "r11_keras")]


def _replace_package(value, old, new):
    if isinstance(value, dict):
        return {k: _replace_package(v, old, new) for k, v in value.items()}
    return value.replace(old, new) if isinstance(value, str) else value


@pytest.mark.parametrize("name", ["MeanAbsoluteError", "MeanSquaredError", "BinaryCrossentropy", "Hinge",
                                  "KLDivergence", "Poisson", "CategoricalCrossentropy"])
def test_metric_configs_load_the_metric_not_the_loss_of_the_same_name(name, tmp_path):
    """A .keras file's compiled keras.metrics.MeanAbsoluteError came back as keras.losses' class of that name:
    evaluate reported a '<lambda>' key with the loss's per-batch mean instead of the metric."""
    K, ours = fresh_sessions()
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 1.0, (20, 3)).astype("float32")
    y = rng.uniform(0.1, 1.0, (20, 2)).astype("float32")
    results = []
    for lib in (K, ours):
        inputs = lib.Input((3,))
        model = lib.Model(inputs, lib.layers.Dense(2, activation="softmax")(inputs))
        model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
        model.compile(loss="mse", metrics=[getattr(lib.metrics, name)(name="m")])
        path = str(tmp_path / f"{lib.__name__}.keras")
        model.save(path)
        loaded = lib.models.load_model(path)
        metric = lib.saving.deserialize_keras_object(lib.saving.serialize_keras_object(getattr(lib.metrics, name)()))
        results.append((loaded.evaluate(x, y, batch_size=7, verbose=0, return_dict=True),
                        type(metric).__module__.split(".")[-2:]))
    (theirs, their_module), (mine, my_module) = results
    assert sorted(mine) == sorted(theirs) and mine["m"] == pytest.approx(theirs["m"], rel=1e-5)
    assert "metrics" in "".join(my_module)


def _layer_metric_run(K):
    class Tracked(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = K.layers.Dense(3)
            self.seen = K.metrics.Mean(name=f"{self.name}_mean")

        def call(self, x, training=False):
            h = self.dense(x)
            if training:
                self.seen.update_state(h)
            return h

    class Block(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Tracked(name="inner")
            self.rows = K.metrics.Mean(name="rows")

        def call(self, x, training=False):
            self.rows.update_state(K.ops.cast(K.ops.shape(x)[0], "float32"))
            return self.inner(x, training=training)

    inputs = K.Input((2,))
    outputs = K.layers.Dense(1)(Block(name="block")(Tracked(name="outer")(inputs)))
    model = K.Model(inputs, outputs)
    model.set_weights([np.full(w.shape, 0.2, "float32") for w in model.get_weights()])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
    y = x[:, :1] * 2
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False, validation_data=(x[:5], y[:5]))
    return ([m.name for m in model.metrics], [m.name for m in model.get_layer("block").metrics],
            {k: np.round(v, 5).tolist() for k, v in history.history.items()},
            {k: round(v, 5) for k, v in model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True).items()},
            np.round(model.evaluate(x, y, batch_size=5, verbose=0), 5).tolist())


def test_metrics_owned_by_layers_are_reset_and_reported_by_fit_and_evaluate():
    """A Metric a layer updates in call was missing from fit's history and evaluate's results (and never reset
    between epochs), Layer.metrics did not exist, and model.metrics listed a metric two levels down once where
    Keras lists it twice."""
    K, ours = fresh_sessions()
    assert _layer_metric_run(ours) == _layer_metric_run(K)


def _state_tree_run(K):
    inputs = K.Input((3,))
    hidden = K.layers.BatchNormalization(name="norm")(K.layers.Dense(4, name="trunk")(inputs))
    model = K.Model(inputs, K.layers.Dense(1, name="head")(hidden), name="src")
    _seeded(model)
    model.compile(optimizer=K.optimizers.SGD(0.05, momentum=0.9), loss="mse", metrics=["mae", "mse", "accuracy"])
    x = np.random.default_rng(1).standard_normal((8, 3)).astype("float32")
    model.fit(x, x[:, :1], batch_size=4, verbose=0, shuffle=False)

    def leaves(tree, prefix=""):
        for key in sorted(tree):
            if isinstance(tree[key], dict):
                yield from leaves(tree[key], f"{prefix}{key}/")
            else:
                yield f"{prefix}{key}", np.round(np.asarray(tree[key], "float64"), 5).tolist()

    tree = model.get_state_tree(value_format="numpy_array")
    before = {group: dict(leaves(tree[group])) for group in sorted(tree)}
    tree["trainable_variables"]["head"]["bias"] = np.array([7.0], "float32")
    model.set_state_tree({"trainable_variables": tree["trainable_variables"],
                          "metrics_variables": {"loss": {"total": np.float32(3.0)}}})
    return before, model.get_layer("head").bias.numpy().tolist(), float(model.metrics_variables[0].numpy())


def test_get_and_set_state_tree_as_keras():
    """Model.get_state_tree / set_state_tree were missing; and compile's 'mae' / 'mse' made their variables under
    the alias ('mae/total') where Keras keeps the metric's own name ('mean_absolute_error/total')."""
    K, ours = fresh_sessions()
    assert _state_tree_run(ours) == _state_tree_run(K)


def test_state_tree_refuses_unknown_groups_and_formats():
    K, ours = fresh_sessions()
    inputs = ours.Input((2,))
    model = ours.Model(inputs, ours.layers.Dense(1)(inputs))
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree(value_format="list")
    with pytest.raises(ValueError, match="unknown variable group 'weights'"):
        model.set_state_tree({"weights": {}})
