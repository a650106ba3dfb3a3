"""Keras mixed precision: 'mixed_float16' / 'mixed_bfloat16' policies and 16-bit layers compute as real Keras 3
(torch backend) does: compute and variable dtypes, autocast weights with float32 gradients, normalization layers in
float32, losses and metrics in float32, compile's LossScaleOptimizer and fit's scaled backward pass, configs."""
import numpy as np
import pytest

import nn.keras as ours
from nn.keras import backend

from .oracle import real_keras

RNG = np.random.default_rng(5)


@pytest.fixture
def policies():
    """Resets both libraries' global policy after the test."""
    yield
    ours.mixed_precision.set_global_policy("float32")
    keras = __import__("sys").modules.get("keras")
    if keras is not None and hasattr(keras, "mixed_precision"):
        keras.mixed_precision.set_global_policy("float32")


def _dtype(value):
    return str(getattr(value, "dtype", value)).replace("torch.", "")


def _mlp(lib, policy_last="float32"):
    inputs = lib.Input((6,))
    h = lib.layers.Dense(8, activation="relu")(inputs)
    h = lib.layers.BatchNormalization()(h)
    h = lib.layers.LayerNormalization()(h)
    out = lib.layers.Dense(1, dtype=policy_last)(h)
    return lib.Model(inputs, out)


def _same_weights(mine, theirs, rng=RNG):
    values = [np.asarray(rng.standard_normal(w.shape) * 0.3 + (1.0 if "gamma" in v.path or "variance" in v.path
                                                                 else 0.0), np.float32)
              for w, v in zip(theirs.get_weights(), theirs.weights)]
    theirs.set_weights(values)
    mine.set_weights(values)


@pytest.mark.parametrize("name, compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16"),
                                           ("float16", "float16"), ("bfloat16", "bfloat16")])
def test_a_layers_dtypes_follow_its_policy_as_keras(name, compute):
    keras = real_keras()
    for lib in (keras, ours):
        layer = lib.layers.Dense(3, dtype=name)
        out = layer(np.ones((2, 4), np.float32))
        variable = "float32" if name.startswith("mixed") else compute
        assert (layer.compute_dtype, layer.variable_dtype, layer.dtype, layer.input_dtype) == \
               (compute, variable, variable, compute), lib
        assert layer.dtype_policy.name == name
        assert _dtype(out) == compute and _dtype(layer.kernel) == variable


def test_a_mixed_float16_layer_matches_keras_values_and_float32_gradients():
    keras = real_keras()
    import torch
    import autograd as ag
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    theirs, mine = keras.layers.Dense(3, dtype="mixed_float16"), ours.layers.Dense(3, dtype="mixed_float16")
    theirs.build((None, 5))
    mine.build((None, 5))
    weights = [RNG.standard_normal(w.shape).astype(np.float32) for w in theirs.get_weights()]
    theirs.set_weights(weights)
    mine.set_weights(weights)
    k_out = theirs(torch.tensor(x))
    k_out.float().sum().backward()
    o_out = mine(ag.tensor(x))
    o_out.float().sum().backward()
    assert _dtype(o_out) == "float16"
    np.testing.assert_array_equal(o_out.numpy(), k_out.detach().numpy())
    for k_w, o_w in zip(theirs.trainable_weights, mine.trainable_weights):
        assert _dtype(o_w.grad) == "float32"
        np.testing.assert_allclose(o_w.grad.numpy(), k_w.value.grad.numpy(), rtol=1e-3)


def test_normalization_layers_compute_in_float32_and_return_the_compute_dtype(policies):
    keras = real_keras()
    x = (RNG.standard_normal((8, 6)) * 3).astype(np.float16)
    results = {}
    for lib in (keras, ours):
        lib.mixed_precision.set_global_policy("mixed_float16")
        layers = [lib.layers.BatchNormalization(), lib.layers.LayerNormalization(), lib.layers.GroupNormalization(2)]
        outs = []
        for layer in layers:
            out = layer(x, training=True)
            assert _dtype(out) == "float16"
            assert all(_dtype(w) == "float32" for w in layer.weights)
            outs.append(np.asarray(out.detach().numpy() if hasattr(out, "detach") else out.numpy(), np.float32))
        results[lib] = outs
    for a, b in zip(results[keras], results[ours]):
        np.testing.assert_allclose(a, b, atol=2e-3)


