"""Keras signature leftovers, round 8, each against real Keras (torch backend): keras.metrics' functions return
tensors (the loss-named ones are the loss functions), LambdaCallback calls its hooks as Keras does, and the
arguments of Optimizer.build, Layer.add_weight, Variable, Metric.add_variable, load_weights and evaluate."""
import numpy as np
import pytest

import autograd as ag

from .oracle import fresh_sessions

RNG = np.random.default_rng(8)
Y_TRUE = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], np.float32)
Y_PRED = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
LOSS_NAMED = ["binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
              "categorical_focal_crossentropy", "categorical_hinge", "hinge", "huber", "kl_divergence", "log_cosh",
              "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
              "mean_squared_logarithmic_error", "poisson", "squared_hinge"]
HOST_COMPUTED = [("binary_accuracy", {}), ("categorical_accuracy", {}), ("top_k_categorical_accuracy", {"k": 2}),
                 ("pearson_correlation", {}), ("concordance_correlation", {})]


def _same_tensor(ours, theirs):
    assert isinstance(ours, ag.Tensor)
    expected = theirs.detach().cpu().numpy()
    assert ours.dtype == expected.dtype and tuple(ours.shape) == expected.shape
    np.testing.assert_allclose(ours.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", LOSS_NAMED)
def test_loss_named_metric_functions_are_the_loss_functions(name):
    theirs, ours = fresh_sessions()
    assert getattr(ours.metrics, name) is getattr(ours.losses, name)
    _same_tensor(getattr(ours.metrics, name)(Y_TRUE, Y_PRED), getattr(theirs.metrics, name)(Y_TRUE, Y_PRED))


@pytest.mark.parametrize("name,kwargs", HOST_COMPUTED, ids=[c[0] for c in HOST_COMPUTED])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_accuracy_and_correlation_functions_return_keras_tensors(name, kwargs, dtype):
    theirs, ours = fresh_sessions()
    y_true, y_pred = Y_TRUE.astype(dtype), Y_PRED.astype(dtype)
    _same_tensor(getattr(ours.metrics, name)(y_true, y_pred, **kwargs),
                 getattr(theirs.metrics, name)(y_true, y_pred, **kwargs))


def test_sparse_accuracies_return_keras_tensors():
    theirs, ours = fresh_sessions()
    labels = np.array([1, 0, 2, 2])
    for name, kwargs in (("sparse_categorical_accuracy", {}), ("sparse_top_k_categorical_accuracy", {"k": 2})):
        _same_tensor(getattr(ours.metrics, name)(labels, Y_PRED, **kwargs),
                     getattr(theirs.metrics, name)(labels, Y_PRED, **kwargs))
    scce = "sparse_categorical_crossentropy"
    _same_tensor(getattr(ours.metrics, scce)(labels, Y_PRED), getattr(theirs.metrics, scce)(labels, Y_PRED))


def test_metric_classes_and_compile_still_take_the_functions():
    theirs, ours = fresh_sessions()
    for lib in (theirs, ours):
        lib.utils.set_random_seed(0)
    results = []
    for lib in (theirs, ours):
        metrics = [lib.metrics.MeanSquaredError(), lib.metrics.TopKCategoricalAccuracy(k=2),
                   lib.metrics.MeanMetricWrapper(lib.metrics.binary_accuracy)]
        for metric in metrics:
            metric.update_state(Y_TRUE, Y_PRED)
        results.append([float(np.asarray(m.result().cpu() if hasattr(m.result(), "cpu") else m.result()))
                        for m in metrics])
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


# ---- LambdaCallback: Keras passes a batch hook its logs as logs= ------------------------------------------------

LAMBDA_HOOKS = [("on_train_batch_begin", "b, l"), ("on_train_batch_end", "b, l"), ("on_batch_end", "b, l"),
                ("on_test_batch_end", "b, l"), ("on_predict_batch_begin", "b, logs"), ("on_epoch_end", "e, l"),
                ("on_train_begin", "l")]


def _lambda_outcome(lib, hook, parameters):
    x, y = np.ones((8, 3), np.float32), np.ones((8, 1), np.float32)
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
    model.compile("sgd", "mse")
    seen = []
    function = eval(f"lambda {parameters}: seen.append(1)", {"seen": seen})   # the parameter names under test
    callbacks = [lib.callbacks.LambdaCallback(**{hook: function})]
    try:
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=callbacks)
        model.evaluate(x, y, batch_size=4, verbose=0, callbacks=callbacks)
        model.predict(x, batch_size=4, verbose=0, callbacks=callbacks)
    except TypeError as error:
        return "TypeError", "unexpected keyword argument 'logs'" in str(error)
    return "ok", len(seen)


