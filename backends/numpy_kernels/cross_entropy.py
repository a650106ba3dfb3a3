"""Softmax cross-entropy against class indices, and its gradient, on the host.

The log-softmax and the loss/gradient formulas are the shared ones (array_kernels/softmax.py);
what is NumPy's own is reading the target range back at once, in the forward and the gradient.
"""
import numpy as np

from ..array_kernels.softmax import (check_logits, checked_target, log_softmax, nll_of_log_probs,
                                     nll_of_log_probs_grad, out_of_range)


def _targets(op, shape, target, ignore_index):
    """(valid mask, safe class indices with ignored entries set to 0), checking shape and range."""
    target = checked_target(np, op, shape, target)
    classes = shape[1]
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if safe.size and (safe.min() < 0 or safe.max() >= classes):
        bad = int(target[valid & ((target < 0) | (target >= classes))][0])
        raise out_of_range(op, classes, ignore_index, bad)
    return valid, safe


def cross_entropy(logits, target, ignore_index, label_smoothing):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp)."""
    check_logits("cross_entropy", logits)
    valid, safe = _targets("cross_entropy", logits.shape, target, ignore_index)
    logp = log_softmax(np, logits, 1)
    return nll_of_log_probs(np, logp, valid, safe, label_smoothing), logp


def cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,)."""
    check_logits("cross_entropy_grad", logp)
    valid, safe = _targets("cross_entropy_grad", logp.shape, target, ignore_index)
    return nll_of_log_probs_grad(np, logp, valid, safe, gloss, label_smoothing)