def test_fit_of_a_mixed_float16_model_matches_keras(policies):
    keras = real_keras()
    rng = np.random.default_rng(0)   # its own draws: the scale below depends on the data (run alone or in order)
    x = rng.standard_normal((32, 6)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    models = {}
    for lib in (keras, ours):
        lib.mixed_precision.set_global_policy("mixed_float16")
        models[lib] = _mlp(lib)
    _same_weights(models[ours], models[keras], rng)
    history, scales = {}, {}
    for lib, model in models.items():
        model.compile(lib.optimizers.SGD(0.05), "mse", metrics=["mae"])
        assert type(model.optimizer).__name__ == "LossScaleOptimizer"
        assert [_dtype(layer.compute_dtype) for layer in model.layers[1:]] == ["float16"] * 3 + ["float32"]
        history[lib] = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False).history
        scales[lib] = float(np.asarray(model.optimizer.dynamic_scale.numpy()))
        history[lib]["predicted"] = model.predict(x[:4], verbose=0)
    # one batch overflows float16 in both, and the scale halves once
    assert scales[ours] == scales[keras] == 16384.0
    for key in ("loss", "mae", "predicted"):
        np.testing.assert_allclose(history[ours][key], history[keras][key], rtol=2e-3, atol=2e-3, err_msg=key)


def test_compile_wraps_the_optimizer_only_for_mixed_float16(policies):
    ours.mixed_precision.set_global_policy("mixed_bfloat16")
    model = _mlp(ours)
    model.compile("sgd", "mse")
    assert type(model.optimizer).__name__ == "SGD"
    ours.mixed_precision.set_global_policy("mixed_float16")
    model = _mlp(ours)
    model.compile("sgd", "mse", auto_scale_loss=False)
    assert type(model.optimizer).__name__ == "SGD"
    model.compile("sgd", "mse")
    assert type(model.optimizer.inner_optimizer).__name__ == "SGD"


