"""Keras differences left by earlier rounds, checked against Keras 3 (torch backend) directly: losses given
float64 data, binary cross-entropies of (N,) targets against (N, 2) outputs, autocast variables under a
mixed-precision policy, load_weights' skip_mismatch and by_name, optimizer variables in saved files,
recompiling, and recurrent corner cases."""
import numpy as np
import pytest

import autograd as ag
from tests.keras.oracle import fresh_sessions

_RNG = np.random.default_rng(0)
_TARGETS = (_RNG.random((3, 4)) > 0.5).astype("float64")
_TARGETS[:, 0] = 1.0 - _TARGETS[:, 1:].max(axis=1)
_PREDICTIONS = _RNG.random((3, 4)) * 0.8 + 0.1
_PREDICTIONS /= _PREDICTIONS.sum(axis=-1, keepdims=True)
_LABELS = np.array([1, 0, 3])

_FUNCTIONS = ["binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
              "categorical_focal_crossentropy", "categorical_hinge", "cosine_similarity", "dice", "hinge", "huber",
              "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_error", "mean_squared_logarithmic_error", "poisson", "sparse_categorical_crossentropy",
              "squared_hinge", "tversky"]
_CLASSES = ["BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
            "CategoricalHinge", "CosineSimilarity", "Dice", "Hinge", "Huber", "KLDivergence", "LogCosh",
            "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
            "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky"]
#: float32 log differs by an ulp between NumPy and PyTorch, and this one takes its logs in float32 (float64 result)
_FLOAT32_LOGS = {"mean_squared_logarithmic_error", "MeanSquaredLogarithmicError"}


def _plain(value):
    """(dtype name, values) of a loss result, Keras's or ours."""
    array = np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)
    return str(value.dtype).replace("torch.", ""), array


def _arguments(name, make):
    targets = _LABELS if "sparse" in name.lower() else _TARGETS
    return make(targets), make(_PREDICTIONS)


def _assert_same(name, got, want):
    (got_dtype, got_values), (want_dtype, want_values) = _plain(got), _plain(want)
    assert got_dtype == want_dtype, f"{name}: {got_dtype}, Keras {want_dtype}"
    # float64 results to float64's digits; float32 ones (Keras's float32 computations) to a few float32 ulps
    rtol = 1e-6 if name in _FLOAT32_LOGS or want_dtype == "float32" else 1e-13
    np.testing.assert_allclose(got_values, want_values, rtol=rtol, atol=0, err_msg=name)


@pytest.mark.parametrize("tensors", [False, True], ids=["numpy", "tensors"])
@pytest.mark.parametrize("name", _FUNCTIONS)
def test_loss_functions_of_float64_data_give_keras_dtype_and_value(name, tensors):
    theirs, ours = fresh_sessions()   # skips without keras (and so without torch)
    import torch
    want = getattr(theirs.losses, name)(*_arguments(name, torch.tensor if tensors else np.asarray))
    got = getattr(ours.losses, name)(*_arguments(name, ag.tensor if tensors else np.asarray))
    _assert_same(name, got, want)


@pytest.mark.parametrize("dtype", [None, "float64"])
@pytest.mark.parametrize("name", _CLASSES)
def test_loss_classes_of_float64_data_give_keras_dtype_and_value(name, dtype):
    theirs, ours = fresh_sessions()
    want = getattr(theirs.losses, name)(dtype=dtype)(*_arguments(name, np.asarray))
    got = getattr(ours.losses, name)(dtype=dtype)(*_arguments(name, np.asarray))
    _assert_same(name, got, want)


def _float64_embedding_losses(keras, tensor):
    rng = np.random.default_rng(3)
    embeddings = rng.normal(size=(4, 3))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    probabilities = rng.random((4, 3))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    logits = rng.normal(size=(2, 5, 4))
    labels = np.array([[1, 2, 0, 0, 0], [3, 1, 2, 0, 0]])
    return {"circle": keras.losses.circle(np.array([0, 1, 0, 1]), embeddings),
            "Circle": keras.losses.Circle()(np.array([0, 1, 0, 1]), embeddings),
            # Keras's function multiplies its argument by a tensor, which a NumPy array refuses: give a tensor
            "generalized": keras.losses.categorical_generalized_cross_entropy(np.array([0, 1, 2, 1]),
                                                                             tensor(probabilities), q=0.5),
            "ctc": keras.losses.ctc(labels, logits), "CTC": keras.losses.CTC()(labels, logits)}


