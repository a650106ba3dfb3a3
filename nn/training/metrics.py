"""Metrics that accumulate over the batches of an epoch: `update(output, target)` per batch, `result()` at
the end, `reset()` before the next epoch. They work on host NumPy arrays (Tensors are converted)."""
from abc import ABC, abstractmethod

import numpy as np

from autograd.bf16_dtype import float32_if_bf16


class Metric(ABC):
    """Base of the metrics: `name` is the key it gets in the logs and the History."""

    name = "metric"

    def __init__(self):
        self.reset()

    @abstractmethod
    def reset(self):
        """Forget every batch seen so far."""

    @abstractmethod
    def update(self, output, target):
        """Add one batch: `output` the model's outputs, `target` the true values."""

    @abstractmethod
    def result(self):
        """The metric over every batch since the last reset (nan before any)."""

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class _RunningMean(Metric):
    """A metric that is a weighted mean of values collected batch by batch."""

    def reset(self):
        """Forget every batch seen so far."""
        self._total, self._count = 0.0, 0

    def result(self):
        """The mean over every batch since the last reset (nan before any)."""
        return self._total / self._count if self._count else float("nan")


class Mean(_RunningMean):
    """The mean of values given per batch, each weighted by its batch size: `update(value, batch_size)`."""

    def __init__(self, name="loss"):
        self.name = name
        super().__init__()

    def update(self, value, weight=1):
        """Add `value` (a number or one-element Tensor), counted `weight` times."""
        self._total += float(value) * weight
        self._count += weight


class _PerExample(_RunningMean):
    """A metric that scores each example (or element) of a batch; the result is the mean score."""

    def update(self, output, target):
        """Add one batch: `output` the model's outputs, `target` the true values."""
        values = self._per_example(_host(output), _host(target))
        self._total += float(np.sum(values, dtype=np.float64))
        self._count += int(np.size(values))

    @abstractmethod
    def _per_example(self, output, target):
        """The score of every example (or element) of the batch."""


class Accuracy(_PerExample):
    """The fraction of examples whose predicted class is right.

    - outputs (N, C), C > 1, with integer targets (N,): argmax of the scores against the class index;
      with one-hot or probability targets (N, C): argmax against argmax (also (N, ..., C) with (N, ...)).
    - outputs (N,) or (N, 1): binary, an output above `threshold` means class 1 (0.5 for probabilities;
      `compile` sets 0.0 when the loss takes logits, as "binary_crossentropy" does).
    """

    name = "accuracy"

    def __init__(self, threshold=0.5):
        self.threshold = threshold
        super().__init__()

    def _per_example(self, output, target):
        if _is_binary(output, target):
            return (output.reshape(len(output), -1)[:, 0] > self.threshold) == (target.reshape(-1) > 0.5)
        return _predicted_class(output, "accuracy") == _target_class(output, target, "accuracy")


class TopKAccuracy(_PerExample):
    """The fraction of examples whose true class is among the `k` highest scores (outputs (N, C))."""

    def __init__(self, k=5):
        self.k = int(k)
        self.name = f"top{self.k}_accuracy"
        super().__init__()

    def _per_example(self, output, target):
        classes = _target_class(output, target, self.name)
        if output.ndim < 2:
            raise ValueError(f"{self.name}: needs class scores (N, C), got outputs of shape {output.shape}")
        if self.k >= output.shape[-1]:
            return np.ones(classes.shape, dtype=bool)
        top = np.argpartition(-output, self.k - 1, axis=-1)[..., :self.k]
        return np.any(top == classes[..., None], axis=-1)


