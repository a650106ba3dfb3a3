"""keras.metrics.FBetaScore and F1Score: the F-beta score of multi-label or one-hot targets (batch, classes),
per class or averaged ('micro', 'macro', 'weighted'), as Keras 3 computes it."""
import numpy as np

import autograd as ag

from .metrics import Metric, _host

_AVERAGES = (None, "micro", "macro", "weighted")
EPSILON = 1e-7


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), from counts summed over batches.

    Predictions count as positive above `threshold`, or, when it is None, where they equal the row's largest
    (non-zero) score. average=None gives one score per class; 'micro' pools every class's counts, 'macro'
    averages the class scores, 'weighted' weights them by each class's share of true labels."""

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in _AVERAGES:
            raise ValueError(f"{type(self).__name__}: average must be one of {_AVERAGES}, got {average!r}")
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{type(self).__name__}: beta must be a positive number, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{type(self).__name__}: threshold must be a float in (0, 1], got {threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        self.true_positives = self.false_positives = self.false_negatives = self.intermediate_weights = 0.0

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
        self.true_positives = self.true_positives + np.sum(positive * y_true * weight, axis=axis)
        self.false_positives = self.false_positives + np.sum(positive * (1 - y_true) * weight, axis=axis)
        self.false_negatives = self.false_negatives + np.sum((1 - positive) * y_true * weight, axis=axis)
        self.intermediate_weights = self.intermediate_weights + np.sum(y_true * weight, axis=axis)

    def value(self):
        """The score: an array of one per class for average=None, else a float."""
        tp = np.asarray(self.true_positives, np.float64)
        precision = tp / (tp + self.false_positives + EPSILON)
        recall = tp / (tp + self.false_negatives + EPSILON)
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + EPSILON)
        if self.average == "weighted":
            weights = self.intermediate_weights / (np.sum(self.intermediate_weights) + EPSILON)
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
