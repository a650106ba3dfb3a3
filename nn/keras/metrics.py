"""keras.metrics: Keras's metrics, `update_state(y_true, y_pred, sample_weight=None)`, `result()`,
`reset_state()`. They accumulate on the host in float64 and also work in nn's compile (as nn Metrics)."""
import re

import numpy as np

import autograd as ag
from autograd.errors import IdentifierError, ShapeError

from . import metrics_extra
from .metric_state import StateVariable, add_state, state
from .metric_base import broadcast_errors
from .metric_base import (Mean, MeanMetricWrapper, Metric, Sum, _host, _match_rank, _ratio,  # noqa: F401
                          _weights_like, _wrapper_class)
from .settings import epsilon
from .metrics_extra import (BinaryIoU, CategoricalHinge, ConcordanceCorrelation, CosineSimilarity,  # noqa: F401
                            FalseNegatives, FalsePositives, Hinge, IoU, KLDivergence, LogCoshError, MeanIoU,
                            MeanSquaredLogarithmicError, OneHotIoU, OneHotMeanIoU, PearsonCorrelation, Poisson,
                            PrecisionAtRecall, R2Score, RecallAtPrecision, SensitivityAtSpecificity,
                            SpecificityAtSensitivity, SquaredHinge, TrueNegatives, TruePositives,
                            concordance_correlation, cosine_similarity, pearson_correlation,
                            BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)
from .metrics_functions import as_tensor


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (y_pred > threshold) equals y_true, else 0."""
    y_true, y_pred = _match_rank(np.asarray(y_true), np.asarray(y_pred))
    return (np.asarray(y_pred > threshold, dtype=np.float64) == y_true).astype(np.float64)


def categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_pred) equals argmax(y_true) (one-hot targets)."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_pred) equals the integer class y_true."""
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    return (np.argmax(y_pred, axis=-1) == y_true).astype(np.float64)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the true class (argmax of one-hot y_true) is among the k highest scores."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"top_k_categorical_accuracy: y_true (one-hot) and y_pred must have the same shape, got "
                         f"{y_true.shape} and {y_pred.shape}; for integer class ids use "
                         "sparse_top_k_categorical_accuracy")
    return _sparse_top_k_host(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1 where the integer class y_true is among the k highest scores (as Keras: its score is at least the k-th
    highest, so ties with the k-th count as hits); with from_sorted_ids=True, y_pred holds class ids sorted from
    the highest score down, and a hit is y_true among its first k."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_pred.ndim == 0 or y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"sparse_top_k_categorical_accuracy: y_true of shape {y_true.shape} needs one class id per "
                         f"row of y_pred, of shape {y_pred.shape} (scores over the last axis): give y_true the shape "
                         f"{y_pred.shape[:-1]} (or with a trailing 1), or use top_k_categorical_accuracy for one-hot "
                         "targets")
    if from_sorted_ids:
        ids = np.asarray(y_pred)
        return np.any(ids[..., :k] == y_true[..., None], axis=-1).astype(np.float64)
    if k <= 0:   # the top 0 classes hold no class: no hit, as Keras's in_top_k
        return np.zeros(y_true.shape)
    if k >= y_pred.shape[-1]:
        return np.ones(y_true.shape)
    kth = -np.partition(-y_pred, k - 1, axis=-1)[..., k - 1]
    score = np.take_along_axis(y_pred, y_true[..., None].astype(np.int64), axis=-1)[..., 0]
    return (score >= kth).astype(np.float64)


_sparse_top_k_host = sparse_top_k_categorical_accuracy   # the host function, kept from the tensor one below


def accuracy(y_true, y_pred):
    """1 where y_pred equals y_true exactly."""
    y_true, y_pred = _match_rank(np.asarray(y_true), np.asarray(y_pred))
    return (y_true == y_pred).astype(np.float64)


def _errors(y_true, y_pred):
    y_true, y_pred = _match_rank(np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64))
    return y_true - y_pred


