"""Every keras.metrics class against real Keras 3 (torch backend): its state variables (names, shapes, dtypes,
order, values), the result after two weighted update_state calls, reset_state, get_config/from_config, and state
carried through the variables (assign, stateless_update_state / stateless_result)."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

_ARGS = {"IoU": dict(num_classes=3, target_class_ids=[0, 2]), "MeanIoU": dict(num_classes=3),
         "OneHotIoU": dict(num_classes=3, target_class_ids=[0, 2]), "OneHotMeanIoU": dict(num_classes=3),
         "PrecisionAtRecall": dict(recall=0.5, num_thresholds=11),
         "RecallAtPrecision": dict(precision=0.6, num_thresholds=11),
         "SensitivityAtSpecificity": dict(specificity=0.5), "SpecificityAtSensitivity": dict(sensitivity=0.4),
         "AUC": dict(num_thresholds=50), "Precision": dict(thresholds=[0.3, 0.6]), "Recall": dict(top_k=2, class_id=1),
         "TruePositives": dict(thresholds=[0.2, 0.7]), "FBetaScore": dict(beta=2.0, average="weighted"),
         "SparseTopKCategoricalAccuracy": dict(k=2), "TopKCategoricalAccuracy": dict(k=2),
         "R2Score": dict(class_aggregation="variance_weighted_average")}
_SPARSE = {"SparseCategoricalAccuracy", "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy"}
_ONE_HOT = {"CategoricalAccuracy", "CategoricalCrossentropy", "TopKCategoricalAccuracy", "OneHotIoU", "OneHotMeanIoU",
            "CategoricalHinge", "F1Score", "FBetaScore", "KLDivergence"}


def _batches(name, seed):
    """Two (y_true, y_pred, sample_weight) batches that suit the metric."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(2):
        y_pred = rng.uniform(0.02, 0.98, (8, 3)).astype(np.float32)
        weight = rng.uniform(0.5, 2.0, 8).astype(np.float32)
        if name in _SPARSE:
            y_true = rng.integers(0, 3, 8)
        elif name in _ONE_HOT:
            y_true = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
        elif name in ("IoU", "MeanIoU", "Accuracy"):
            y_true, y_pred = rng.integers(0, 3, (8, 3)), rng.integers(0, 3, (8, 3))
        elif name in ("R2Score", "Mean", "Sum"):
            y_true = rng.standard_normal((8, 3)).astype(np.float32)
            y_pred = (y_true + 0.5 * rng.standard_normal((8, 3))).astype(np.float32)
        else:
            y_true = (rng.uniform(size=(8, 3)) < 0.5).astype(np.float32)
        if name in ("IoU", "MeanIoU", "BinaryIoU"):   # Keras's IoU wants one weight per value, integers by default
            weight = rng.integers(1, 4, (8, 3)).astype(np.float32)
        out.append((y_true, y_pred, weight))
    return out


def _make(module, name):
    if name == "MeanMetricWrapper":
        return module.metrics.MeanMetricWrapper(fn=module.metrics.mean_squared_error)
    return getattr(module.metrics, name)(**_ARGS.get(name, {}))


def _update(metric, name, y_true, y_pred, weight):
    if name in ("Mean", "Sum"):
        metric.update_state(y_pred, sample_weight=weight)
    else:
        metric.update_state(y_true, y_pred, sample_weight=weight)


def _summary(metric):
    return [(v.name, tuple(v.shape), str(np.dtype(v.dtype))) for v in metric.variables]


def _values(metric):
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v.detach().cpu().numpy()) for v in metric.variables]


def _result(metric):
    value = metric.result()
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value, np.float64)


def _class_names():
    keras = real_keras()
    return sorted(n for n in dir(keras.metrics) if not n.startswith("_") and isinstance(getattr(keras.metrics, n), type)
                  and issubclass(getattr(keras.metrics, n), keras.metrics.Metric) and n != "Metric")