def test_embedding_and_sequence_losses_of_float64_data_are_keras():
    theirs, ours = fresh_sessions()   # skips without keras (and so without torch)
    import torch
    want, got = _float64_embedding_losses(theirs, torch.tensor), _float64_embedding_losses(ours, ag.tensor)
    for name in want:   # these compute in float32 inside Keras (matmul, CTC), so float32's digits
        (got_dtype, got_values), (want_dtype, want_values) = _plain(got[name]), _plain(want[name])
        assert got_dtype == want_dtype, name
        np.testing.assert_allclose(got_values, want_values, rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("reduction", ["none", "sum", "sum_over_batch_size", "mean_with_sample_weight"])
@pytest.mark.parametrize("name", ["MeanSquaredError", "CategoricalCrossentropy", "Hinge"])
def test_weighted_reductions_of_float64_losses_are_keras(name, reduction):
    theirs, ours = fresh_sessions()
    weights = np.array([0.5, 2.0, 1.0])
    for dtype in (None, "float64"):
        want = getattr(theirs.losses, name)(reduction=reduction, dtype=dtype)(_TARGETS, _PREDICTIONS, weights)
        got = getattr(ours.losses, name)(reduction=reduction, dtype=dtype)(_TARGETS, _PREDICTIONS, weights)
        _assert_same(f"{name} {reduction} {dtype}", got, want)


def _float64_training(keras, loss):
    x = np.random.default_rng(1).normal(size=(8, 3))
    y = np.random.default_rng(2).random((8, 2))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="sigmoid",
                                                                     kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss(keras), metrics=["mae"])
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return history.history, model.evaluate(x, y, verbose=0), model.train_on_batch(x, y)


@pytest.mark.parametrize("loss", [lambda k: "mse", lambda k: "binary_crossentropy", lambda k: k.losses.Huber(),
                                  lambda k: k.losses.MeanSquaredError(dtype="float64")],
                         ids=["mse", "bce", "Huber", "MSE_float64"])
def test_compiled_losses_on_float64_data_are_keras(loss):
    theirs, ours = fresh_sessions()
    (got_history, got_eval, got_batch), (want_history, want_eval, want_batch) = \
        _float64_training(ours, loss), _float64_training(theirs, loss)
    assert sorted(got_history) == sorted(want_history)
    for key in want_history:
        np.testing.assert_allclose(got_history[key], want_history[key], rtol=2e-6, err_msg=key)
    np.testing.assert_allclose(got_eval, want_eval, rtol=2e-6)
    np.testing.assert_allclose(got_batch, want_batch, rtol=2e-6)


# ----- 2. binary cross-entropies of targets not shaped as the outputs ---------------------------------------
_LABELS_N = np.array([0.0, 1.0, 1.0], dtype="float32")
_OUTPUTS_N2 = np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]], dtype="float32")
_SHAPE_CASES = {"N_vs_N2": (_LABELS_N, _OUTPUTS_N2), "N_vs_N1": (_LABELS_N, _OUTPUTS_N2[:, :1]),
                "N1_vs_N": (_LABELS_N[:, None], _OUTPUTS_N2[:, 0]), "1x2_vs_N2": (_LABELS_N[None, :2], _OUTPUTS_N2)}


def _outcome(call):
    """('ok', shape, values) or ('error', exception type name) of a call."""
    try:
        result = call()
    except Exception as error:   # noqa: BLE001 - the type is what is compared
        return ("error", "ValueError" if isinstance(error, ValueError) else type(error).__name__)
    values = np.asarray(result.detach().cpu().numpy() if hasattr(result, "detach") else result, dtype="float64")
    return ("ok", values.shape, np.round(values, 5).tolist())


def _metric_result(metric, y_true, y_pred):
    metric.update_state(y_true, y_pred)
    return metric.result()


