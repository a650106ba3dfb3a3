"""keras.losses: Keras's loss functions and classes, `(y_true, y_pred)` order, on probabilities unless
`from_logits=True`.

The functions return one value per example (the mean over the last axis for element-wise losses); the
classes reduce them with optional per-example `sample_weight` ('sum_over_batch_size': the weighted sum
divided by the number of values, as Keras). Probabilities are clipped to [1e-7, 1 - 1e-7] before the log, as
Keras's torch backend does, whether or not they came out of a softmax or sigmoid layer.
"""
import numpy as np

from autograd.errors import IdentifierError

from .. import functional as F
from . import losses_extra, masking
from .losses_ctc import CTC, ctc  # noqa: F401
from .losses_circle import Circle, circle  # noqa: F401
from .losses_generalized import CategoricalGeneralizedCrossEntropy, categorical_generalized_cross_entropy  # noqa: F401
from .probability_targets import check_probability_outputs, check_unit_range_targets
from .settings import epsilon
from .loss_base import (EPSILON, Loss, LossFunctionWrapper, _float_target, _loss_class, _tensor,  # noqa: F401
                        bound, keras_32, keras_mean, match_rank, reduce_values, same_shape)
from .losses_extra import (BinaryFocalCrossentropy, CategoricalFocalCrossentropy, CategoricalHinge,  # noqa: F401
                           CosineSimilarity, Dice, MeanSquaredLogarithmicError, SquaredHinge, Tversky,
                           binary_focal_crossentropy, categorical_focal_crossentropy, categorical_hinge,
                           cosine_similarity, dice, mean_squared_logarithmic_error, msle, MSLE, squared_hinge,
                           tversky)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log p[true class] per example; y_true integer class indices shaped like y_pred without its last axis
    (or with a last axis of 1)."""
    y_pred = _tensor(y_pred)
    target = _tensor(y_true, y_pred, np.int64)
    if target.ndim == y_pred.ndim and target.shape[-1] == 1:
        target = target.reshape(target.shape[:-1])
    if tuple(target.shape) != tuple(y_pred.shape[:-1]):
        one_hot = tuple(target.shape) == tuple(y_pred.shape)
        raise ValueError(f"sparse_categorical_crossentropy: y_true of shape {tuple(target.shape)} must be y_pred's "
                         f"shape {tuple(y_pred.shape)} without the last (class) axis, i.e. "
                         f"{tuple(y_pred.shape[:-1])} class indices"
                         + ("; y_true looks one-hot: use loss='categorical_crossentropy' for one-hot targets"
                            if one_hot else ""))
    if axis not in (-1, y_pred.ndim - 1):
        raise ValueError("sparse_categorical_crossentropy: only axis=-1 is supported")
    classes = y_pred.shape[-1]
    flat = target.reshape(-1)
    try:
        values = _sparse_terms(y_pred, from_logits, flat, classes, ignore_class).reshape(target.shape)
    except IndexError as error:
        raise IndexError(f"sparse_categorical_crossentropy: y_true holds a class outside 0..{classes - 1} for "
                         f"y_pred's {classes} classes (shape {tuple(y_pred.shape)}); give the last layer as many "
                         f"units as there are classes, or map the labels to 0..{classes - 1} ({error})") from None
    if ignore_class is not None:   # as Keras: a Loss then averages over the examples that count
        masking.set_mask(values, target != ignore_class)
    return values


def _sparse_terms(y_pred, from_logits, flat, classes, ignore_class):
    if from_logits:
        per = F.cross_entropy(y_pred.reshape(-1, classes), flat,
                              ignore_index=-100 if ignore_class is None else ignore_class, reduction="none")
    else:
        p = (y_pred / y_pred.sum(dim=-1, keepdim=True)).clamp(epsilon(), 1.0 - epsilon())
        per = F.nll_loss(p.log().reshape(-1, classes), flat,
                         ignore_index=-100 if ignore_class is None else ignore_class, reduction="none")
    return per


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log p) over the class axis, y_true one-hot or probabilities shaped as y_pred."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    if tuple(target.shape) != tuple(y_pred.shape):
        raise ValueError(f"categorical_crossentropy: y_true {tuple(target.shape)} and y_pred {tuple(y_pred.shape)} "
                         "must have the same shape (one-hot targets); for class indices use "
                         "sparse_categorical_crossentropy")
    axis = _class_axis("categorical_crossentropy", axis, y_pred)
    if label_smoothing:   # Keras counts the classes on the last axis whatever `axis` is
        target = target * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        return -(target * F.log_softmax(y_pred, dim=axis)).sum(dim=axis)
    p = (y_pred / y_pred.sum(dim=axis, keepdim=True)).clamp(epsilon(), 1.0 - epsilon())
    return -(target * p.log()).sum(dim=axis)


def _class_axis(name, axis, y_pred):
    """`axis` as a non-negative int naming one of y_pred's axes; a clear error otherwise."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"{name}: axis={axis!r} is not an axis of y_pred {tuple(y_pred.shape)}; pass an int in "
                         f"[-{y_pred.ndim}, {y_pred.ndim})")
    return int(axis) % y_pred.ndim


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """The mean over the last axis of -(y log p + (1 - y) log(1 - p))."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred)
    same_shape("binary_crossentropy", target, y_pred)
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if not from_logits:
        check_unit_range_targets(target, "binary_crossentropy")
        check_probability_outputs(y_pred, "binary_crossentropy")
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, target, reduction="none")
    else:   # torch's binary_cross_entropy of the clipped probabilities, as Keras's torch backend
        values = F.binary_cross_entropy(y_pred.clamp(epsilon(), 1.0 - epsilon()), target, reduction="none")
    return keras_mean(values, dim=_class_axis("binary_crossentropy", axis, values))


def mean_squared_error(y_true, y_pred):
    """The mean over the last axis of (y_true - y_pred)^2."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    return keras_mean((target - y_pred) ** 2)


