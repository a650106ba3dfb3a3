"""Which way a monitored quantity improves for Keras's callbacks with mode='auto' (EarlyStopping,
ReduceLROnPlateau, ModelCheckpoint): Keras 3 asks the compiled metric of that name for its direction ('up' for
accuracies, AUC, precision, recall, R2, correlations, IoUs, F-scores, cosine similarity; 'down' for errors and
losses), and takes 'loss' / 'val_loss' as minimised."""
import math

_UP = frozenset(["AUC", "Accuracy", "BinaryAccuracy", "BinaryIoU", "CategoricalAccuracy", "ConcordanceCorrelation",
                 "CosineSimilarity", "F1Score", "FBetaScore", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU",
                 "PearsonCorrelation", "Precision", "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision",
                 "SensitivityAtSpecificity", "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
                 "SpecificityAtSensitivity", "TopKCategoricalAccuracy"])
_DOWN = frozenset(["BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "Hinge", "KLDivergence",
                   "LogCoshError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
                   "MeanSquaredLogarithmicError", "Poisson", "RootMeanSquaredError", "SparseCategoricalCrossentropy",
                   "SquaredHinge"])


def metric_mode(metric):
    """'max' for a metric that improves upwards, 'min' for one that improves downwards, None when its class
    does not say (a Mean, a Sum, a metric of the user's)."""
    for cls in type(metric).__mro__:
        if cls.__name__ in _UP:
            return "max"
        if cls.__name__ in _DOWN:
            return "min"
    return None


def auto_mode(model, monitor):
    """The mode Keras settles for `monitor` on `model`: from the compiled metric of that name, 'min' for the
    loss, None when the compiled metrics do not tell."""
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return "min"
    compiled = getattr(model, "_compiled", None)
    if compiled is None or not getattr(compiled, "_ready", False):
        return None
    found = None
    for key, (_, metric, _) in zip(compiled.keys, compiled.metrics):
        if name in (key, metric.name):
            found = metric_mode(metric) or found
    return found


def require_direction(callback):
    """As Keras's EarlyStopping at its first epoch end: with mode='auto', a monitored name that is neither the
    loss nor a compiled metric with a direction is refused, naming the monitor and the fix."""
    if callback.mode != "auto" or callback.model is None or auto_mode(callback.model, callback.monitor) is not None:
        return
    raise ValueError(f"{type(callback).__name__}: cannot tell whether monitor={callback.monitor!r} should go up or "
                     "down: it is neither the loss nor a compiled metric of known direction; pass mode='max' or "
                     "mode='min' (or monitor the name the metric logs under, e.g. 'val_accuracy')")
