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
