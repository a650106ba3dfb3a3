"""keras.ops loss-like functions: the elementwise/per-sample cross-entropies (no reduction, probabilities
clipped to [1e-7, 1 - 1e-7] unless from_logits), ctc_loss, psnr, and the label helpers multi_hot and in_top_k."""
import numpy as np

import autograd as ag
from autograd.errors import IndexShapeError, ShapeError

from .. import functional as F
from . import ops_dtype_rules as rules
from .ops_args import _float, _t
from .probability_targets import check_probability_outputs, check_unit_range_targets
from .settings import epsilon

EPSILON = 1e-7


def _same_shape(target, output, op):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"keras.ops.{op}: target and output must have the same shape, got "
                         f"{tuple(target.shape)} and {tuple(output.shape)}")


def binary_crossentropy(target, output, from_logits=False):
    """-(target * log(output) + (1 - target) * log(1 - output)) elementwise; `output` holds probabilities
    (logits when from_logits=True)."""
    target, output = _float(target), _float(output)
    _same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    check_unit_range_targets(target, "keras.ops.binary_crossentropy")
    check_probability_outputs(output, "keras.ops.binary_crossentropy")
    # torch's binary_cross_entropy of the clipped probabilities, as Keras's torch backend
    return F.binary_cross_entropy(ag.clamp(output, epsilon(), 1.0 - epsilon()), target, reduction="none")


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return F.log_softmax(output, dim=axis)
    output = output / output.sum(dim=axis, keepdim=True)
    return ag.log(ag.clamp(output, epsilon(), 1.0 - epsilon()))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) over `axis`; `output` is rescaled to sum 1 there first (or taken as logits)."""
    target, output = _float(target), _float(output)
    _same_shape(target, output, "categorical_crossentropy")
    if target.ndim < 1:
        raise ValueError("keras.ops.categorical_crossentropy: target and output must have at least one axis")
    return -(target * _log_probabilities(output, from_logits, axis)).sum(dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """categorical_crossentropy with integer class `target`s (output's shape less its class `axis`; a trailing
    axis of size 1 is dropped)."""
    output = _float(output)
    target = _t(target).astype(np.int64)
    if output.ndim < 1:
        raise ValueError("keras.ops.sparse_categorical_crossentropy: output must have at least one axis")
    if target.ndim == output.ndim and target.shape[axis] == 1:
        target = target.squeeze(axis % target.ndim)
    expected = list(output.shape)
    del expected[axis]
    if list(target.shape) != expected:
        raise ValueError(f"keras.ops.sparse_categorical_crossentropy: target of shape {tuple(target.shape)} must "
                         f"be output's shape {tuple(output.shape)} without the class axis {axis}: {tuple(expected)}")
    log_prob = _log_probabilities(output, from_logits, axis)
    return -ag.take_along_axis(log_prob, target.unsqueeze(axis % output.ndim), axis % output.ndim).squeeze(
        axis % output.ndim)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Integer class lists as multi-hot vectors: (n,) -> (num_classes,), (batch, n) -> (batch, num_classes)
    (float32 by default)."""
    num_classes = kwargs.pop("num_tokens", num_classes)   # Keras's older spelling
    if kwargs:
        raise TypeError(f"keras.ops.multi_hot: unexpected arguments {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("keras.ops.multi_hot: pass num_classes")
    if sparse:
        raise ValueError("keras.ops.multi_hot: sparse outputs are not supported")
    x = _t(inputs).astype(np.int64)
    valid = x >= 0   # a negative class sets no bit, as in keras.ops.one_hot
    encoded = (F.one_hot(ag.where(valid, x, 0), num_classes) * valid.unsqueeze(-1)).astype(
        rules.numpy_dtype(dtype or "float32"))
    if axis not in (-1, encoded.ndim - 1):
        encoded = ag.movedim(encoded, -1, axis)
    return encoded.amax(dim=1 if x.ndim > 1 else 0)


def in_top_k(targets, predictions, k):
    """Whether each row's `targets` class scores at least as high as its k-th best (bool; ties count in)."""
    predictions = _t(predictions)
    targets = _t(targets).astype(np.int64)
    if predictions.ndim != 2 or targets.ndim != 1 or targets.shape[0] != predictions.shape[0]:
        raise ShapeError(f"keras.ops.in_top_k: predictions must be (batch, classes) and targets (batch,); got "
                         f"{tuple(predictions.shape)} and {tuple(targets.shape)}")
    kth = ag.topk(predictions, k, dim=-1)[0][:, k - 1:k]
    return (ag.take_along_axis(predictions, targets.unsqueeze(1), 1) >= kth).squeeze(1)


def psnr(x1, x2, max_val):
    """The peak signal-to-noise ratio 20 log10(max_val) - 10 log10(mean((x1 - x2)^2)), over all values."""
    x1, x2 = _float(x1), _float(x2)
    _same_shape(x1, x2, "psnr")
    mse = ((x1 - x2) ** 2).mean()
    return 20.0 * float(np.log10(max_val)) - 10.0 * ag.log(mse) / float(np.log(10.0))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """The CTC loss per batch entry: `output` holds logits (batch, time, classes), `target` the padded labels
    (batch, max_label_length), the lengths one int each; `mask_index` is the blank class."""
    output = _float(output)
    if output.ndim != 3:
        raise IndexShapeError(f"keras.ops.ctc_loss: output must be (batch, time, classes) logits, got shape "
                              f"{tuple(output.shape)}; add the missing axes (e.g. output[None] for one sequence)")
    log_probs = F.log_softmax(ag.permute(output, (1, 0, 2)), dim=-1)
    return F.ctc_loss(log_probs, _t(target).astype(np.int64), _t(output_length).astype(np.int64),
                      _t(target_length).astype(np.int64), blank=mask_index, reduction="none")
