"""Regression tests for the bugs found by the fifth round of ported Keras programs
(tests/keras/test_keras_programs_round5.py), each compared with real Keras 3 (torch backend): the optimizer options
use_ema / ema_overwrite_frequency, gradient_accumulation_steps and loss_scale_factor (refused before), Keras's
`optimizer.variables` for them and for Nadam, Adafactor and LossScaleOptimizer, and recurrent layers with options
the fused recurrence lacks (GRU(reset_after=False), other activations, recurrent_dropout, weight constraints)
plus Keras's `layer.cell`."""
import numpy as np
import pytest

from nn import keras

from .oracle import real_keras


def _data():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((24, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3).astype("float32")


def _trained(k, optimizer, epochs=3):
    model = k.Sequential([k.Input((4,)), k.layers.Dense(3, activation="tanh"), k.layers.Dense(1)])
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=optimizer(k), loss="mse")
    x, y = _data()
    history = model.fit(x, y, epochs=epochs, batch_size=6, shuffle=False, verbose=0)
    return model, history.history["loss"]


OPTIONS = {
    "ema": lambda k: k.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.8),
    "ema_overwrite": lambda k: k.optimizers.SGD(0.1, momentum=0.5, use_ema=True, ema_overwrite_frequency=3),
    "accumulate": lambda k: k.optimizers.Adam(0.05, gradient_accumulation_steps=3),
    "accumulate_ema": lambda k: k.optimizers.RMSprop(0.01, gradient_accumulation_steps=2, use_ema=True),
    "loss_scale_factor": lambda k: k.optimizers.SGD(0.05, loss_scale_factor=128.0),
}


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_optimizer_options_train_as_keras(option):
    """Keras's Optimizer arguments use_ema, ema_overwrite_frequency, gradient_accumulation_steps and
    loss_scale_factor raised 'not supported' in deepgrad (ValueError at construction); with use_ema Keras's fit
    also ends by setting the weights to their moving averages."""
    K = real_keras()
    theirs, their_losses = _trained(K, OPTIONS[option])
    mine, my_losses = _trained(keras, OPTIONS[option])
    np.testing.assert_allclose(my_losses, their_losses, rtol=1e-5, atol=1e-6)
    for a, b in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(mine.optimizer.iterations.numpy()) == int(theirs.optimizer.iterations.numpy())
    assert [(v.path, tuple(v.shape)) for v in mine.optimizer.variables] == \
        [(v.path, tuple(v.shape)) for v in theirs.optimizer.variables]
    config, their_config = mine.optimizer.get_config(), theirs.optimizer.get_config()
    for key in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                "gradient_accumulation_steps"):
        assert config[key] == their_config[key], key


def test_custom_loop_scale_loss_and_apply_divide_by_loss_scale_factor_as_keras():
    K = real_keras()
    seen = []
    for k in (K, keras):
        optimizer = k.optimizers.SGD(0.5, loss_scale_factor=4.0)
        w = k.Variable(np.array([1.0, -1.0], "float32"))
        optimizer.apply([k.ops.convert_to_tensor(np.array([8.0, 2.0], "float32"))], [w])
        seen.append((k.ops.convert_to_numpy(w).tolist(), float(k.ops.convert_to_numpy(optimizer.scale_loss(1.5)))))
    assert seen[1] == seen[0] == ([0.0, -1.25], 6.0)


@pytest.mark.parametrize("name", ["Nadam", "Adafactor", "LossScaleOptimizer"])
def test_optimizer_variables_list_as_keras(name):
    """Keras lists Nadam's momentum-schedule product, Adafactor's scalar row/column placeholders of 1-axis
    weights and a LossScaleOptimizer's own step count and rate; deepgrad's lists missed them (15 vs 14, 20 vs 12
    and 6 vs 4 variables for a Dense-BatchNorm-Dense model)."""
    K = real_keras()
    listed = []
    for k in (K, keras):
        make = {"Nadam": lambda: k.optimizers.Nadam(0.01), "Adafactor": lambda: k.optimizers.Adafactor(0.05),
                "LossScaleOptimizer": lambda: k.optimizers.LossScaleOptimizer(k.optimizers.SGD(0.1))}[name]
        model, _ = _trained(k, lambda _: make(), epochs=1)
        lines = []
        model.summary(print_fn=lambda line, **kwargs: lines.append(line))
        listed.append(([tuple(v.shape) for v in model.optimizer.variables],   # (Keras names these oddly)
                       [line.strip() for line in lines if "Optimizer params" in line]))
    assert listed[1] == listed[0]