def mean_squared_error(y_true, y_pred):
    """Mean over the last axis of the squared error."""
    return np.mean(_errors(y_true, y_pred) ** 2, axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean over the last axis of the absolute error."""
    return np.mean(np.abs(_errors(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean over the last axis of |error| / max(|y_true|, 1e-7)."""
    y_true, y_pred = _match_rank(np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64))
    return 100.0 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), 1e-7), axis=-1)


BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                "How often y_pred > threshold (0.5) matches the 0/1 label.", threshold=0.5)
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                     "How often the top class matches a one-hot label.")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy",
                                           "How often the top class matches an integer label.")
TopKCategoricalAccuracy = _wrapper_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                         "top_k_categorical_accuracy",
                                         "How often a one-hot label is among the k top classes.", leading="k", k=5)
SparseTopKCategoricalAccuracy = _wrapper_class("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                               "sparse_top_k_categorical_accuracy",
                                               "How often an integer label is among the k top classes.", leading="k",
                                               k=5, from_sorted_ids=False)
Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy", "How often y_pred equals y_true exactly.")
MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                  "Mean squared error.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                   "Mean absolute error.")
MeanAbsolutePercentageError = _wrapper_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                             "mean_absolute_percentage_error", "Mean absolute percentage error.")


class RootMeanSquaredError(Mean):
    """sqrt of the weighted mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's squared errors."""
        with broadcast_errors(self, y_true=y_true, y_pred=y_pred):
            errors = _errors(_host(y_true), _host(y_pred))
        Mean.update_state(self, errors ** 2, sample_weight)

    def value(self):
        """sqrt(total / count)."""
        return float(np.sqrt(super().value()))

    def update(self, output, target, weight=None):
        """Add one batch, nn's argument order."""
        self.update_state(target, output, weight)


