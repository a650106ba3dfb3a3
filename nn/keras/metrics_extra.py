"""More of Keras's metrics, accumulated on the host in float64: regression and probabilistic means (cosine
similarity, log-cosh, MSLE, hinge, KL divergence, Poisson, Pearson and concordance correlation), R2Score,
confusion counts at thresholds (TruePositives ...), the X-at-Y curve metrics (PrecisionAtRecall ...) and the
intersection-over-union family (IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU)."""
import inspect
import warnings

import numpy as np

import autograd as ag

from . import losses
from .metric_base import Metric, _host, _match_rank, _ratio, _weights_like, _wrapper_class
from .metric_state import StateVariable, add_state, state
from .settings import epsilon

EPSILON = 1e-7


# ----- means of per-example values -----------------------------------------------------------------------
def _from_loss(loss_fn):
    signature = inspect.signature(loss_fn)

    def per_example(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments   # Keras's arguments, positionally too
        y_true, y_pred = np.asarray(arguments.pop("y_true")), arguments.pop("y_pred")
        y_true = y_true if y_true.dtype.kind in "iu" else y_true.astype(np.float32)   # class indices stay ints
        return loss_fn(y_true, np.asarray(y_pred, np.float32), **arguments).numpy()
    per_example.__name__ = loss_fn.__name__
    per_example.__doc__ = loss_fn.__doc__
    per_example.__signature__ = signature
    return per_example


def _pair(y_true, y_pred):
    return _match_rank(np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64))


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between y_true and y_pred along `axis` (each divided by max(norm, 1e-7))."""
    y_true, y_pred = _pair(y_true, y_pred)

    def unit(x):
        return x / np.maximum(np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), epsilon())
    return np.sum(unit(y_true) * unit(y_pred), axis=axis)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of y_true and y_pred along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    a = y_true - y_true.mean(axis=axis, keepdims=True)
    b = y_pred - y_pred.mean(axis=axis, keepdims=True)
    a = a / a.std(axis=axis, keepdims=True)
    b = b / b.std(axis=axis, keepdims=True)
    return np.mean(a * b, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along `axis`, as Keras 3 computes it: the mean of
    2 (y_true - mean(y_pred)) (y_pred - mean(y_pred)) / (var(y_true) + var(y_pred) + (mean difference)^2 + 1e-7)
    (Keras centres y_true on y_pred's mean in the covariance term; kept so that the numbers agree)."""
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = y_true.mean(axis=axis, keepdims=True)
    pred_mean = y_pred.mean(axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = y_true.var(axis=axis, keepdims=True) + y_pred.var(axis=axis, keepdims=True) + (true_mean - pred_mean) ** 2
    return np.mean(2.0 * covariance / (norm + epsilon()), axis=axis)


hinge = _from_loss(losses.hinge)
squared_hinge = _from_loss(losses.squared_hinge)
categorical_hinge = _from_loss(losses.categorical_hinge)
kl_divergence = _from_loss(losses.kl_divergence)
poisson = _from_loss(losses.poisson)
log_cosh = _from_loss(losses.log_cosh)
mean_squared_logarithmic_error = _from_loss(losses.mean_squared_logarithmic_error)
huber = _from_loss(losses.huber)
binary_crossentropy = _from_loss(losses.binary_crossentropy)
categorical_crossentropy = _from_loss(losses.categorical_crossentropy)
sparse_categorical_crossentropy = _from_loss(losses.sparse_categorical_crossentropy)
binary_focal_crossentropy = _from_loss(losses.binary_focal_crossentropy)
categorical_focal_crossentropy = _from_loss(losses.categorical_focal_crossentropy)

CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                                  "Mean cosine similarity between y_true and y_pred along `axis`.", axis=-1)


def _name_and_dtype_only(self):
    """Keras's CosineSimilarity config: its name and dtype only (`axis` is left out, so a round trip resets it to
    -1, as in Keras)."""
    return {"name": self.name, "dtype": self.dtype or "float32"}