def test_load_model_of_a_keras_file_with_ema_and_accumulation(tmp_path):
    """A .keras file saved by Keras with use_ema and gradient_accumulation_steps loads (it raised 'use_ema ...
    not supported') with its averages and accumulators, and training goes on as Keras's."""
    K = real_keras()
    make = lambda k: k.optimizers.Adam(0.05, use_ema=True, gradient_accumulation_steps=2)   # noqa: E731
    theirs, _ = _trained(K, make, epochs=1)
    theirs.save(tmp_path / "ema.keras")
    mine = keras.models.load_model(tmp_path / "ema.keras")
    x, y = _data()
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
    mine_loss = mine.fit(x, y, epochs=2, batch_size=6, shuffle=False, verbose=0).history["loss"]
    their_loss = theirs.fit(x, y, epochs=2, batch_size=6, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(mine_loss, their_loss, rtol=1e-5)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_optimizer_option_errors_as_keras():
    for kwargs, message in (({"gradient_accumulation_steps": 1}, "gradient_accumulation_steps"),
                            ({"use_ema": True, "ema_momentum": 1.5}, "ema_momentum"),
                            ({"use_ema": True, "ema_overwrite_frequency": 0.5}, "ema_overwrite_frequency")):
        with pytest.raises(ValueError, match=message):
            keras.optimizers.Adam(**kwargs)


RNN_OPTIONS = [("GRU", {"reset_after": False}), ("GRU", {"activation": "relu", "go_backwards": True}),
               ("LSTM", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
               ("SimpleRNN", {"activation": "sigmoid"}), ("LSTM", {"recurrent_dropout": 0.3}),
               ("GRU", {"reset_after": False, "recurrent_dropout": 0.2, "use_bias": False})]


@pytest.mark.parametrize("kind,options", RNN_OPTIONS)
def test_recurrent_layers_take_keras_options(kind, options):
    """GRU(reset_after=False), activations other than tanh/sigmoid, and recurrent_dropout raised 'not supported'
    in deepgrad; they run as Keras's (masked, returning sequences and states; gradients too)."""
    import torch
    K = real_keras()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)
    results = []
    for k in (K, keras):
        layer = getattr(k.layers, kind)(3, return_sequences=True, return_state=True, **options)
        layer.build((None, 5, 4))
        init = np.random.default_rng(1)
        layer.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
        if k is K:
            inputs = torch.tensor(x, requires_grad=True)
        else:
            import autograd as ag
            inputs = ag.tensor(x, requires_grad=True)
        outputs = layer(inputs, mask=mask)
        total = sum((o * o).sum() for o in outputs)
        total.backward()
        grad = inputs.grad.numpy()
        results.append(([k.ops.convert_to_numpy(o) for o in outputs], grad, [w.path for w in layer.weights],
                        [tuple(w.shape) for w in layer.cell.weights], layer.get_config()))
    (outs, grad, paths, cell_shapes, config), theirs = results[1], results[0]
    for a, b in zip(outs, theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad, theirs[1], rtol=1e-4, atol=1e-6)
    assert (paths, cell_shapes) == (theirs[2], theirs[3])
    for key, value in options.items():
        assert config[key] == theirs[4][key] == value


def test_recurrent_weight_constraints_hold_after_fit_as_keras():
    """kernel_constraint / recurrent_constraint / bias_constraint on LSTM and GRU raised 'weight constraints are
    not supported'; Keras projects the weights after each step."""
    K = real_keras()
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 6, 2)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None].astype("float32")
    weights = []
    for k in (K, keras):
        model = k.Sequential([k.Input((6, 2)),
                              k.layers.LSTM(4, kernel_constraint=k.constraints.MaxNorm(0.5), return_sequences=True,
                                            bias_constraint=k.constraints.NonNeg()),
                              k.layers.GRU(3, recurrent_constraint=k.constraints.UnitNorm(axis=0)),
                              k.layers.Dense(1)])
        init = np.random.default_rng(3)
        model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
        model.compile(k.optimizers.Adam(0.05), "mse")
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        weights.append(model.get_weights())
        config = model.layers[0].get_config()["kernel_constraint"]
        assert config["class_name"] == "MaxNorm" and config["config"]["max_value"] == 0.5
    for a, b in zip(weights[1], weights[0]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert np.sqrt((weights[1][0] ** 2).sum(axis=0)).max() <= 0.5 + 1e-6


def test_own_save_and_load_resume_mid_accumulation(tmp_path):
    """deepgrad's .keras round trip keeps the averages, the accumulators and the count of apply calls (a file
    saved between two accumulation steps resumes at the same place)."""
    make = lambda k: k.optimizers.Adam(0.05, use_ema=True, gradient_accumulation_steps=3)   # noqa: E731
    x, y = _data()
    model, _ = _trained(keras, make, epochs=1)   # 4 batches: one update, one gradient accumulated
    model.save(tmp_path / "mid.keras")
    loaded = keras.models.load_model(tmp_path / "mid.keras")
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy()) == 1
    for again in (model, loaded):
        again.fit(x, y, epochs=2, batch_size=6, shuffle=False, verbose=0)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)