_SHAPE_CALLS = {
    "function": lambda k, name, t, p: getattr(k.losses, name)(t, p),
    "function_from_logits": lambda k, name, t, p: getattr(k.losses, name)(t, p, from_logits=True),
    "class": lambda k, name, t, p: getattr(k.losses, _CLASS_OF[name])()(t, p),
    "metric_function": lambda k, name, t, p: getattr(k.metrics, name)(t, p),
}
_CLASS_OF = {"binary_crossentropy": "BinaryCrossentropy", "binary_focal_crossentropy": "BinaryFocalCrossentropy"}


@pytest.mark.parametrize("case", sorted(_SHAPE_CASES))
@pytest.mark.parametrize("call", sorted(_SHAPE_CALLS))
@pytest.mark.parametrize("name", sorted(_CLASS_OF))
def test_binary_crossentropies_of_unmatched_shapes_are_keras(name, call, case):
    theirs, ours = fresh_sessions()
    y_true, y_pred = _SHAPE_CASES[case]
    assert _outcome(lambda: _SHAPE_CALLS[call](ours, name, y_true, y_pred)) == \
        _outcome(lambda: _SHAPE_CALLS[call](theirs, name, y_true, y_pred))


@pytest.mark.parametrize("case", sorted(_SHAPE_CASES))
def test_binary_crossentropy_metric_of_unmatched_shapes_is_keras(case):
    theirs, ours = fresh_sessions()
    y_true, y_pred = _SHAPE_CASES[case]
    assert _outcome(lambda: _metric_result(ours.metrics.BinaryCrossentropy(), y_true, y_pred)) == \
        _outcome(lambda: _metric_result(theirs.metrics.BinaryCrossentropy(), y_true, y_pred))


def _fit_outcome(keras, units, metric):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(units, activation="sigmoid",
                                                                     kernel_initializer="ones")])
    model.compile("sgd", "binary_crossentropy", metrics=[metric] if metric else [])
    return _outcome(lambda: np.array(model.evaluate(np.ones((3, 3), "float32"), _LABELS_N, verbose=0)))


@pytest.mark.parametrize("units,metric", [(2, None), (1, None), (1, "binary_crossentropy")])
def test_compiled_binary_crossentropy_of_n_labels_is_keras(units, metric):
    theirs, ours = fresh_sessions()
    assert _fit_outcome(ours, units, metric) == _fit_outcome(theirs, units, metric)


# ----- 3. keras.Variable(autocast=...) under a mixed-precision policy ---------------------------------------
def _dtype_name(value):
    return str(value.dtype).replace("torch.", "")


def _autocast_reads(keras, policy, by_argument):
    """The dtypes a layer's call sees of keras.Variables and add_weight weights made with autocast on and off,
    under `policy` set globally or given as the layer's dtype=; and the layer's output."""

    class Reader(keras.layers.Layer):
        def build(self, shape):
            self.on = keras.Variable(np.full((2,), 1.5), dtype="float32", autocast=True, name="on")
            self.off = keras.Variable(np.full((2,), 2.5), dtype="float32", autocast=False, name="off")
            self.weight_off = self.add_weight(shape=(2,), initializer="ones", autocast=False, name="weight_off")
            self.weight_on = self.add_weight(shape=(2,), initializer="ones", name="weight_on")

        def call(self, x):
            self.seen = {name: (_dtype_name(getattr(self, name)), _dtype_name(getattr(self, name).value),
                                _dtype_name(keras.ops.convert_to_tensor(getattr(self, name))),
                                _dtype_name(x * getattr(self, name)))
                         for name in ("on", "off", "weight_off", "weight_on")}
            return x * self.on + self.off

    previous = keras.config.dtype_policy()
    try:
        if not by_argument:
            keras.config.set_dtype_policy(policy)
        layer = Reader(dtype=policy) if by_argument else Reader()
        output = layer(np.array([[1.0, 2.0]], dtype="float32"))
    finally:
        keras.config.set_dtype_policy(previous)
    values = np.asarray(output.detach().cpu().float().numpy() if hasattr(output, "detach") else output)
    return layer.seen, _dtype_name(output), values.tolist(), _dtype_name(layer.on.value), layer.on.dtype