class _Confusion(Metric):
    """Binary counts over every value: prediction positive when y_pred > threshold (0.5; a list of thresholds
    gives a list of results); with top_k only each row's k highest predictions can be positive (the threshold
    then defaults to -inf); class_id keeps one column of the last axis. A subclass names the counts it keeps
    (Keras's variables, one value per threshold) in `_counts`."""

    _counts = ()
    true_positives, false_positives, false_negatives = StateVariable(), StateVariable(), StateVariable()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None and int(top_k) < 1:
            raise ValueError(f"{type(self).__name__}: top_k must be a positive integer, got {top_k!r}")
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = 0.5 if top_k is None else -np.inf
        values = [default] if thresholds is None else [float(t) for t in np.ravel(thresholds)]
        if any(not 0.0 <= t <= 1.0 for t in values if t != default):
            raise ValueError(f"{type(self).__name__}: thresholds must be in [0, 1], got {thresholds!r}")
        self._thresholds = np.asarray(values, np.float64)
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__(name=name, dtype=dtype)

    @property
    def thresholds(self):
        """The thresholds (a float, or a list when a list was given)."""
        return float(self._thresholds[0]) if self._single else self._thresholds.tolist()

    def reset_state(self):
        """Forget every batch."""
        for name in self._counts:
            setattr(self, name, np.zeros(len(self._thresholds)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's true positives, false positives and false negatives at each threshold."""
        with broadcast_errors(self, y_true=y_true, y_pred=y_pred, sample_weight=sample_weight):
            self._add_batch(y_true, y_pred, sample_weight)

    def _add_batch(self, y_true, y_pred, sample_weight):
        y_true, y_pred = _match_rank(_host(y_true), _host(y_pred).astype(np.float64))
        weight = np.array(_weights_like(sample_weight, y_pred))
        if self.top_k is not None:   # every value outside its row's k highest counts as predicted negative
            k = min(int(self.top_k), y_pred.shape[-1])
            kth = np.sort(y_pred, axis=-1)[..., -k][..., None]
            y_pred = np.where(y_pred >= kth, y_pred, -np.inf)
        if self.class_id is not None:
            y_true, y_pred, weight = (a[..., self.class_id] for a in (y_true, y_pred, weight))
        predicted = y_pred.reshape(-1)[None, :] > self._thresholds[:, None]
        actual, weight = y_true.reshape(-1) > 0.5, weight.reshape(-1)
        counts = {"true_positives": (predicted & actual) @ weight, "false_positives": (predicted & ~actual) @ weight,
                  "false_negatives": (~predicted & actual) @ weight}
        for name in self._counts:
            add_state(self, name, counts[name])

    def _finish(self, values):
        return float(values[0]) if self._single else values

    def get_config(self):
        """Keras's config: name, dtype, thresholds (as given), top_k, class_id."""
        return {"name": self.name, "dtype": self.dtype or "float32", "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_Confusion):
    """tp / (tp + fp) of binary predictions (0 when nothing is predicted positive)."""

    _counts = ("true_positives", "false_positives")

    def value(self):
        """The precision (a list for a list of thresholds)."""
        tp = state(self, "true_positives")
        return self._finish(_ratio(tp, tp + state(self, "false_positives")))


class Recall(_Confusion):
    """tp / (tp + fn) of binary predictions (0 when there are no positives)."""

    _counts = ("true_positives", "false_negatives")

    def value(self):
        """The recall (a list for a list of thresholds)."""
        tp = state(self, "true_positives")
        return self._finish(_ratio(tp, tp + state(self, "false_negatives")))


class AUC(Metric):
    """Area under the ROC (default) or precision-recall curve, from confusion counts at `num_thresholds`
    thresholds evenly spaced over [0, 1] (or the given `thresholds`), summed as Keras sums them: trapezoids
    ('interpolation'; for PR, Davis & Goadrich's interpolation of precision), 'minoring' or 'majoring'.
    multi_label=False: every value of y_pred counts as one binary prediction (each label's values weighted by
    `label_weights` when given); multi_label=True: one curve per label (the last axis), the areas averaged
    (weighted by `label_weights` when given)."""

    true_positives, false_positives = StateVariable(), StateVariable()
    true_negatives, false_negatives = StateVariable(), StateVariable()
    _COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        self.curve, self.summation_method = str(curve).upper(), str(summation_method).lower()
        if self.curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if self.summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring', "
                             f"got {summation_method!r}")
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self._evenly = False
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got {num_thresholds}")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self.num_thresholds = len(inner) + 2
        self._thresholds = [0.0 - 1e-7] + inner + [1.0 + 1e-7]
        self._given_thresholds = None if thresholds is None else inner
        self.multi_label, self.num_labels = bool(multi_label), num_labels
        self.label_weights = None if label_weights is None else [float(w) for w in np.ravel(label_weights)]
        self.from_logits = from_logits
        super().__init__(name=name, dtype=dtype)

    @property
    def thresholds(self):
        """Every threshold, the two outer ones (-1e-7 and 1 + 1e-7) included."""
        return list(self._thresholds)

    def reset_state(self):
        """Forget every batch."""
        labels = self.num_labels if self.multi_label and self.num_labels else None
        if self.multi_label and labels is None and self.true_positives is not None:
            labels = self.true_positives.shape[1]   # built by a first batch: keep the variables, zeroed
        shape = (self.num_thresholds,) if labels is None else (self.num_thresholds, labels)
        for name in self._COUNTS:   # multi_label without num_labels: made by the first batch, as Keras
            setattr(self, name, None if self.multi_label and labels is None else np.zeros(shape))

    def _counts(self, y_true, y_pred, weight):
        """Counts of one column of values at each threshold: tp, fp, tn, fn."""
        positive, negative = weight * y_true, weight * (1.0 - y_true)
        if self._evenly:  # bucket k holds predictions in (t_k, t_k+1]; counts at t_i sum the buckets >= i
            bucket = np.maximum(np.ceil(y_pred * np.float32(self.num_thresholds - 1)) - 1, 0).astype(np.int64)
            tp = np.cumsum(np.bincount(bucket, positive, self.num_thresholds)[::-1])[::-1]
            fp = np.cumsum(np.bincount(bucket, negative, self.num_thresholds)[::-1])[::-1]
        else:
            above = y_pred[None, :] > np.asarray(self._thresholds, np.float32)[:, None]
            tp, fp = above @ positive, above @ negative
        return tp, fp, negative.sum() - fp, positive.sum() - tp

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's counts at every threshold."""
        with broadcast_errors(self, y_true=y_true, y_pred=y_pred, sample_weight=sample_weight):
            self._add_batch(y_true, y_pred, sample_weight)

    def _add_batch(self, y_true, y_pred, sample_weight):
        y_true, y_pred = _match_rank(_host(y_true), _host(y_pred).astype(np.float32))
        weight = np.array(_weights_like(sample_weight, y_pred.astype(np.float64)))
        if self.from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        y_pred, y_true = np.clip(y_pred, 0.0, 1.0), y_true.astype(np.float64)
        labels = y_pred.shape[-1] if y_pred.ndim else 1
        if self.label_weights is not None and len(self.label_weights) not in ((labels,) if self.multi_label
                                                                              else (1, labels)):
            raise ShapeError(f"{self.name}: label_weights has {len(self.label_weights)} weights, but y_pred has "
                             f"{labels} labels in its last axis (shape {y_pred.shape}); give one weight per label")
        if self.label_weights is not None and not self.multi_label:
            weight = weight * np.asarray(self.label_weights)
        if not self.multi_label:
            counts = self._counts(y_true.reshape(-1), y_pred.reshape(-1), weight.reshape(-1))
        else:
            if self.true_positives is not None and self.true_positives.shape[1] != labels:
                raise ShapeError(f"{self.name}: multi_label AUC counts {self.true_positives.shape[1]} labels, but "
                                 f"y_pred has {labels} in its last axis (shape {y_pred.shape}); pass "
                                 f"num_labels={labels} or predictions with {self.true_positives.shape[1]} labels")
            columns = [self._counts(t, p, w) for t, p, w in zip(y_true.reshape(-1, labels).T,
                                                                  y_pred.reshape(-1, labels).T,
                                                                  weight.reshape(-1, labels).T)]
            counts = [np.stack(part, axis=-1) for part in zip(*columns)]
        for name, count in zip(self._COUNTS, counts):
            add_state(self, name, count)

    def value(self):
        """The area (for multi_label, the labels' areas averaged)."""
        return self._averaged(self._area)

    def interpolate_pr_auc(self):
        """The area under the precision-recall curve by Davis & Goadrich's interpolation (Keras's method,
        whatever `curve` and `summation_method` say), as a 0-d Tensor."""
        return ag.tensor(np.float32(self._averaged(lambda tp, fp, tn, fn: self._interpolated_pr(tp, fp, fn))))

    def _averaged(self, area):
        if self.true_positives is None:
            return 0.0
        tp, fp, tn, fn = (state(self, name) for name in self._COUNTS)
        if not self.multi_label:
            return area(tp, fp, tn, fn)
        areas = np.array([area(tp[:, k], fp[:, k], tn[:, k], fn[:, k]) for k in range(tp.shape[1])])
        if self.label_weights is None:
            return float(areas.mean())
        weights = np.asarray(self.label_weights)
        return float(_ratio(np.sum(areas * weights), np.sum(weights)))

    def _area(self, tp, fp, tn, fn):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr(tp, fp, fn)
        recall = _ratio(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _ratio(fp, fp + tn), recall
        else:
            x, y = recall, _ratio(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def get_config(self):
        """Keras's AUC config (thresholds only when they were given)."""
        config = {"num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "label_weights": self.label_weights,
                  "from_logits": self.from_logits}
        if self._given_thresholds is not None:
            config["thresholds"] = list(self._given_thresholds)
        return {"name": self.name, "dtype": self.dtype or "float32", **config}

    @staticmethod
    def _interpolated_pr(tp, fp, fn):
        """Precision taken as varying linearly with the predicted positives between thresholds."""
        dtp = tp[:-1] - tp[1:]
        predicted = tp + fp
        dp = predicted[:-1] - predicted[1:]
        slope = _ratio(dtp, np.maximum(dp, 0.0))
        intercept = tp[1:] - slope * predicted[1:]
        both = (predicted[:-1] > 0) & (predicted[1:] > 0)
        p_ratio = np.where(both, _ratio(predicted[:-1], np.maximum(predicted[1:], 0.0)), 1.0)
        increments = _ratio(slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + fn[1:], 0.0))
        return float(np.sum(increments))


# ----- F-beta scores (Keras 3: one-hot or multi-label targets (batch, classes)) -----
_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), from counts summed over batches.

    Predictions count as positive above `threshold`, or, when it is None, where they equal the row's largest
    (non-zero) score. average=None gives one score per class; 'micro' pools every class's counts, 'macro'
    averages the class scores, 'weighted' weights them by each class's share of true labels. Its variables are
    made by the first batch (one value per class; 0-d for 'micro'), as Keras's."""

    true_positives, false_positives = StateVariable(), StateVariable()
    false_negatives, intermediate_weights = StateVariable(), StateVariable()
    _COUNTS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in _AVERAGES:
            raise ValueError(f"{type(self).__name__}: average must be one of {_AVERAGES}, got {average!r}")
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{type(self).__name__}: beta must be a positive number, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{type(self).__name__}: threshold must be a float in (0, 1], got {threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self.axis = None if average == "micro" else 0   # Keras's: the axis its counts are summed over (None: all)
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        for name in self._COUNTS:
            if getattr(self, name) is not None:
                setattr(self, name, np.zeros(getattr(self, name).shape))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch of targets and scores, both (batch, classes)."""
        y_true, y_pred = _host(y_true).astype(np.float64), _host(y_pred).astype(np.float64)
        if y_true.ndim != 2 or y_pred.shape != y_true.shape:
            raise ValueError(f"{type(self).__name__}: expects y_true and y_pred of one shape (batch, classes), got "
                             f"{y_true.shape} and {y_pred.shape}")
        if self.threshold is None:
            positive = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        positive = positive.astype(np.float64)
        weight = np.ones((len(y_true), 1)) if sample_weight is None else \
            _host(sample_weight).astype(np.float64).reshape(len(y_true), 1)
        axis = None if self.average == "micro" else 0
        if self.true_positives is not None and self.average != "micro" and \
                self.true_positives.shape[0] != y_true.shape[-1]:
            raise ValueError(f"{type(self).__name__}: was built for {self.true_positives.shape[0]} classes, but this "
                             f"batch has {y_true.shape[-1]} (shape {y_true.shape})")
        add_state(self, "true_positives", np.sum(positive * y_true * weight, axis=axis))
        add_state(self, "false_positives", np.sum(positive * (1 - y_true) * weight, axis=axis))
        add_state(self, "false_negatives", np.sum((1 - positive) * y_true * weight, axis=axis))
        add_state(self, "intermediate_weights", np.sum(y_true * weight, axis=axis))

    def value(self):
        """The score: an array of one per class for average=None, else a float."""
        tp, fp, fn, intermediate_weights = (np.asarray(state(self, name), np.float64) for name in self._COUNTS)
        precision = tp / (tp + fp + epsilon())
        recall = tp / (tp + fn + epsilon())
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + epsilon())
        if self.average == "weighted":
            weights = intermediate_weights / (np.sum(intermediate_weights) + epsilon())
            return float(np.sum(score * weights))
        if self.average is not None:
            return float(np.mean(score))
        return score.astype(np.float32)

    def result(self):
        """The score as a Tensor (one value per class for average=None)."""
        return ag.tensor(np.asarray(self.value(), np.float32))


class F1Score(FBetaScore):
    """The F-beta score with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)


_NAMES = {
    "binary_accuracy": BinaryAccuracy, "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy, "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError, "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError, "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mape": MeanAbsolutePercentageError, "root_mean_squared_error": RootMeanSquaredError,
    "precision": Precision, "recall": Recall, "auc": AUC, "f1_score": F1Score, "f_beta_score": FBetaScore,
    "MSE": MeanSquaredError, "MAE": MeanAbsoluteError, "MAPE": MeanAbsolutePercentageError,
}

_NAMES.update(metrics_extra.NAMES)
_NAMES["bce"] = _NAMES["BCE"] = metrics_extra.BinaryCrossentropy   # Keras's aliases


def _snake_case(name):
    """A class name as Keras spells it in snake case ('KLDivergence' -> 'kl_divergence', 'IoU' -> 'io_u')."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", name))
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _metric_class(identifier):
    """The Metric class a string names, matched with its case as Keras does (a class's name, its snake-case
    spelling, or one of Keras's aliases), else None."""
    found = globals().get(identifier)
    if isinstance(found, type) and issubclass(found, Metric) and found not in (Metric, MeanMetricWrapper):
        return found
    if identifier in _NAMES:
        return _NAMES[identifier]
    for value in list(globals().values()):
        if (isinstance(value, type) and issubclass(value, Metric) and value not in (Metric, MeanMetricWrapper)
                and _snake_case(value.__name__) == identifier):
            return value
    return None


def get(identifier):
    """Keras's `keras.metrics.get`: for a name ('accuracy', 'mae', 'AUC', 'binary_accuracy') a new metric
    object under its class's default name, for a Metric class an instance, for a config dict the metric it
    describes; a Metric or a function as it is; None for None. (compile resolves names itself, keeping the
    name given as the metric's log name: see metric_object.)"""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialized_identifier(deserialize, identifier, "metric")
    if isinstance(identifier, str):
        cls = _metric_class(identifier)
        if cls is None:
            return metric_object(identifier)   # raises, naming the known metrics
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, Metric) or callable(identifier):
        return identifier
    raise IdentifierError(f"a metric must be a name, a Metric or a function, got {type(identifier).__name__} (could "
                          f"not interpret metric identifier {identifier!r:.60})")


def metric_object(identifier):
    """A metric object for a name (not 'accuracy', which compile resolves from the loss and shapes) logged
    under that name, a Metric (as is), a Metric class, or a function fn(y_true, y_pred) -> per-example values
    (wrapped): what compile measures with."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        cls = _metric_class(identifier)
        if cls is None:
            raise ValueError(f"unknown metric {identifier!r}; known: accuracy, acc, {', '.join(_NAMES)}, a metric "
                             "class's name or its snake_case spelling, each with its case (or pass a Metric or a "
                             f"function of (y_true, y_pred)); Keras: Could not interpret metric identifier: "
                             f"{identifier}")
        metric = cls()
        metric.name = identifier
        return metric
    if callable(identifier):
        return MeanMetricWrapper(lambda t, p: _host(identifier(t, p)), name=getattr(identifier, "__name__", None))
    raise IdentifierError(f"a metric must be a name, a Metric or a function, got {type(identifier).__name__} (could "
                          f"not interpret metric identifier {identifier!r:.60})")


# saved configs name a class by its public module (keras.optimizers, keras.losses, keras.metrics)
for _public in (Metric, Mean, Sum, MeanMetricWrapper, *(c for c in vars(metrics_extra).values()
                                                   if isinstance(c, type) and issubclass(c, Metric))):
    _public.__module__ = __name__


from .serialize_api import deserialized_identifier, serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("metrics", by_name=metric_object)

# Keras's metric functions return tensors: those named after a loss are the loss functions themselves, the others
# the host functions above as tensors (the metric classes made above keep the host ones)
from .losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,  # noqa: E402,F401
                     categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence, log_cosh,
                     mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                     mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge)

binary_accuracy = as_tensor(binary_accuracy, follows_prediction=False)
categorical_accuracy = as_tensor(categorical_accuracy, follows_prediction=False)
sparse_categorical_accuracy = as_tensor(sparse_categorical_accuracy, follows_prediction=False)
top_k_categorical_accuracy = as_tensor(top_k_categorical_accuracy, follows_prediction=False)
sparse_top_k_categorical_accuracy = as_tensor(sparse_top_k_categorical_accuracy, follows_prediction=False)
pearson_correlation = as_tensor(pearson_correlation, follows_prediction=True)
concordance_correlation = as_tensor(concordance_correlation, follows_prediction=True)
