"""More of Keras's losses: squared and categorical hinge, mean squared logarithmic error, cosine similarity,
binary and categorical focal cross-entropy, and the segmentation losses Dice and Tversky, with Keras's
formulas (probabilities are clipped to [1e-7, 1 - 1e-7] where Keras clips them)."""
import numpy as np

from .loss_base import EPSILON, _float_target, _loss_class, _tensor, match_rank  # noqa: F401
from .loss_base import bound, keras_32, keras_mean, same_shape
from .probability_targets import check_probability_outputs, check_unit_range_targets
from .settings import epsilon


def _pair(y_true, y_pred):
    y_pred = _tensor(y_pred)
    return match_rank(_float_target(y_true, y_pred), y_pred)


def _hinge_labels(target):
    values = target.numpy()
    return target * 2.0 - 1.0 if np.all((values == 0) | (values == 1)) else target


def squared_hinge(y_true, y_pred):
    """The mean over the last axis of max(1 - y_true * y_pred, 0)^2; 0/1 labels are read as -1/1."""
    target, y_pred = _pair(y_true, y_pred)
    # float32, as Keras's maximum(x, 0.0)
    return (keras_32(1.0 - _hinge_labels(target) * y_pred).clamp(min=0.0) ** 2).mean(dim=-1)


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last (class) axis."""
    target, y_pred = _pair(y_true, y_pred)
    positive = (target * y_pred).sum(dim=-1)
    negative = ((1.0 - target) * y_pred).amax(dim=-1)
    return keras_32(negative - positive + 1.0).clamp(min=0.0)   # float32, as Keras's maximum of two float64s


def mean_squared_logarithmic_error(y_true, y_pred):
    """The mean over the last axis of (log(1 + max(y_pred, 1e-7)) - log(1 + max(y_true, 1e-7)))^2."""
    target, y_pred = _pair(y_true, y_pred)
    target, y_pred = keras_32(target), keras_32(y_pred)   # Keras's maximum with its float32 epsilon
    difference = (y_pred.clamp(min=epsilon()) + 1.0).log() - (target.clamp(min=epsilon()) + 1.0).log()
    return (difference ** 2).mean(dim=-1)


def _l2_normalized(x, axis):
    if x.dtype == np.float64:   # Keras's min(rsqrt(sum of squares), 1 / epsilon) is a float32 tensor there
        return x * keras_32((x * x).sum(dim=axis, keepdim=True).rsqrt().clamp(max=1.0 / epsilon()))
    norm = (x * x).sum(dim=axis, keepdim=True).sqrt().clamp(min=epsilon())
    return x / norm


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine similarity of y_true and y_pred along `axis`: -1 when they point the same way, 1 when
    opposite (each normalised by max(its L2 norm, 1e-7))."""
    target, y_pred = _pair(y_true, y_pred)
    return -(_l2_normalized(target, axis) * _l2_normalized(y_pred, axis)).sum(dim=axis)


def _binary_cross_entropy_terms(target, p):
    clipped = p.clamp(epsilon(), 1.0 - epsilon())
    return -(target * clipped.log() + (1.0 - target) * (1.0 - clipped).log())


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """The mean over `axis` of (1 - p_t)^gamma * binary cross-entropy, p_t the probability given to the true
    label (weighted alpha for 1s and 1 - alpha for 0s when apply_class_balancing)."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    same_shape("binary_focal_crossentropy", target, y_pred)
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if not from_logits:
        check_unit_range_targets(target, "binary_focal_crossentropy")
        check_probability_outputs(y_pred, "binary_focal_crossentropy")
    p = y_pred.sigmoid() if from_logits else y_pred
    p_true = target * p + (1.0 - target) * (1.0 - p)
    values = (1.0 - p_true) ** gamma * _binary_cross_entropy_terms(target, p)
    if apply_class_balancing:
        values = (target * alpha + (1.0 - target) * (1.0 - alpha)) * values
    return keras_mean(values, dim=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """sum over the class axis of alpha * (1 - p)^gamma * -y_true log p (alpha a number or one per class),
    p renormalised to sum to 1 and clipped to [1e-7, 1 - 1e-7]."""
    if isinstance(axis, bool):
        raise ValueError(f"categorical_focal_crossentropy: axis must be an int, got {axis!r}")
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    if tuple(target.shape) != tuple(y_pred.shape):
        raise ValueError(f"categorical_focal_crossentropy: y_true {tuple(target.shape)} and y_pred "
                         f"{tuple(y_pred.shape)} must have the same shape (one-hot targets)")
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / target.shape[-1]
    if from_logits:
        y_pred = y_pred.softmax(dim=axis)
    p = (y_pred / y_pred.sum(dim=axis, keepdim=True)).clamp(bound(epsilon()), bound(1.0 - epsilon()))
    weight = (1.0 - p) ** gamma * _tensor(np.asarray(alpha, np.float32), y_pred, y_pred.dtype)
    return (weight * (-target * p.log())).sum(dim=axis)


def _sum(x, axis):
    return x.sum() if axis is None else x.sum(dim=axis)


def dice(y_true, y_pred, axis=None):
    """1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + 1e-7), the sums over `axis` (None: all)."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    overlap = _sum(target * y_pred, axis)
    return 1.0 - 2.0 * overlap / (_sum(target, axis) + _sum(y_pred, axis) + epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha FP + beta FN + 1e-7) with soft counts TP = sum(y_true y_pred),
    FP = sum(y_true (1 - y_pred)), FN = sum((1 - y_true) y_pred) over `axis` (Keras's naming of the two)."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    overlap = _sum(target * y_pred, axis)
    false_positive = _sum((1.0 - y_pred) * target, axis)
    false_negative = _sum(y_pred * (1.0 - target), axis)
    return 1.0 - overlap / (overlap + alpha * false_positive + beta * false_negative + epsilon())


msle = MSLE = mean_squared_logarithmic_error

SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge", "Squared hinge loss for -1/1 (or 0/1) "
                           "labels.")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                               "Hinge loss between the true class's score and the best other class's.")
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error", "Mean squared error of log(1 + y).")
# Keras's config leaves axis out (from_config resets it to -1)
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                               "Minus the cosine similarity along `axis`.", config_keys=(), axis=-1)
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    "Binary cross-entropy down-weighting easy examples by (1 - p_t)^gamma.", apply_class_balancing=False,
    alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
    config_keys=("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma"))
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy, "categorical_focal_crossentropy",
    "Categorical cross-entropy down-weighting easy examples by alpha (1 - p)^gamma.", alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1,
    config_keys=("from_logits", "label_smoothing", "axis", "alpha", "gamma"))
Dice = _loss_class("Dice", dice, "dice", "Dice loss, 1 - the soft Dice coefficient.", axis=None,
                   order=("reduction", "name", "axis", "dtype"))
Tversky = _loss_class("Tversky", tversky, "tversky", "Tversky loss, 1 - the soft Tversky index.", alpha=0.5,
                      beta=0.5, axis=None, order=("alpha", "beta", "reduction", "name", "axis", "dtype"))

FUNCTIONS = {"squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
             "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": msle,
             "cosine_similarity": cosine_similarity, "binary_focal_crossentropy": binary_focal_crossentropy,
             "categorical_focal_crossentropy": categorical_focal_crossentropy, "dice": dice, "tversky": tversky}
CLASSES = (SquaredHinge, CategoricalHinge, MeanSquaredLogarithmicError, CosineSimilarity, BinaryFocalCrossentropy,
           CategoricalFocalCrossentropy, Dice, Tversky)