def test_losses_and_metrics_compute_in_float32():
    keras = real_keras()
    y_true = RNG.standard_normal((16, 3)).astype(np.float32)
    y_pred = (y_true + RNG.standard_normal((16, 3)) * 1e-3).astype(np.float16)
    for lib in (keras, ours):
        loss = lib.losses.MeanSquaredError()(y_true, y_pred)
        assert _dtype(loss) == "float32"
    exact = float(np.mean((y_true - y_pred.astype(np.float32)) ** 2))
    assert float(ours.losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(exact, rel=1e-5)
    metric = ours.metrics.MeanAbsoluteError()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(float(np.mean(np.abs(y_true - y_pred.astype(np.float32)))),
                                                   rel=1e-5)


def test_weights_made_without_autocast_keep_their_dtype_inside_the_call(policies):
    seen = {}

    class Scaled(ours.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight((shape[-1],), "ones")
            self.exact = self.add_weight((shape[-1],), "ones", autocast=False)
            self.calls = self.add_weight((), "zeros", trainable=False)

        def call(self, x):
            seen["w"], seen["exact"] = str(self.w.dtype), str(self.exact.dtype)
            self.calls.assign_add(1.0)   # an in-place change through the cast reaches the stored weight
            return x * self.w * self.exact.to(x.dtype)

    layer = Scaled(dtype="mixed_float16")
    out = layer(np.ones((2, 3), np.float32))
    layer(np.ones((2, 3), np.float32))
    assert seen == {"w": "float16", "exact": "float32"}
    assert str(out.dtype) == "float16" and str(layer.w.dtype) == "float32"
    assert float(layer.calls.numpy()) == 2.0


def test_a_float32_layer_inside_a_mixed_model_computes_in_float32(policies):
    ours.mixed_precision.set_global_policy("mixed_float16")

    class Block(ours.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = ours.layers.Dense(2)
            self.exact = ours.layers.Dense(2, dtype="float32")

        def call(self, x):
            return self.inner(x), self.exact(x)

    mixed, exact = Block()(np.ones((1, 3), np.float32))
    assert (str(mixed.dtype), str(exact.dtype)) == ("float16", "float32")


def test_configs_write_the_policy_and_load_it_back(tmp_path, policies):
    keras = real_keras()
    for lib in (keras, ours):
        config = lib.layers.Dense(2, dtype="mixed_float16").get_config()
        assert config["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                                   "config": {"name": "mixed_float16"}, "registered_name": None}
    again = ours.layers.Dense.from_config(ours.layers.Dense(2, dtype="mixed_bfloat16").get_config())
    assert (again.compute_dtype, again.variable_dtype) == ("bfloat16", "float32")
    model = ours.Sequential([ours.Input((4,)), ours.layers.Dense(3, dtype="mixed_float16"), ours.layers.Dense(1)])
    x = RNG.standard_normal((5, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    loaded = ours.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].compute_dtype == "float16"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_custom_train_step_scales_the_loss_as_keras(policies):
    """Model.train_step (used by a subclass's super().train_step) scales the loss before backward, so the
    LossScaleOptimizer's apply gets the gradients it divides."""
    ours.mixed_precision.set_global_policy("mixed_float16")

    class Stepper(ours.Model):
        def __init__(self):
            super().__init__()
            self.dense = ours.layers.Dense(1, dtype="float32")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            return super().train_step(data)

    x = RNG.standard_normal((8, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True)
    model = Stepper()
    model(x[:1])
    kernel = model.dense.kernel.numpy().copy()
    model.compile(ours.optimizers.SGD(0.1), "mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    seen = x.astype(np.float16).astype(np.float32)   # the mixed_float16 model casts its inputs, as Keras's does
    pred = (seen @ kernel + model.dense.bias.numpy() * 0)
    grad = 2 * seen.T @ (pred - y) / 8
    np.testing.assert_allclose(model.dense.kernel.numpy(), kernel - 0.1 * grad, rtol=1e-4, atol=1e-5)
    backend.clear_session(free_memory=False)


def test_the_dtype_policies_namespace_as_keras():
    keras = real_keras()
    for lib in (keras, ours):
        policies = lib.dtype_policies
        policy = policies.get("mixed_float16")
        assert type(policy).__name__ == "DTypePolicy" and policy.compute_dtype == "float16"
        assert policies.serialize(policy) == {"module": "keras", "class_name": "DTypePolicy",
                                              "config": {"name": "mixed_float16"}, "registered_name": None}
        assert policies.deserialize(policies.serialize(policy)).name == "mixed_float16"
        assert policies.get({"class_name": "DTypePolicy", "config": {"name": "float16"}}).name == "float16"
        assert policies.get(None).name == "float32"
        assert policies.FloatDTypePolicy("float32").variable_dtype == "float32"
        with pytest.raises(ValueError, match="Cannot interpret `dtype` argument"):
            policies.get(3)
        with pytest.raises(ValueError, match="Cannot convert 'foo' to a mixed precision DTypePolicy"):
            policies.get("foo")
    layer = ours.layers.Dense(2, dtype=ours.dtype_policies.FloatDTypePolicy("float64"))
    assert layer.compute_dtype == "float64"


def test_a_jit_compiled_fit_follows_the_loss_scale_as_eager(policies):
    """Overflowing first steps halve the scale and later ones double it: a compiled step reads the new scale."""
    ours.mixed_precision.set_global_policy("mixed_float16")
    x = RNG.standard_normal((64, 6)).astype(np.float32)
    y = RNG.standard_normal((64, 1)).astype(np.float32)
    start = None
    results = []
    for jit in (False, True):
        model = ours.Sequential([ours.Input((6,)), ours.layers.Dense(16, activation="relu"),
                                 ours.layers.Dense(1, dtype="float32")])
        start = start or model.get_weights()
        model.set_weights(start)
        optimizer = ours.optimizers.LossScaleOptimizer(ours.optimizers.SGD(0.05), initial_scale=2.0 ** 24,
                                                       dynamic_growth_steps=3)
        model.compile(optimizer, "mse", jit_compile=jit)
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False).history
        results.append((history["loss"], float(np.asarray(optimizer.dynamic_scale.numpy()))))
    assert results[0] == results[1]
    assert results[0][1] != 2.0 ** 24