CosineSimilarity.get_config = _name_and_dtype_only
LogCoshError = _wrapper_class("LogCoshError", log_cosh, "logcosh", "Mean log(cosh(error)).")
MeanSquaredLogarithmicError = _wrapper_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                             "mean_squared_logarithmic_error", "Mean squared error of log(1 + y).")
Hinge = _wrapper_class("Hinge", hinge, "hinge", "Mean hinge loss (0/1 labels read as -1/1).")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge", "Mean squared hinge loss.")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  "Mean categorical hinge loss.")
KLDivergence = _wrapper_class("KLDivergence", kl_divergence, "kl_divergence", "Mean Kullback-Leibler divergence.")
Poisson = _wrapper_class("Poisson", poisson, "poisson", "Mean Poisson loss.")
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                    "Mean binary cross-entropy.", from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _wrapper_class("CategoricalCrossentropy", categorical_crossentropy,
                                         "categorical_crossentropy", "Mean categorical cross-entropy.",
                                         from_logits=False, label_smoothing=0, axis=-1)
_SparseCrossentropyBase = _wrapper_class("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                         "sparse_categorical_crossentropy",
                                         "Mean cross-entropy against integer labels.", from_logits=False,
                                         ignore_class=None, axis=-1)


class SparseCategoricalCrossentropy(_SparseCrossentropyBase):
    """Mean cross-entropy against integer labels. With ignore_class, the ignored examples count 0; when sample
    weights are given their weights are zeroed too, so they leave the mean (Keras masks the weights only then)."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        ignore = self._fn_kwargs.get("ignore_class")
        if ignore is not None and sample_weight is not None:
            labels = np.asarray(_host(y_true))
            if labels.ndim and labels.ndim == np.ndim(_host(y_pred)) and labels.shape[-1] == 1:
                labels = labels[..., 0]
            weights = np.asarray(_host(sample_weight), np.float64)
            weights = weights.reshape(weights.shape + (1,) * (labels.ndim - weights.ndim))
            sample_weight = weights * (labels != ignore)
        super().update_state(y_true, y_pred, sample_weight)


SparseCategoricalCrossentropy.__module__ = "nn.keras.metrics"   # where users find it, as the other wrappers
PearsonCorrelation = _wrapper_class("PearsonCorrelation", pearson_correlation, "pearson_correlation",
                                    "Mean Pearson correlation along `axis`.", axis=-1)
ConcordanceCorrelation = _wrapper_class("ConcordanceCorrelation", concordance_correlation, "concordance_correlation",
                                        "Mean concordance correlation along `axis`.", axis=-1)


# ----- R2 --------------------------------------------------------------------------------------------------
class R2Score(Metric):
    """The coefficient of determination 1 - SS_res / SS_tot per output column of (batch, outputs) data, over
    every batch; class_aggregation 'uniform_average' (mean over columns), 'variance_weighted_average' or None
    (one per column); num_regressors > 0 gives the adjusted R2. As in Keras, `num_samples` is its one variable
    until the first batch makes the per-column ones."""

    num_samples, squared_sum, sum, residual, count = (StateVariable() for _ in range(5))
    _COLUMNS = ("squared_sum", "sum", "residual", "count")

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("R2Score: class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', got {class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        self.num_samples = 0.0
        for name in self._COLUMNS:
            if getattr(self, name) is not None:
                setattr(self, name, np.zeros(getattr(self, name).shape))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch of (batch, outputs) targets and predictions."""
        y_true, y_pred = _pair(_host(y_true), _host(y_pred))
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError(f"R2Score: expects 2-D y_true and y_pred (batch, outputs), got {y_true.shape} and "
                             f"{y_pred.shape}")
        weight = np.ones(()) if sample_weight is None else _host(sample_weight).astype(np.float64)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = np.broadcast_to(weight, y_true.shape)
        if self.sum is not None and self.sum.shape[0] != y_true.shape[1]:
            raise ValueError(f"R2Score: was built for {self.sum.shape[0]} outputs, but this batch has "
                             f"{y_true.shape[1]} (shape {y_true.shape})")
        add_state(self, "squared_sum", np.sum(y_true * y_true * weight, axis=0))
        add_state(self, "sum", np.sum(y_true * weight, axis=0))
        add_state(self, "residual", np.sum((y_true - y_pred) ** 2 * weight, axis=0))
        add_state(self, "count", np.sum(weight, axis=0))
        add_state(self, "num_samples", y_true.size)

    def value(self):
        """The score (a float, or one per column for class_aggregation=None; 0 before the first batch)."""
        if self.sum is None:
            return 0.0
        total_sum, squared_sum, residual, count = (state(self, name) for name in ("sum", "squared_sum",
                                                                                   "residual", "count"))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = total_sum / count
            total = squared_sum - total_sum * mean
            scores = 1.0 - residual / total
        scores = np.where(np.isinf(scores), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            score = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * scores) / np.sum(total)
        else:
            score = scores
        if self.num_regressors:
            n, p = state(self, "num_samples"), self.num_regressors
            if p >= n - 1:
                warnings.warn("R2Score: too few samples for the adjusted R2 (num_regressors >= samples - 1); "
                              "giving the plain R2", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return score if self.class_aggregation is None else float(score)

    def result(self):
        """The score as a Tensor."""
        return ag.tensor(np.asarray(self.value(), np.float32))


# ----- confusion counts at thresholds ----------------------------------------------------------------------
def _evenly_spaced(thresholds):
    n = len(thresholds)
    return n > 2 and np.allclose(thresholds, np.linspace(0.0, 1.0, n), atol=1e-7) and \
        thresholds[0] == 0.0 and thresholds[-1] == 1.0


def _confusion_counts(y_true, y_pred, sample_weight, thresholds, class_id=None):
    """Weighted (tp, fp, tn, fn) at each threshold, a prediction positive when y_pred > threshold."""
    y_true, y_pred = _match_rank(_host(y_true), _host(y_pred).astype(np.float32))
    weight = _weights_like(sample_weight, y_pred.astype(np.float64))
    if class_id is not None:
        y_true, y_pred, weight = y_true[..., class_id], y_pred[..., class_id], weight[..., class_id]
    if np.any(y_pred < 0) or np.any(y_pred > 1):
        raise ValueError("confusion metrics: y_pred must lie in [0, 1] (probabilities), got values from "
                         f"{float(y_pred.min())} to {float(y_pred.max())}")
    actual = y_true.reshape(-1).astype(bool)
    y_pred, weight = y_pred.reshape(-1), weight.reshape(-1)
    positive, negative = weight * actual, weight * ~actual
    n = len(thresholds)
    if _evenly_spaced(thresholds):   # bucket k holds predictions in (t_k, t_k+1]; counts at t_i sum buckets >= i
        bucket = np.maximum(np.ceil(y_pred * np.float32(n - 1)) - 1, 0).astype(np.int64)
        tp = np.cumsum(np.bincount(bucket, positive, n)[::-1])[::-1]
        fp = np.cumsum(np.bincount(bucket, negative, n)[::-1])[::-1]
    else:
        above = y_pred[None, :] > np.asarray(thresholds, np.float32)[:, None]
        tp, fp = above @ positive, above @ negative
    return tp, fp, negative.sum() - fp, positive.sum() - tp


class _ConditionCount(Metric):
    """The weighted count of one confusion-matrix cell at each threshold (0.5 by default)."""

    _cell = None
    accumulator = StateVariable()

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds   # the config keeps what was given (None, a float or a list), as Keras's
        self.thresholds = [0.5] if thresholds is None else \
            [float(t) for t in (thresholds if isinstance(thresholds, (list, tuple)) else [thresholds])]
        if any(not 0.0 <= t <= 1.0 for t in self.thresholds):
            raise ValueError(f"{type(self).__name__}: thresholds must lie in [0, 1], got {thresholds!r}")
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        self.accumulator = np.zeros(len(self.thresholds))

    def get_config(self):
        """{'name', 'dtype', 'thresholds'}, the thresholds as given to the constructor."""
        return {**super().get_config(), "thresholds": self.init_thresholds}

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's counts."""
        counts = _confusion_counts(y_true, y_pred, sample_weight, self.thresholds)
        add_state(self, "accumulator", counts[("tp", "fp", "tn", "fn").index(self._cell)])

    def value(self):
        """The count (one per threshold when a list of thresholds was given)."""
        counts = state(self, "accumulator")
        return float(counts[0]) if len(self.thresholds) == 1 else counts

    def result(self):
        """The count as a Tensor."""
        return ag.tensor(np.asarray(self.value(), np.float32))


def _count_class(class_name, cell, doc):
    cls = type(class_name, (_ConditionCount,), {"_cell": cell, "__doc__": doc})
    cls.__module__ = __name__
    return cls


TruePositives = _count_class("TruePositives", "tp", "Weighted count of true positives (y_pred > threshold).")
FalsePositives = _count_class("FalsePositives", "fp", "Weighted count of false positives (y_pred > threshold).")
TrueNegatives = _count_class("TrueNegatives", "tn", "Weighted count of true negatives (y_pred <= threshold).")
FalseNegatives = _count_class("FalseNegatives", "fn", "Weighted count of false negatives (y_pred <= threshold).")


class _AtConstraint(Metric):
    """The best value of one rate among the `num_thresholds` thresholds evenly spread over [0, 1] where another
    rate reaches `constraint` (0 where none does)."""

    _constraint_name = None
    _config_leads_with = ("name", "dtype", "class_id", "num_thresholds")
    true_positives, false_positives = StateVariable(), StateVariable()
    true_negatives, false_negatives = StateVariable(), StateVariable()
    _COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, constraint, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0.0 <= constraint <= 1.0:
            raise ValueError(f"{type(self).__name__}: {self._constraint_name} must be in [0, 1], got {constraint}")
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: num_thresholds must be an integer > 0, got {num_thresholds}")
        setattr(self, self._constraint_name, constraint)
        self._constraint = constraint
        self.num_thresholds, self.class_id = num_thresholds, class_id
        self.thresholds = [0.5] if num_thresholds == 1 else \
            [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        for name in self._COUNTS:
            setattr(self, name, np.zeros(len(self.thresholds)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's counts at every threshold."""
        counts = _confusion_counts(y_true, y_pred, sample_weight, self.thresholds, self.class_id)
        for name, count in zip(self._COUNTS, counts):
            add_state(self, name, count)

    def _rates(self):
        tp, fp, tn, fn = (state(self, name) for name in self._COUNTS)
        return {"recall": _ratio(tp, tp + fn), "precision": _ratio(tp, tp + fp), "specificity": _ratio(tn, tn + fp)}

    def _best(self, constrained, wanted):
        rates = self._rates()
        feasible = rates[constrained] >= self._constraint
        return float(np.max(np.where(feasible, rates[wanted], 0.0), initial=0.0))


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) where the specificity is >= `specificity`."""
    _constraint_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def value(self):
        """The sensitivity."""
        return self._best("specificity", "recall")


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity where the sensitivity (recall) is >= `sensitivity`."""
    _constraint_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def value(self):
        """The specificity."""
        return self._best("recall", "specificity")


class PrecisionAtRecall(_AtConstraint):
    """The best precision where the recall is >= `recall`."""
    _constraint_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def value(self):
        """The precision."""
        return self._best("recall", "precision")


class RecallAtPrecision(_AtConstraint):
    """The best recall where the precision is >= `precision`."""
    _constraint_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def value(self):
        """The recall."""
        return self._best("precision", "recall")


# ----- intersection over union ------------------------------------------------------------------------------
class IoU(Metric):
    """Mean intersection-over-union TP / (TP + FP + FN) over `target_class_ids`, from a num_classes x
    num_classes confusion matrix summed over every batch. Labels and predictions are class indices (or one-hot
    / scores along `axis` when sparse_y_true / sparse_y_pred is False); values outside [0, num_classes) and
    `ignore_class` are skipped. With the default integer dtype, float labels, predictions and sample weights
    are truncated to integers, as in Keras (pass dtype='float32' to keep fractional weights)."""

    total_confusion_matrix = StateVariable()
    total_cm = property(lambda self: self.total_confusion_matrix,
                        doc="The confusion matrix Variable (rows: labels, columns: predictions), by Keras's name.")

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        target_class_ids = list(target_class_ids)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"{type(self).__name__}: target class id {max(target_class_ids)} is outside "
                             f"[0, {num_classes})")
        self.num_classes, self.target_class_ids = num_classes, target_class_ids
        self.ignore_class, self.sparse_y_true, self.sparse_y_pred, self.axis = (ignore_class, sparse_y_true,
                                                                                sparse_y_pred, axis)
        self._integer = dtype is None or "int" in str(dtype)
        self._state_dtype = "int32" if dtype is None else dtype   # Keras's confusion matrix: int32 by default
        super().__init__(name=name, dtype=self._state_dtype)

    def reset_state(self):
        """Forget every batch."""
        self.total_confusion_matrix = np.zeros((self.num_classes, self.num_classes))

    def _cast(self, values):
        values = np.asarray(values, np.float64)
        return np.trunc(values) if self._integer else values

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's labels and predictions to the confusion matrix."""
        y_true, y_pred = _host(y_true), _host(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true, y_pred = self._cast(y_true).reshape(-1), self._cast(y_pred).reshape(-1)
        if self._integer and "float" in str(getattr(sample_weight, "dtype", "")):
            warnings.warn(f"{self.name}: sample_weight is {sample_weight.dtype} but the confusion matrix holds "
                          f"{self._state_dtype}, so fractional weights are truncated; pass integer weights, or "
                          "dtype='float32' to the metric")
        weight = np.ones(1) if sample_weight is None else self._cast(_host(sample_weight)).reshape(-1)
        if weight.size not in (1, y_true.size):   # Keras's torch backend: RuntimeError from expanding the weights
            raise RuntimeError(f"{self.name}: sample_weight of shape {np.shape(_host(sample_weight))} has "
                               f"{weight.size} values for {y_true.size} labels; give one weight per label (shaped as the "
                               "labels) or a single weight")
        weight = np.broadcast_to(weight, y_true.shape)
        keep = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            keep &= y_true != self.ignore_class
        cells = y_true[keep].astype(np.int64) * self.num_classes + y_pred[keep].astype(np.int64)
        counts = np.bincount(cells, weight[keep], self.num_classes ** 2)
        add_state(self, "total_confusion_matrix", counts.reshape(self.num_classes, self.num_classes))

    def value(self):
        """The mean IoU over the target classes that occur (in labels or predictions)."""
        matrix = state(self, "total_confusion_matrix")
        true_positives = np.diag(matrix)
        denominator = matrix.sum(axis=0) + matrix.sum(axis=1) - true_positives
        true_positives, denominator = true_positives[self.target_class_ids], denominator[self.target_class_ids]
        valid = denominator > 1e-9
        iou = np.where(valid, true_positives / (denominator + epsilon()), 0.0)
        return float(np.sum(iou) / (np.sum(valid) + epsilon()))


class MeanIoU(IoU):
    """IoU averaged over every class."""

    _config_leads_with = ("num_classes", "name", "dtype")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)


class BinaryIoU(IoU):
    """IoU of 0/1 labels against predictions thresholded at `threshold` (y_pred >= threshold is class 1)."""

    _config_leads_with = ("target_class_ids", "threshold", "name", "dtype")

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch (y_pred are scores)."""
        predicted = (np.asarray(_host(y_pred), np.float32) >= self.threshold).astype(np.float64)
        super().update_state(y_true, predicted, sample_weight)


class OneHotIoU(IoU):
    """IoU for one-hot labels and per-class scores (argmax along `axis`)."""

    _config_leads_with = ("num_classes", "target_class_ids", "name", "dtype")

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot labels and per-class scores (argmax along `axis`)."""

    _config_leads_with = ("num_classes", "name", "dtype")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)


# Keras's own spellings only: 'logcosh', 'log_cosh' and 'kld' name losses, and Keras refuses them as metrics
NAMES = {"cosine_similarity": CosineSimilarity, "log_cosh_error": LogCoshError,
         "mean_squared_logarithmic_error": MeanSquaredLogarithmicError, "msle": MeanSquaredLogarithmicError,
         "MSLE": MeanSquaredLogarithmicError,
         "hinge": Hinge, "squared_hinge": SquaredHinge, "categorical_hinge": CategoricalHinge,
         "kl_divergence": KLDivergence, "poisson": Poisson, "r2_score": R2Score,
         "binary_crossentropy": BinaryCrossentropy, "categorical_crossentropy": CategoricalCrossentropy,
         "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
         "pearson_correlation": PearsonCorrelation, "concordance_correlation": ConcordanceCorrelation}