@pytest.mark.parametrize("by_argument", [False, True], ids=["global_policy", "layer_dtype"])
@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_autocast_variables_under_mixed_precision_are_keras(policy, by_argument):
    theirs, ours = fresh_sessions()
    assert _autocast_reads(ours, policy, by_argument) == _autocast_reads(theirs, policy, by_argument)


# ----- 4. load_weights' skip_mismatch, and by_name for legacy .h5 files -------------------------------------
def _two_dense(keras, units, names, extra=False):
    constant = keras.initializers.Constant(0.5)
    layers = [keras.Input((3,)), keras.layers.Dense(4, name=names[0], kernel_initializer=constant,
                                                    bias_initializer="ones")]
    if extra:
        layers.append(keras.layers.Dense(4, name="extra", kernel_initializer=constant))
    layers.append(keras.layers.Dense(units, name=names[1], kernel_initializer=constant))
    return keras.Sequential(layers)


_TARGET_MODELS = {"same": (2, ("a", "b"), False), "more_units": (5, ("a", "b"), False),
                  "extra_layer": (2, ("a", "b"), True), "names_swapped": (2, ("b", "a"), False),
                  "one_name_new": (2, ("x", "b"), False), "new_name_more_units": (5, ("x", "b"), False),
                  "names_swapped_other_units": (4, ("b", "a"), False)}
_LOAD_OPTIONS = {"plain": {}, "skip_mismatch": {"skip_mismatch": True}, "by_name": {"by_name": True},
                 "by_name_skip_mismatch": {"by_name": True, "skip_mismatch": True}}


def _loading_outcomes(keras, folder, suffix):
    """For each target model and set of load_weights options: the error type, or the weights it ends with."""
    import warnings
    source = _two_dense(keras, 2, ("a", "b"))
    for weight in source.weights:
        weight.assign(np.arange(np.prod(weight.shape), dtype="float32").reshape(weight.shape) / 10)
    path = str(folder / f"source{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras warns that .h5 is a legacy format
        source.save_weights(path) if suffix == ".weights.h5" else source.save(path)
    outcomes = {}
    for case, (units, names, extra) in _TARGET_MODELS.items():
        for option, kwargs in _LOAD_OPTIONS.items():
            model = _two_dense(keras, units, names, extra)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.load_weights(path, **kwargs)
            except Exception as error:   # noqa: BLE001 - the type is what is compared
                outcomes[case, option] = type(error).__name__ if not isinstance(error, ValueError) else "ValueError"
                continue
            outcomes[case, option] = [np.asarray(keras.ops.convert_to_numpy(w)).round(4).tolist()
                                      for w in model.weights]
    return outcomes


@pytest.mark.parametrize("suffix", [".weights.h5", ".keras", ".h5"])
def test_load_weights_skip_mismatch_and_by_name_are_keras(suffix, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    got = _loading_outcomes(ours, tmp_path / "ours", suffix)
    want = _loading_outcomes(theirs, tmp_path / "theirs", suffix)
    assert got == want


# ----- 6. compiling a fitted model again --------------------------------------------------------------------
_RECOMPILES = [
    {"optimizer": "adam", "loss": "mse", "metrics": ["mae"]},
    {"optimizer": "adam"},                                 # keeps the loss and the metrics
    {"optimizer": "adam", "loss": "mse"},                  # keeps the metrics
    {"optimizer": "sgd", "metrics": ["mae"]},              # keeps the loss, drops the weighted metrics
    {"optimizer": "sgd", "weighted_metrics": []},          # no metrics left, compile_metrics still listed
    {"optimizer": "sgd", "loss": "mse", "metrics": []},
]


def _recompiled(keras, second):
    import warnings
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = (np.random.default_rng(1).random((16, 1)) > 0.5).astype("float32")
    constant = keras.initializers.Constant(0.3)
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(1, activation="sigmoid", kernel_initializer=constant)])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", keras.metrics.AUC(name="auc")],
                  weighted_metrics=["mse"])
    first = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y)).history
    model.compile(**second)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(x, y, epochs=1, verbose=0).history
        evaluated = model.evaluate(x, y, verbose=0, return_dict=True)
    return (sorted(first), sorted(history), model.metrics_names, model.loss), \
        {k: float(v) for k, v in evaluated.items()}