@pytest.mark.parametrize("hook,parameters", LAMBDA_HOOKS, ids=[h for h, _ in LAMBDA_HOOKS])
def test_lambda_callback_hooks_are_called_as_keras_calls_them(hook, parameters):
    theirs, ours = fresh_sessions()
    assert _lambda_outcome(ours, hook, parameters) == _lambda_outcome(theirs, hook, parameters)


# ---- Optimizer.build, Layer.add_weight, Variable, Metric.add_variable ---------------------------------------------

def _parameters(function):
    import inspect
    return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(function).parameters.values()]


def test_optimizer_build_names_its_argument_as_keras():
    theirs, ours = fresh_sessions()
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Lion", "Lamb", "Muon", "LossScaleOptimizer",
                 "MultiOptimizer", "Optimizer"):
        assert _parameters(getattr(ours.optimizers, name).build) == _parameters(getattr(theirs.optimizers, name).build)
    weight = ours.Variable(np.ones((2, 2), np.float32))
    optimizer = ours.optimizers.Adam()
    optimizer.build(var_list=[weight])
    assert optimizer.built and len(optimizer.variables) == len(theirs_adam_variables(theirs))


def theirs_adam_variables(theirs):
    optimizer = theirs.optimizers.Adam()
    optimizer.build(var_list=[theirs.Variable(np.ones((2, 2), np.float32))])
    return optimizer.variables


def test_variable_and_weight_signatures_match_keras():
    theirs, ours = fresh_sessions()
    assert _parameters(ours.Variable) == _parameters(theirs.Variable)
    assert _parameters(ours.layers.Layer.add_weight) == _parameters(theirs.layers.Layer.add_weight)
    assert _parameters(ours.metrics.Metric.add_variable) == _parameters(theirs.metrics.Metric.add_variable)
    assert _parameters(ours.metrics.Metric.add_weight) == _parameters(theirs.metrics.Metric.add_weight)


VARIABLE_CALLS = ["lib.Variable(np.ones(2, np.float32), aggregation='mean', synchronization='on_read', autocast=False)",
                  "lib.Variable(np.ones(2, np.float32), aggregation=None, synchronization=None)",
                  "lib.Variable(np.ones(2, np.float32), aggregation='bad')",
                  "lib.Variable(np.ones(2, np.float32), synchronization='bad')",
                  "lib.Variable()",
                  "lib.layers.Layer().add_weight((2,), 'ones', 'float32', aggregation='sum', overwrite_with_gradient=True)",
                  "lib.layers.Layer().add_weight('w')",
                  "lib.layers.Layer().add_weight((2,), shape=(2,))",
                  "lib.layers.Layer().add_weight((2,), 'ones', initializer='ones')",
                  "lib.layers.Layer().add_weight((2,), 'ones', 'float32', 'w')",
                  "lib.layers.Layer().add_weight(shape=(2,), overwrite_with_gradient=1)",
                  "lib.layers.Layer().add_weight(shape=(2,), aggregation='bad')",
                  "lib.layers.Layer().add_weight(shape=(2,), synchronization='on_read')",
                  "lib.metrics.Metric(name='m').add_variable((2,), 'ones', aggregation='mean')",
                  "lib.metrics.Metric(name='m').add_variable((2,))",
                  "lib.metrics.Metric(name='m').add_weight((2,), 'zeros')"]


@pytest.mark.parametrize("call", VARIABLE_CALLS)
def test_variable_arguments_behave_as_keras(call):
    theirs, ours = fresh_sessions()
    outcomes = []
    for lib in (theirs, ours):
        try:
            v = eval(call, {"lib": lib, "np": np})
            outcomes.append((tuple(v.shape), str(v.dtype).replace("torch.", ""), v.aggregation, v.synchronization,
                             v.overwrite_with_gradient, np.asarray(v.numpy()).tolist()))
        except (TypeError, ValueError) as error:
            outcomes.append(type(error))
    assert outcomes[1] == outcomes[0]


def test_metric_variable_without_initializer_is_refused_clearly():
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match="give an initializer"):
        ours.metrics.Metric(name="m").add_weight(shape=())


def _overwrite_run(lib, accumulation):
    class Scaled(lib.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(3, 1), initializer="ones")
            self.scale = self.add_weight(shape=(1,), initializer="zeros", overwrite_with_gradient=True)

        def call(self, x):
            return lib.ops.matmul(x, self.kernel) * (1.0 + self.scale)
    model = lib.Sequential([lib.Input((3,)), Scaled()])
    options = {} if accumulation is None else {"gradient_accumulation_steps": accumulation}
    optimizer = lib.optimizers.Adam(0.01, **options)
    model.compile(optimizer, "mse")
    x, y = np.arange(24, dtype=np.float32).reshape(8, 3) / 100, np.ones((8, 1), np.float32)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    return [np.asarray(w.numpy()) for w in model.weights], int(np.asarray(optimizer.iterations.numpy()))