def test_symbolic_ops_einsum_and_moved_batch_axis_as_keras():
    """ops.einsum on KerasTensors failed ('numpy.ndarray' object has no attribute 'replace': the subscripts were
    made a tensor), and ops that move the batch axis got Keras's shape wrong (ops.transpose of (None, 6) gave
    (None, 2) instead of (6, None); ops.sum over axis 0 gave (None,) instead of (6,))."""
    K = real_keras()
    shapes = []
    for k in (K, keras):
        inputs = k.Input((6,))
        ops = k.ops
        ids = ops.convert_to_tensor(np.array([0, 0, 1, 1, 2, 2], "int32"))
        outs = [ops.einsum("bi,bj->bij", inputs, inputs), ops.transpose(inputs), ops.sum(inputs, axis=0),
                ops.reshape(inputs, (-1, 3)), ops.moveaxis(ops.expand_dims(inputs, 1), 0, 2),
                ops.segment_max(ops.transpose(inputs), ids, num_segments=3)]
        shapes.append([tuple(o.shape) for o in outs])
    assert shapes[1] == shapes[0]


def _ops_model(k):
    ops, layers = k.ops, k.layers
    inputs = k.Input((6,))
    a = layers.Dense(4, name="d")(inputs)
    b = ops.top_k(ops.reshape(ops.einsum("bi,bj->bij", a, a), (-1, 16)), k=3)[0] * 2.0
    c = ops.softmax(inputs[:, 1:4], axis=-1) + ops.take(inputs, [0, 2, 4], axis=1)
    ids = ops.convert_to_tensor(np.array([0, 0, 1], "int32"))
    d = ops.transpose(ops.segment_sum(ops.transpose(c), ids, num_segments=2))
    model = k.Model(inputs, ops.concatenate([b, ops.clip(c, -1.0, 1.0), inputs[..., :2], d], axis=-1))
    model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
    return model


def test_functional_models_with_ops_save_and_load_as_keras(tmp_path):
    """A functional model applying keras.ops to symbolic tensors could not be saved (KeyError in the config,
    then 'cannot be saved by nn.keras yet'), nor could Keras's .keras files of such models be loaded; Keras
    saves each op as an operation entry (Einsum, TopK, GetItem with __slice__ / __ellipsis__ keys, constant
    tensors as __tensor__)."""
    K = real_keras()
    x = np.random.default_rng(0).standard_normal((5, 6)).astype("float32")
    theirs, mine = _ops_model(K), _ops_model(keras)
    expected = theirs.predict(x, verbose=0)
    np.testing.assert_allclose(mine.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    assert [e["class_name"] for e in mine.get_config()["layers"]] == \
        [e["class_name"] for e in theirs.get_config()["layers"]]
    theirs.save(tmp_path / "theirs.keras")
    mine.save(tmp_path / "mine.keras")
    for path in ("theirs.keras", "mine.keras"):
        loaded = keras.models.load_model(tmp_path / path)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
        assert [type(layer).__name__ for layer in loaded.layers] == ["InputLayer", "Dense"]


def test_load_model_of_a_keras_file_with_older_recurrent_options(tmp_path):
    """Keras files of GRU(reset_after=False) and LSTM(activation='relu') models load (they raised 'only
    reset_after=True ... is supported') and predict as Keras."""
    K = real_keras()
    x = np.random.default_rng(1).standard_normal((3, 4, 3)).astype("float32")
    theirs = K.Sequential([K.Input((4, 3)), K.layers.GRU(2, reset_after=False, return_sequences=True),
                           K.layers.LSTM(2, activation="relu", recurrent_dropout=0.2)])
    theirs.save(tmp_path / "older.keras")
    mine = keras.models.load_model(tmp_path / "older.keras")
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert mine.layers[0].get_config()["reset_after"] is False
