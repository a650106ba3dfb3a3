"""Regression tests for the bugs found by the twentieth round of ported Keras programs
(tests/keras/test_keras_programs_round20.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def test_learning_rate_schedules_serialize_under_keras_optimizers_schedules():
    """A schedule's serialized module is 'keras.optimizers.schedules', in the optimizer's config and in
    get_compile_config, as Keras writes it (nn.keras wrote 'keras.optimizers'); the config still loads."""
    K, ours = fresh_sessions()
    for lib in (K, ours):
        schedule = lib.optimizers.schedules.PiecewiseConstantDecay([3, 6], [0.05, 0.02, 0.01])
        written = lib.saving.serialize_keras_object(schedule)
        assert written["module"] == "keras.optimizers.schedules"
        config = lib.optimizers.Adam(learning_rate=schedule).get_config()["learning_rate"]
        assert config["module"] == "keras.optimizers.schedules"
        again = lib.saving.deserialize_keras_object(written)
        assert type(again).__name__ == "PiecewiseConstantDecay" and again.get_config() == schedule.get_config()
    assert ours.saving.serialize_keras_object(ours.optimizers.schedules.CosineDecay(0.1, 10)) == \
        K.saving.serialize_keras_object(K.optimizers.schedules.CosineDecay(0.1, 10))


def _input_layer_dtypes(K, policy):
    K.config.set_dtype_policy(policy)
    try:
        seen = []
        for dtype in ("int32", "float64", "bool", None):
            layer = K.layers.InputLayer(shape=(3,), dtype=dtype)
            seen.append((layer.dtype, layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype,
                         layer.output.dtype, layer.get_config()["dtype"]))
        return seen
    finally:
        K.config.set_dtype_policy("float32")


def test_an_input_layer_keeps_the_global_dtype_policy_whatever_its_dtype():
    """Input(dtype='int32')'s layer has the global policy ('float32', or 'mixed_float16'), as Keras's; nn.keras
    gave it an 'int32' policy, so a model's list of layer policies differed after quantize()."""
    K, ours = fresh_sessions()
    for policy in ("float32", "mixed_float16"):
        assert _input_layer_dtypes(ours, policy) == _input_layer_dtypes(K, policy)
    inputs = ours.Input((4,), dtype="int32")
    model = ours.Model(inputs, ours.layers.Embedding(5, 2)(inputs))
    assert model.predict(np.array([[0, 1, 2, 3]], "int32"), verbose=0).dtype == np.float32


def _fit_with_unbuilt_layer(K):
    """fit / evaluate / fit again on a model whose Gated layer holds a Dense its call never reaches (as a gated
    residual network's projection when the widths already agree): the model keeps an unbuilt layer."""
    class Gated(K.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = K.layers.Dense(units, activation="elu")
            self.project = K.layers.Dense(units)
            self.dropout = K.layers.Dropout(0.3)

        def call(self, x):
            if x.shape[-1] != self.units:
                x = self.project(x)
            return x + self.dropout(self.dense(x))

    K.utils.set_random_seed(4)
    inputs = K.Input((6,))
    model = K.Model(inputs, K.layers.Dense(1)(Gated(6, name="gated")(inputs)))
    rng = np.random.default_rng(0)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    x, y = rng.normal(size=(40, 6)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")
    model.compile(K.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x[:8], y[:8]))
    evaluated = [model.evaluate(x, y, batch_size=20, verbose=0) for _ in range(2)]
    again = model.fit(x, y, batch_size=8, epochs=1, shuffle=True, verbose=0, validation_split=0.25)
    return history.history, evaluated, again.history, model.get_layer("gated").project.built


def test_validation_passes_take_keras_s_build_draws_while_a_layer_is_unbuilt():
    """Keras's fit validates through evaluate, whose symbolic build reads one batch (a draw from torch's global
    stream) while any layer of the model is unbuilt; so the unseeded Dropout masks of the next epoch come from a
    later point of the stream. nn.keras took that draw once per compile only: losses from the second epoch on
    differed (0.91455 against Keras's 0.91571 in the GRN program)."""
    K, ours = fresh_sessions()
    theirs, mine = _fit_with_unbuilt_layer(K), _fit_with_unbuilt_layer(ours)
    assert mine[3] is theirs[3] is False
    for key in theirs[0]:
        np.testing.assert_allclose(mine[0][key], theirs[0][key], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-5, atol=1e-6)
    for key in theirs[2]:
        np.testing.assert_allclose(mine[2][key], theirs[2][key], rtol=1e-5, atol=1e-6)


def test_soft_shrink_keeps_the_sign_of_zero_inside_the_band():
    """keras.ops.nn.soft_shrink (and the activation) gives -0.0 for negative inputs within the threshold, as
    torch's softshrink that Keras calls; nn.keras gave +0.0, which prints differently."""
    K, ours = fresh_sessions()
    x = np.array([-2.0, -0.5, -0.25, -0.0, 0.0, 0.25, 0.5, 2.0], "float32")
    for fn in (lambda lib, v: lib.ops.nn.soft_shrink(v), lambda lib, v: lib.activations.soft_shrink(v, 0.3)):
        want = np.asarray(K.ops.convert_to_numpy(fn(K, x)))
        got = np.asarray(ours.ops.convert_to_numpy(fn(ours, x)))
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def _output_shapes(K):
    class Plain(K.layers.Layer):
        def call(self, x):
            return x * 2.0

    class Shaped(Plain):
        def compute_output_shape(self, input_shape):
            return input_shape

    class Wider(K.layers.Dense):
        pass

    seen = []
    for layer in (Plain(), Shaped(), Wider(3)):
        try:
            seen.append(tuple(layer.compute_output_shape((None, 4))))
        except NotImplementedError as error:
            seen.append(("NotImplementedError", "compute_output_shape" in str(error)))
    inputs = K.Input((4,))
    seen.append(tuple(K.Model(inputs, Plain()(inputs)).output.shape))   # symbolic calls do not need it
    return seen


def test_a_user_layer_without_compute_output_shape_refuses_it_as_keras():
    """layer.compute_output_shape on a user's Layer subclass that defines none raises NotImplementedError, as in
    Keras (nn.keras ran the layer on zeros and answered); subclasses of built-in layers and functional calls still
    work."""
    K, ours = fresh_sessions()
    assert _output_shapes(ours) == _output_shapes(K)