@pytest.mark.parametrize("accumulation", [None, 2])
def test_overwrite_with_gradient_writes_the_gradient_as_keras(accumulation):
    theirs, ours = fresh_sessions()
    (k_weights, k_steps), (o_weights, o_steps) = _overwrite_run(theirs, accumulation), _overwrite_run(ours, accumulation)
    assert o_steps == k_steps
    for o, k in zip(o_weights, k_weights):
        np.testing.assert_allclose(o, k, rtol=1e-4, atol=1e-5)


def test_overwrite_with_gradient_through_apply_keeps_the_accumulated_maximum():
    theirs, ours = fresh_sessions()
    seen = []
    for lib in (theirs, ours):
        variable = lib.Variable(np.zeros(1, np.float32))
        variable.overwrite_with_gradient = True
        optimizer = lib.optimizers.SGD(0.1, gradient_accumulation_steps=2)
        optimizer.build([variable])
        values = []
        for g in (3.0, 1.0, 5.0, 2.0, 0.5, 4.0):
            optimizer.apply([np.array([g], np.float32)], [variable])
            values.append(float(np.asarray(variable.numpy())[0]))
        seen.append(values)
    assert seen[1] == seen[0]


# ---- load_weights and evaluate keywords -----------------------------------------------------------------------------

LOAD_CALLS = ["model.load_weights(weights, foo=1)", "model.load_weights(weights, by_name=True)",
              "model.load_weights(archive, objects_to_skip=[model.layers[0]])",
              "model.load_weights(archive, by_name=False)",
              "model.load_weights(weights, objects_to_skip=[model.layers[0]])",
              "keras_saving.load_weights(model, weights, objects_to_skip=[model.layers[1]])",
              "model.evaluate(x, y, verbose=0, foo=1)"]


def _load_outcome(lib, folder, call):
    def make():
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2, name="a"), lib.layers.Dense(1, name="b")])
        model.compile("sgd", "mse")
        return model
    saved = make()
    weights, archive = str(folder / "m.weights.h5"), str(folder / "m.keras")
    saved.save_weights(weights)
    saved.save(archive)
    model = make()
    before = [np.asarray(w.numpy()).copy() for w in model.weights]
    x, y = np.ones((4, 3), np.float32), np.ones((4, 1), np.float32)
    try:
        eval(call, {"model": model, "weights": weights, "archive": archive, "x": x, "y": y,
                    "keras_saving": lib.saving})
    except ValueError as error:
        return "ValueError", str(error).split(".")[0].split(":")[0]
    return [bool(np.array_equal(np.asarray(w.numpy()), b)) for w, b in zip(model.weights, before)]


@pytest.mark.parametrize("call", LOAD_CALLS)
def test_load_weights_and_evaluate_keywords_as_keras(call, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    (tmp_path / "k").mkdir()
    (tmp_path / "o").mkdir()
    assert _load_outcome(ours, tmp_path / "o", call) == _load_outcome(theirs, tmp_path / "k", call)


def test_load_weights_and_evaluate_signatures_match_keras():
    theirs, ours = fresh_sessions()
    assert _parameters(ours.Model.load_weights) == _parameters(theirs.Model.load_weights)
    assert _parameters(ours.Model.evaluate)[1:] == _parameters(theirs.Model.evaluate)[1:]


def test_top_k_accuracies_refuse_mismatched_targets_by_name():
    """A target that does not fit the scores is refused with a message naming the function and both shapes (it was
    NumPy's raw take_along_axis error)."""
    from nn import keras as ours
    scores = np.random.default_rng(0).random((4, 5)).astype(np.float32)
    with pytest.raises(ValueError, match=r"top_k_categorical_accuracy: .*\(2, 5\) and \(4, 5\)"):
        ours.metrics.top_k_categorical_accuracy(np.eye(5)[[0, 1]], scores)
    with pytest.raises(ValueError, match=r"sparse_top_k_categorical_accuracy: y_true of shape \(4, 2, 3\)"):
        ours.metrics.sparse_top_k_categorical_accuracy(np.zeros((4, 2, 3)), scores)
    hits = ours.metrics.sparse_top_k_categorical_accuracy(np.array([[0], [1], [2], [3]]), scores, k=2)
    assert np.asarray(hits).shape == (4,)