@pytest.mark.parametrize("name", _class_names())
def test_metric_variables_and_results_match_keras(name):
    keras = real_keras()
    theirs, mine = _make(keras, name), _make(ours, name)
    assert _summary(mine) == _summary(theirs), "variables before the first batch"
    batches = _batches(name, seed=len(name))
    for batch in batches:
        _update(theirs, name, *batch)
        _update(mine, name, *batch)
    assert _summary(mine) == _summary(theirs), "variables after two batches"
    for a, b in zip(_values(mine), _values(theirs)):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(_result(mine), _result(theirs), rtol=2e-5, atol=2e-6)
    built = [v for v in mine.variables]

    # the state lives in the variables: a fresh metric given them reports the same result
    restored = type(mine).from_config(mine.get_config()) if name != "MeanMetricWrapper" else _make(ours, name)
    if len(restored.variables) != len(mine.variables):   # built from the first batch: build it the same way
        _update(restored, name, *batches[0])
    for variable, value in zip(restored.variables, _values(mine)):
        variable.assign(value)
    np.testing.assert_allclose(_result(restored), _result(mine), rtol=1e-6, atol=1e-7)
    stepped = restored.stateless_update_state(_values(mine), *batches[0][:2], sample_weight=batches[0][2]) \
        if name not in ("Mean", "Sum") else restored.stateless_update_state(_values(mine), batches[0][1],
                                                                           sample_weight=batches[0][2])
    np.testing.assert_allclose(_result(restored), _result(mine), rtol=1e-6, atol=1e-7)   # unchanged
    _update(theirs, name, *batches[0])
    np.testing.assert_allclose(restored.stateless_result(stepped).numpy(), _result(theirs), rtol=2e-5, atol=2e-6)

    theirs.reset_state()
    mine.reset_state()
    assert all(a is b for a, b in zip(mine.variables, built)), "reset_state keeps the variables"
    assert _summary(mine) == _summary(theirs), "variables after reset_state"
    assert all(not np.any(v) for v in _values(mine))
    if name not in ("F1Score", "FBetaScore"):   # Keras's F-scores divide 0 by epsilon here too, but keep shape
        np.testing.assert_allclose(_result(mine), _result(theirs), atol=1e-7)


def test_config_from_real_keras_rebuilds_same_variables():
    keras = real_keras()
    for name in ("AUC", "Precision", "Recall", "IoU", "PrecisionAtRecall", "TruePositives", "F1Score", "R2Score"):
        theirs = _make(keras, name)
        mine = getattr(ours.metrics, name).from_config(theirs.get_config())
        assert _summary(mine) == _summary(theirs), name


def test_multi_label_auc_variables_are_built_by_the_first_batch_as_in_keras():
    keras = real_keras()
    rng = np.random.default_rng(0)
    y_true, y_pred = (rng.uniform(size=(10, 4)) < 0.5).astype(np.float32), rng.uniform(size=(10, 4)).astype(np.float32)
    for kwargs in (dict(multi_label=True), dict(multi_label=True, num_labels=4, curve="PR")):
        theirs, mine = keras.metrics.AUC(**kwargs), ours.metrics.AUC(**kwargs)
        assert _summary(mine) == _summary(theirs)
        theirs.update_state(y_true, y_pred)
        mine.update_state(y_true, y_pred)
        assert _summary(mine) == _summary(theirs)
        np.testing.assert_allclose(_result(mine), _result(theirs), rtol=1e-5)
        with pytest.raises(ValueError, match="labels"):
            mine.update_state(y_true[:, :3], y_pred[:, :3])


def test_mean_variables_written_from_outside_change_the_result():
    metric = ours.metrics.Mean()
    metric.update_state([1.0, 2.0, 3.0])
    total, count = metric.variables
    total.assign(12.0)
    assert float(metric.result()) == pytest.approx(4.0)
    metric.update_state([8.0])
    assert float(metric.result()) == pytest.approx(5.0)
    assert [float(v.numpy()) for v in metric.variables] == [20.0, 4.0]