@pytest.mark.parametrize("second", _RECOMPILES, ids=lambda s: "+".join(sorted(s)))
def test_compiling_again_keeps_what_keras_keeps(second):
    theirs, ours = fresh_sessions()
    (got, got_values), (want, want_values) = _recompiled(ours, second), _recompiled(theirs, second)
    assert got == want
    assert sorted(got_values) == sorted(want_values)
    for key, value in want_values.items():
        assert got_values[key] == pytest.approx(value, rel=1e-5), key


# ----- 5. Nadam and LossScaleOptimizer state in .keras and .weights.h5 files --------------------------------
_OPTIMIZERS = {
    "nadam": lambda k: k.optimizers.Nadam(0.01),
    "loss_scale_adam": lambda k: k.optimizers.LossScaleOptimizer(k.optimizers.Adam(0.01), initial_scale=128.0,
                                                                 dynamic_growth_steps=3),
    "loss_scale_nadam": lambda k: k.optimizers.LossScaleOptimizer(k.optimizers.Nadam(0.01)),
}


def _optimizer_state(keras, optimizer):
    """(name with counters and the model's name left out, values) of each optimizer variable."""
    import re
    return [(re.sub(r"sequential_\d+_|_\d+(?=/)|variable_\d+|variable", "v", v.path),
             np.asarray(keras.ops.convert_to_numpy(v), dtype="float64").ravel().tolist()) for v in optimizer.variables]


def _resumed_training(keras, folder, kind):
    """Losses and optimizer variables of: fit; load_model of its .keras file and fit; a new model loading its
    .weights.h5 file before (unbuilt optimizer) and after building its optimizer, and fit; the first fit again."""
    import warnings
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = np.random.default_rng(1).normal(size=(16, 2)).astype("float32")

    def make():
        constant = keras.initializers.Constant
        model = keras.Sequential([keras.Input((3,)),
                                  keras.layers.Dense(4, activation="tanh", kernel_initializer=constant(0.3)),
                                  keras.layers.Dense(2, kernel_initializer=constant(-0.2))])
        model.compile(_OPTIMIZERS[kind](keras), "mse")
        return model

    def fit(model):
        return model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False).history["loss"]

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras warns that an unbuilt optimizer skips the saved variables
        model = make()
        out["fit"] = fit(model)
        model.save(str(folder / "model.keras"))
        model.save_weights(str(folder / "model.weights.h5"))
        loaded = keras.models.load_model(str(folder / "model.keras"))
        out["loaded_state"] = _optimizer_state(keras, loaded.optimizer)
        out["loaded_fit"] = fit(loaded)
        unbuilt = make()
        unbuilt.load_weights(str(folder / "model.weights.h5"))
        out["unbuilt_fit"] = fit(unbuilt)
        built = make()
        built.optimizer.build(built.trainable_variables)
        built.load_weights(str(folder / "model.weights.h5"))
        out["built_state"] = _optimizer_state(keras, built.optimizer)
        out["built_fit"] = fit(built)
        out["continued_fit"] = fit(model)
    return out


@pytest.mark.parametrize("kind", sorted(_OPTIMIZERS))
def test_saved_optimizer_state_resumes_training_as_keras(kind, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    got = _resumed_training(ours, tmp_path / "ours", kind)
    want = _resumed_training(theirs, tmp_path / "theirs", kind)
    for key, value in want.items():
        if key.endswith("_state"):
            assert [name for name, _ in got[key]] == [name for name, _ in value], key
            for (name, a), (_, b) in zip(got[key], value):
                np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-7, err_msg=f"{key} {name}")
        else:
            np.testing.assert_allclose(got[key], value, rtol=2e-6, err_msg=key)


# ----- 7. recurrent corner cases ----------------------------------------------------------------------------
_SEQUENCES = np.linspace(-1, 1, 24).reshape(2, 3, 4).astype("float32")


def _numpy(keras, value):
    return np.asarray(keras.ops.convert_to_numpy(value))