def mean_absolute_error(y_true, y_pred):
    """The mean over the last axis of |y_true - y_pred|."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    return keras_mean((target - y_pred).abs())


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * the mean over the last axis of |y_true - y_pred| / max(|y_true|, 1e-7)."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    # Keras's maximum of two float64 tensors is float32 (its 32-bit result_type): the divisor carries that rounding
    return 100.0 * keras_mean((target - y_pred).abs() / keras_32(target.abs().clamp(min=epsilon())))


def huber(y_true, y_pred, delta=1.0):
    """The mean over the last axis of 0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta)."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    error = (y_pred - target).abs()
    quadratic = error.clamp(max=delta)
    return keras_mean(0.5 * quadratic ** 2 + delta * (error - quadratic))


def log_cosh(y_true, y_pred):
    """The mean over the last axis of log(cosh(y_pred - y_true)), computed stably."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    e = y_pred - target
    return keras_mean(e + F.softplus(-2.0 * e) - float(np.log(np.float32(2.0))))   # Keras's log(2) is float32's


def hinge(y_true, y_pred):
    """The mean over the last axis of max(1 - y_true * y_pred, 0); 0/1 labels are read as -1/1."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    values = target.numpy()
    if np.all((values == 0) | (values == 1)):
        target = target * 2.0 - 1.0
    return keras_32(1.0 - target * y_pred).clamp(min=0.0).mean(dim=-1)   # float32, as Keras's maximum(x, 0.0)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [1e-7, 1]."""
    y_pred = _tensor(y_pred)
    target = _float_target(y_true, y_pred).clamp(bound(epsilon()), 1.0)
    p = y_pred.clamp(bound(epsilon()), 1.0)
    return (target * (target / p).log()).sum(dim=-1)


def poisson(y_true, y_pred):
    """The mean over the last axis of y_pred - y_true * log(y_pred + 1e-7)."""
    y_pred = _tensor(y_pred)
    target, y_pred = match_rank(_float_target(y_true, y_pred), y_pred)
    return keras_mean(y_pred - target * (y_pred + epsilon()).log())


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
kld = KLD = kl_divergence



SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    "Cross-entropy against integer class indices (from_logits=False: y_pred are probabilities).",
    from_logits=False, ignore_class=None, axis=-1, config_keys=("from_logits", "ignore_class"),
    order=("from_logits", "ignore_class", "reduction", "axis", "name", "dtype"))
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    "Cross-entropy against one-hot (or probability) targets.", from_logits=False, label_smoothing=0.0, axis=-1)
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    "Binary cross-entropy against 0/1 targets.", from_logits=False, label_smoothing=0.0, axis=-1)
MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                               "Mean of squared errors.")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                "Mean of absolute errors.")
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error", "Mean absolute percentage error.")
Huber = _loss_class("Huber", huber, "huber_loss", "Huber loss (quadratic within delta, linear outside).",
                    config_keys=(), delta=1.0)   # Keras's config leaves delta out (from_config resets it to 1)
LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh", "log(cosh(error)).")
Hinge = _loss_class("Hinge", hinge, "hinge", "Hinge loss for -1/1 (or 0/1) labels.")
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence", "Kullback-Leibler divergence.")
Poisson = _loss_class("Poisson", poisson, "poisson", "Poisson negative log-likelihood (up to a constant).")

_FUNCTIONS = {
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "categorical_crossentropy": categorical_crossentropy, "binary_crossentropy": binary_crossentropy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "huber": huber, "huber_loss": huber, "log_cosh": log_cosh, "logcosh": log_cosh, "hinge": hinge,
    "kl_divergence": kl_divergence, "kld": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson,
}
_CLASSES = {c.__name__: c for c in (SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy,
                                    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, Huber,
                                    LogCosh, Hinge, KLDivergence, Poisson)}

_FUNCTIONS.update(losses_extra.FUNCTIONS)
_FUNCTIONS["bce"] = binary_crossentropy
_FUNCTIONS["ctc"] = ctc
_CLASSES["CTC"] = CTC
_CLASSES["CategoricalGeneralizedCrossEntropy"] = CategoricalGeneralizedCrossEntropy
_CLASSES["Circle"] = Circle
_FUNCTIONS["circle"] = circle
_CLASSES.update({c.__name__: c for c in losses_extra.CLASSES})


def get(identifier):
    """Keras's `keras.losses.get`: for a function's name ('mse', 'binary_crossentropy') the function itself
    (per-example values), for a class's name ('MeanSquaredError') or a Loss class an instance, for a config
    dict the object it describes; a Loss or a function as it is; None for None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialized_identifier(deserialize, identifier, "loss")
    if isinstance(identifier, str):
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        if identifier.lower() in _FUNCTIONS:
            return _FUNCTIONS[identifier.lower()]
        return loss_object(identifier)   # raises, naming the known losses
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, Loss) or callable(identifier):
        return identifier
    raise IdentifierError(f"a loss must be a name, a Loss or a function, got {type(identifier).__name__} (could not "
                          f"interpret loss identifier {identifier!r:.60})")


def loss_object(identifier):
    """A Loss object for a name ('binary_crossentropy', 'mse', 'BinaryCrossentropy', ...), a Loss (as is), or
    a function `fn(y_true, y_pred)` returning per-example values (wrapped): what compile trains with."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        key = identifier.lower()
        if key not in _FUNCTIONS:
            raise ValueError(f"unknown loss {identifier!r}; known: {', '.join(_FUNCTIONS)} (or pass a Loss object "
                             "or a function of (y_true, y_pred))")
        return LossFunctionWrapper(_FUNCTIONS[key], name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise IdentifierError(f"a loss must be a name, a Loss or a function, got {type(identifier).__name__} (could not "
                          f"interpret loss identifier {identifier!r:.60})")


# saved configs name a class by its public module (keras.optimizers, keras.losses, keras.metrics)
for _public in (Loss, LossFunctionWrapper, BinaryFocalCrossentropy, CategoricalFocalCrossentropy, CategoricalHinge,
                CosineSimilarity, Dice, MeanSquaredLogarithmicError, SquaredHinge, Tversky, CTC,
                CategoricalGeneralizedCrossEntropy, Circle):
    _public.__module__ = __name__


from .serialize_api import deserialized_identifier, serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("losses", by_name=get)
