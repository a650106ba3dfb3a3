"""Keras differences left by this stop's rounds, checked against Keras 3 (torch backend) directly: keras.ops.scatter
with values that do not fill the addressed slices, slice_update with fewer start indices than axes, pooling
layers given padding='full', and the metric names compile accepts (with their case, as Keras spells them)."""
import numpy as np
import pytest

from tests.keras.oracle import fresh_sessions


def _outcome(call):
    """('ok', values) or ('raises', exception type name) of a call."""
    try:
        result = call()
    except Exception as error:   # the type is what is compared
        return "raises", type(error).__name__
    return "ok", np.asarray(result.detach().cpu().numpy() if hasattr(result, "detach") else result).tolist()


# ----- 1. scatter: values must fill the slices the indices address ---------------------------------------------------
def test_scatter_with_values_that_fill_the_slices_matches_keras():
    theirs, ours = fresh_sessions()
    for indices, values, shape in [([[0]], np.ones(1), (3,)), ([[0]], np.ones(2), (3, 2)),
                                   ([[0], [2]], np.arange(4.0).reshape(2, 2), (3, 2)), ([[1, 0]], [5.0], (2, 2))]:
        assert _outcome(lambda: ours.ops.scatter(indices, values, shape)) == \
            _outcome(lambda: theirs.ops.scatter(indices, values, shape))


@pytest.mark.parametrize("indices, values, shape", [([[0]], np.ones(2), (3,)), ([[0]], np.ones((1, 2)), (3,)),
                                                    ([[0], [1]], np.ones(2), (3, 2)), ([[0]], np.ones((1, 3)), (3, 2))])
def test_scatter_with_values_that_do_not_fill_the_slices_is_refused_by_name(indices, values, shape):
    # Keras's torch backend drops the surplus values silently ([[0]], ones(2), (3,) -> [1, 0, 0]) or fails inside
    # torch (reshape RuntimeError, IndexError); deepgrad refuses every such call with one clear ValueError.
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match=r"keras\.ops\.scatter: values of shape .* give values of shape"):
        ours.ops.scatter(indices, values, shape)


# ----- 2. slice_update with fewer start indices than axes -------------------------------------------------------------
_X = np.arange(12.0).reshape(3, 4)
_SHORT_STARTS = [([1], (1, 4)), ((1,), (2, 4)), ([1], (1, 1)), ([1], (4,)), ([1], (2, 1)), ([], (3, 4)),
                 ([1], (2, 2)), ([0], (3,)), ([2], (2, 4))]


@pytest.mark.parametrize("starts, update_shape", _SHORT_STARTS, ids=[str(c) for c in _SHORT_STARTS])
def test_slice_update_with_fewer_starts_than_axes_matches_keras(starts, update_shape):
    theirs, ours = fresh_sessions()
    updates = -np.arange(1.0, 1.0 + np.prod(update_shape)).reshape(update_shape)
    assert _outcome(lambda: ours.ops.slice_update(_X, starts, updates)) == \
        _outcome(lambda: theirs.ops.slice_update(_X, starts, updates))


def test_slice_update_with_fewer_starts_keeps_gradients_and_names_the_fix():
    import autograd as ag
    _, ours = fresh_sessions()
    x, updates = ag.tensor(_X, requires_grad=True), ag.tensor(np.ones((2, 2, 1)), requires_grad=True)
    out = ours.ops.slice_update(x.reshape(3, 2, 2), [1], updates)
    (out * ag.tensor(np.arange(12.0).reshape(3, 2, 2))).sum().backward()
    np.testing.assert_array_equal(updates.grad.numpy().ravel(), [4 + 5, 6 + 7, 8 + 9, 10 + 11])
    np.testing.assert_array_equal(x.grad.numpy().ravel(), [0, 1, 2, 3] + [0] * 8)
    with pytest.raises(RuntimeError, match=r"slice_update: updates of shape \(2, 2\) do not fit the box \(2, 4\)"):
        ours.ops.slice_update(_X, [1], np.ones((2, 2)))
    with pytest.raises(IndexError, match="give one start per axis"):   # Keras's tensor path: IndexError too
        ours.ops.slice_update(np.zeros((2, 3, 4)), np.array([1]), np.ones((1, 3, 4)))


# ----- 3. pooling with padding='full' ---------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D"])
def test_pooling_with_padding_full_is_refused_as_keras_refuses_it_in_a_model(layer):
    # Keras refuses 'full' when a model is built (ValueError from the output-shape rule); called eagerly its torch
    # backend silently pools as 'valid', a plain bug, so deepgrad refuses there too (at construction).
    theirs, ours = fresh_sessions()
    shape = (5, 3) if layer.endswith("1D") else (5, 5, 3)
    with pytest.raises(ValueError):
        theirs.Sequential([theirs.Input(shape), getattr(theirs.layers, layer)(2, padding="full")])
    with pytest.raises(ValueError, match=f"{layer}: padding must be 'valid' or 'same', got 'full'"):
        ours.Sequential([ours.Input(shape), getattr(ours.layers, layer)(2, padding="full")])


# ----- 4. metric names, with their case ------------------------------------------------------------------------------
_METRIC_NAMES = ["kld", "KLD", "logcosh", "log_cosh", "LogCosh", "log_cosh_error", "LogCoshError", "kl_divergence",
                 "KLDivergence", "kullback_leibler_divergence", "fbeta_score", "f_beta_score", "mse", "MSE", "Mse",
                 "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "bce", "BCE", "auc", "AUC", "acc", "ACC", "accuracy",
                 "Accuracy", "MEAN_SQUARED_ERROR", "mean_squared_error", "r2_score", "cosine_similarity",
                 "COSINE_SIMILARITY", "crossentropy", "huber", "mean"]


def _evaluate_with_metric(keras, name):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse", metrics=[name])
    model.evaluate(np.full((4, 2), 0.5, "float32"), np.full((4, 2), 0.25, "float32"), verbose=0)
    return "ok"


def test_metric_identifiers_in_compile_are_those_keras_interprets():
    theirs, ours = fresh_sessions()
    for name in _METRIC_NAMES:
        assert _outcome(lambda: _evaluate_with_metric(ours, name)) == \
            _outcome(lambda: _evaluate_with_metric(theirs, name)), name
    with pytest.raises(ValueError, match="unknown metric 'kld'; known: .*kl_divergence.*Could not interpret metric identifier: kld"):
        _evaluate_with_metric(ours, "kld")


def test_metrics_get_matches_keras_names():
    theirs, ours = fresh_sessions()
    for name in _METRIC_NAMES:
        got = _outcome(lambda: type(ours.metrics.get(name)).__name__)
        want = _outcome(lambda: type(theirs.metrics.get(name)).__name__)
        if got[0] == want[0] == "ok" and want[1] == "function":
            continue   # Keras gives the plain function for a function's name, deepgrad its Metric wrapper
        assert got == want, name
