"""R2Score, the IoU family, confusion counts, X-at-Y metrics and the regression/probabilistic means against
real Keras 3 (torch backend): update_state over several batches (with and without sample_weight), result,
then reset_state and one more batch."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(31)
B, C = 8, 3


def _batches(kind):
    """Three (y_true, y_pred) batches of one kind of data."""
    out = []
    for _ in range(3):
        if kind == "binary":
            y_true = RNG.integers(0, 2, (B, C)).astype(np.float32)
            y_pred = np.clip(y_true * 0.4 + RNG.uniform(0, 0.6, (B, C)), 0, 1).astype(np.float32)
        elif kind == "binary1":
            y_true = RNG.integers(0, 2, (B,)).astype(np.float32)
            y_pred = np.clip(y_true * 0.3 + RNG.uniform(0, 0.7, (B,)), 0, 1).astype(np.float32)
        elif kind == "regression":
            y_true = RNG.standard_normal((B, C)).astype(np.float32)
            y_pred = (y_true + 0.5 * RNG.standard_normal((B, C))).astype(np.float32)
        elif kind == "positive":
            y_true = RNG.uniform(0.1, 2, (B, C)).astype(np.float32)
            y_pred = RNG.uniform(0.1, 2, (B, C)).astype(np.float32)
        elif kind == "probabilities":
            y_true = RNG.dirichlet(np.ones(C), B).astype(np.float32)
            y_pred = RNG.dirichlet(np.ones(C), B).astype(np.float32)
        elif kind == "sparse":
            y_true = RNG.integers(0, C, (B, 2)).astype(np.float32)
            y_pred = np.where(RNG.uniform(size=(B, 2)) < 0.6, y_true, RNG.integers(0, C, (B, 2))).astype(np.float32)
        elif kind == "sparse_probs":
            y_true = RNG.integers(0, C, B)
            y_pred = RNG.dirichlet(np.ones(C), B).astype(np.float32)
        else:  # one-hot labels and class scores
            y_true = np.eye(C, dtype=np.float32)[RNG.integers(0, C, B)]
            y_pred = (y_true * 0.5 + RNG.uniform(0, 1, (B, C))).astype(np.float32)
        out.append((y_true, y_pred))
    return out


CASES = [
    ("R2Score", {}, "regression"), ("R2Score", {"class_aggregation": None}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 2}, "regression"),
    ("MeanIoU", {"num_classes": C}, "sparse"), ("MeanIoU", {"num_classes": C, "ignore_class": 0}, "sparse"),
    ("IoU", {"num_classes": C, "target_class_ids": [0, 2]}, "sparse"),
    ("MeanIoU", {"num_classes": C, "dtype": "float32"}, "sparse"),
    ("BinaryIoU", {}, "binary"), ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.7}, "binary"),
    ("OneHotIoU", {"num_classes": C, "target_class_ids": [1]}, "onehot"),
    ("OneHotMeanIoU", {"num_classes": C}, "onehot"),
    ("TruePositives", {}, "binary"), ("FalsePositives", {"thresholds": 0.3}, "binary"),
    ("TrueNegatives", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("FalseNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.6}, "binary1"), ("RecallAtPrecision", {"precision": 0.7}, "binary1"),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 50}, "binary1"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.8}, "binary1"),
    ("PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, "binary"),
    ("CosineSimilarity", {}, "regression"), ("CosineSimilarity", {"axis": 0}, "regression"),
    ("LogCoshError", {}, "regression"), ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Hinge", {}, "binary"), ("SquaredHinge", {}, "binary"), ("CategoricalHinge", {}, "onehot"),
    ("KLDivergence", {}, "probabilities"), ("Poisson", {}, "positive"),
    ("PearsonCorrelation", {}, "regression"), ("ConcordanceCorrelation", {}, "regression"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "binary"),
    ("CategoricalCrossentropy", {}, "probabilities"), ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
]


def _weights(name, kwargs, y_true):
    if kwargs.get("axis") == 0:   # one value per column
        return RNG.uniform(0.2, 2.0, y_true.shape[1]).astype(np.float32)
    if "IoU" in name:   # one weight per label; whole numbers for Keras's default integer dtype
        shape = y_true.shape[:-1] if "OneHot" in name else y_true.shape
        if kwargs.get("dtype") is None:
            return RNG.integers(0, 3, shape).astype(np.float32)
        return RNG.uniform(0.2, 2.0, shape).astype(np.float32)
    return RNG.uniform(0.2, 2.0, y_true.shape[0]).astype(np.float32)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("name,kwargs,kind", CASES,
                         ids=[f"{c[0]}-{'-'.join(f'{k}={v}' for k, v in c[1].items()) or 'default'}" for c in CASES])
def test_metric_matches_keras_over_batches(name, kwargs, kind, weighted):
    keras = real_keras()
    theirs, mine = getattr(keras.metrics, name)(**kwargs), getattr(ours.metrics, name)(**kwargs)
    batches = _batches(kind)
    for k, (y_true, y_pred) in enumerate(batches):
        weight = _weights(name, kwargs, y_true) if weighted else None
        theirs.update_state(y_true, y_pred, sample_weight=weight)
        mine.update_state(y_true, y_pred, sample_weight=weight)
        # atol: Keras's counts carry float32 rounding (fn = total - tp)
        np.testing.assert_allclose(np.asarray(mine.result().numpy(), np.float64),
                                   keras.ops.convert_to_numpy(theirs.result()), rtol=2e-5, atol=1e-5,
                                   err_msg=f"{name} after batch {k}")
    theirs.reset_state()
    mine.reset_state()
    y_true, y_pred = batches[0]
    theirs.update_state(y_true, y_pred)
    mine.update_state(y_true, y_pred)
    np.testing.assert_allclose(mine.result().numpy(), keras.ops.convert_to_numpy(theirs.result()), rtol=2e-5,
                               atol=1e-6, err_msg=f"{name} after reset")


@pytest.mark.parametrize("fn", ["hinge", "squared_hinge", "categorical_hinge", "kl_divergence", "poisson",
                                "log_cosh", "mean_squared_logarithmic_error", "huber", "binary_crossentropy",
                                "categorical_crossentropy", "binary_focal_crossentropy",
                                "categorical_focal_crossentropy", "pearson_correlation", "concordance_correlation"])
def test_metric_functions_match_keras(fn):
    keras = real_keras()
    y_true, y_pred = _batches("probabilities")[0]
    np.testing.assert_allclose(np.asarray(getattr(ours.metrics, fn)(y_true, y_pred)),
                               keras.ops.convert_to_numpy(getattr(keras.metrics, fn)(y_true, y_pred)), rtol=1e-5,
                               atol=1e-6)


def test_metric_names_in_compile_and_bad_arguments():
    x = RNG.standard_normal((32, 4)).astype(np.float32)
    y = 1 / (1 + np.exp(-2.0 * x[:, :2]))   # in [0, 1]: binary_crossentropy refuses other targets, as Keras's
    model = ours.Sequential([ours.Input(shape=(4,)), ours.layers.Dense(2)])
    model.compile("adam", "mse", metrics=["r2_score", "cosine_similarity", "log_cosh_error", "msle", "binary_crossentropy"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert {"r2_score", "cosine_similarity", "log_cosh_error", "msle", "binary_crossentropy"} <= set(history.history)
    with pytest.raises(ValueError, match="PrecisionAtRecall: recall must be in"):
        ours.metrics.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="IoU: target class id 3"):
        ours.metrics.IoU(3, [0, 3])
    with pytest.raises(ValueError, match="R2Score: expects 2-D"):
        ours.metrics.R2Score().update_state(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match=r"y_pred must lie in \[0, 1\]"):
        ours.metrics.TruePositives().update_state(np.ones(4), np.full(4, 2.0))