def _structure(value):
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_structure(v) for v in value]
    return tuple(value.shape)


def _stateful_resets(keras, kind):
    layer = getattr(keras.layers, kind)(2, stateful=True, return_state=True, kernel_initializer="ones",
                                        recurrent_initializer="ones")
    first = layer(_SEQUENCES)
    second = layer(_SEQUENCES)
    out = {"states": [tuple(s.shape) for s in first[1:]], "carried": not np.allclose(_numpy(keras, second[0]),
                                                                                     _numpy(keras, first[0]))}
    for method in ("reset_states", "reset_state"):
        getattr(layer, method)()
        out[method] = ([_numpy(keras, s).tolist() for s in layer.states],
                       bool(np.allclose(_numpy(keras, layer(_SEQUENCES)[0]), _numpy(keras, first[0]), atol=1e-6)))
    with pytest.raises(TypeError):
        layer.reset_states(states=None)
    model = keras.Sequential([keras.Input((3, 4), batch_size=2), getattr(keras.layers, kind)(2, stateful=True)])
    out["model_methods"] = [hasattr(model, "reset_states"), hasattr(model, "reset_state")]
    with pytest.raises(ValueError):
        model.layers[0](np.ones((3, 3, 4), "float32"))   # another batch size than the kept states'
    return out


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_stateful_reset_states_and_reset_state_are_keras(kind):
    theirs, ours = fresh_sessions()
    assert _stateful_resets(ours, kind) == _stateful_resets(theirs, kind)


def _bidirectional_without_merge(keras, kind, return_sequences, return_state, reset_after):
    options = {"reset_after": reset_after} if kind == "GRU" else {}
    layer = keras.layers.Bidirectional(getattr(keras.layers, kind)(3, return_sequences=return_sequences,
                                                                   return_state=return_state, **options),
                                       merge_mode=None)
    layer.build((None, 3, 4))
    rng = np.random.default_rng(0)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in layer.get_weights()])
    outputs = layer(_SEQUENCES)
    symbolic = layer(keras.Input((3, 4)))
    flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return (_structure(outputs), _structure(symbolic), [tuple(w.shape) for w in layer.weights],
            layer.count_params()), [_numpy(keras, o) for o in flat]


@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("kind,reset_after", [("LSTM", None), ("SimpleRNN", None), ("GRU", True), ("GRU", False)])
def test_bidirectional_without_merge_mode_is_keras(kind, reset_after, return_sequences, return_state):
    theirs, ours = fresh_sessions()
    got, got_values = _bidirectional_without_merge(ours, kind, return_sequences, return_state, reset_after)
    want, want_values = _bidirectional_without_merge(theirs, kind, return_sequences, return_state, reset_after)
    assert got == want
    for a, b in zip(got_values, want_values):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_weight_shapes_follow_reset_after_as_keras(reset_after):
    theirs, ours = fresh_sessions()

    def shapes(keras):
        layer = keras.layers.GRU(3, reset_after=reset_after)
        layer.build((None, 5, 4))
        cell = keras.layers.GRUCell(3, reset_after=reset_after)
        cell.build((None, 4))
        return ([(w.path.split("/", 1)[-1], tuple(w.shape)) for w in layer.weights], layer.count_params(),
                [(w.name, tuple(w.shape)) for w in cell.weights])
    assert shapes(ours) == shapes(theirs)


def _metric_by_name(keras, name):
    x = np.ones((4, 3), "float32")
    y = np.array([[0.0], [1.0], [1.0], [0.0]], "float32")
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(1, activation="sigmoid", kernel_initializer="ones")])
    model.compile("sgd", "binary_crossentropy", metrics=[name])
    history = model.fit(x, y, verbose=0).history
    return {key: round(values[0], 5) for key, values in history.items()}


@pytest.mark.parametrize("name", ["BinaryCrossentropy", "bce", "BCE", "MeanSquaredError", "BinaryAccuracy", "AUC",
                                  "mean_squared_logarithmic_error"])
def test_compile_takes_the_metric_names_keras_takes(name):
    theirs, ours = fresh_sessions()
    assert _metric_by_name(ours, name) == _metric_by_name(theirs, name)