class _ConfusionMetric(Metric):
    """Counts true positives, false positives and false negatives per class; macro-averages over the
    classes that occur in the targets or the predictions."""

    def __init__(self, threshold=0.5):
        self.threshold = threshold
        super().__init__()

    def reset(self):
        """Forget every batch seen so far."""
        self._tp = self._fp = self._fn = np.zeros(0, dtype=np.int64)

    def update(self, output, target):
        """Add one batch: `output` the model's outputs, `target` the true values."""
        output, target = _host(output), _host(target)
        if _is_binary(output, target):
            predicted = (output.reshape(-1) > self.threshold).astype(np.int64)
            actual = (target.reshape(-1) > 0.5).astype(np.int64)
            classes = 2
        else:
            predicted = _predicted_class(output, self.name).reshape(-1)
            actual = _target_class(output, target, self.name).reshape(-1)
            classes = output.shape[-1]
        classes = max(classes, len(self._tp))
        hit = predicted == actual
        tp = np.bincount(actual[hit], minlength=classes)
        fp = np.bincount(predicted[~hit], minlength=classes)
        fn = np.bincount(actual[~hit], minlength=classes)
        self._tp, self._fp, self._fn = (_grow(a, classes) + b for a, b in
                                        ((self._tp, tp), (self._fp, fp), (self._fn, fn)))

    def result(self):
        """The macro average (nan before any batch)."""
        seen = (self._tp + self._fp + self._fn) > 0
        if not seen.any():
            return float("nan")
        return float(np.mean(self._per_class(self._tp[seen], self._fp[seen], self._fn[seen])))

    @abstractmethod
    def _per_class(self, tp, fp, fn):
        """The score of each class from its counts."""


class Precision(_ConfusionMetric):
    """Macro-averaged precision: per class, right predictions of it / all predictions of it (0 if none)."""

    name = "precision"

    def _per_class(self, tp, fp, fn):
        return _ratio(tp, tp + fp)


class Recall(_ConfusionMetric):
    """Macro-averaged recall: per class, right predictions of it / examples of it (0 if none)."""

    name = "recall"

    def _per_class(self, tp, fp, fn):
        return _ratio(tp, tp + fn)


class F1Score(_ConfusionMetric):
    """Macro-averaged F1: the mean over classes of 2 tp / (2 tp + fp + fn)."""

    name = "f1"

    def _per_class(self, tp, fp, fn):
        return _ratio(2 * tp, 2 * tp + fp + fn)


class MeanAbsoluteError(_PerExample):
    """The mean of |output - target| over every element."""

    name = "mae"

    def _per_example(self, output, target):
        return np.abs(output - _like(target, output, self.name))


class MeanSquaredError(_PerExample):
    """The mean of (output - target)^2 over every element."""

    name = "mse"

    def _per_example(self, output, target):
        return np.square(output - _like(target, output, self.name))


class FunctionMetric(_RunningMean):
    """A metric from a function `fn(output, target) -> number` (NumPy arrays in), averaged over examples."""

    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", type(fn).__name__)
        super().__init__()

    def update(self, output, target):
        """Add one batch, weighted by its number of examples."""
        output, target = _host(output), _host(target)
        self._total += float(self.fn(output, target)) * len(output)
        self._count += len(output)


def _host(a):
    a = np.asarray(a)   # a Tensor's host values; bfloat16 ones (numpy() refuses those) scored in float32
    return a.astype(float32_if_bf16(a.dtype), copy=False)


def _is_binary(output, target):
    single = output.ndim == 1 or (output.ndim == 2 and output.shape[1] == 1)
    return single and target.size == len(output)


def _predicted_class(output, who):
    if output.ndim < 2:
        raise ValueError(f"{who}: needs class scores shaped (N, C), got outputs of shape {output.shape}")
    return np.argmax(output, axis=-1)


def _target_class(output, target, who):
    if target.shape == output.shape:
        return np.argmax(target, axis=-1)
    if target.shape == output.shape[:-1]:
        if target.dtype.kind not in "iub":
            raise ValueError(f"{who}: targets shaped {target.shape} should be integer class indices, got "
                             f"{target.dtype}; cast them with .astype(int64)")
        return target
    raise ValueError(f"{who}: outputs of shape {output.shape} need targets of shape {output.shape[:-1]} (class "
                     f"indices) or {output.shape} (one-hot), got {target.shape}")


def _like(target, output, who):
    if target.shape == output.shape:
        return target
    if target.size == output.size:
        return target.reshape(output.shape)
    raise ValueError(f"{who}: targets of shape {target.shape} do not match outputs of shape {output.shape}")


def _grow(counts, size):
    return counts if len(counts) >= size else np.concatenate([counts, np.zeros(size - len(counts), np.int64)])


def _ratio(num, den):
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)
