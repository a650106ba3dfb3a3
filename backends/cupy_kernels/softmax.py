"""Softmax, log-softmax and softmax cross-entropy with their gradients on the GPU, stable at any logit scale.

The formulas of backends/numpy_kernels/softmax.py written with CuPy: subtract the maximum along
the axis before exponentiating, work from log-probabilities in the cross-entropy (two fused
kernels, cross_entropy.py, up to 2,048 classes). Target range is checked in the forward
cross-entropy, at once or deferred (deferred.py); the gradient reuses those targets unchecked.
"""
import cupy
import numpy as np

from ..numpy_kernels.softmax import _check_logits   # the same message on every device
from . import cross_entropy as fused


def _shifted(x, axis):
    """x - max(x, axis) as a new float array."""
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return cupy.subtract(x, cupy.max(x, axis=axis, keepdims=True))


def softmax(x, axis):
    """Numerically stable softmax along axis."""
    if x.ndim == 0:   # a 0-d array is one row of one class
        return softmax(x.reshape(1), 0).reshape(())
    if x.size == 0:
        return cupy.empty_like(x)
    e = _shifted(x, axis)
    cupy.exp(e, out=e)
    e /= cupy.sum(e, axis=axis, keepdims=True)
    return e


def softmax_grad(y, gy, axis):
    """Gradient of softmax given its output y: y * (gy - sum(gy * y))."""
    if y.ndim == 0:
        return softmax_grad(y.reshape(1), cupy.reshape(gy, 1), 0).reshape(())
    g = cupy.multiply(gy, y)
    s = cupy.sum(g, axis=axis, keepdims=True)
    cupy.subtract(gy, s, out=g)
    g *= y
    return g


def log_softmax(x, axis):
    """Numerically stable log-softmax along axis."""
    if x.ndim == 0:
        return log_softmax(x.reshape(1), 0).reshape(())
    if x.size == 0:
        return cupy.empty_like(x)
    z = _shifted(x, axis)
    lse = cupy.sum(cupy.exp(z), axis=axis, keepdims=True)
    cupy.log(lse, out=lse)
    z -= lse
    return z


def log_softmax_grad(y, gy, axis):
    """Gradient of log-softmax given its output y (log-probabilities): gy - exp(y) * sum(gy)."""
    if y.ndim == 0:
        return log_softmax_grad(y.reshape(1), cupy.reshape(gy, 1), 0).reshape(())
    p = cupy.exp(y)
    p *= cupy.sum(gy, axis=axis, keepdims=True)
    return cupy.subtract(gy, p, out=p)


def _out_of_range(op, c, ignore_index):
    """The IndexError factory for a target value outside [0, c)."""
    def error(value):
        return IndexError(f"{op}: target class {value} is out of range for {c} classes "
                          f"(targets must lie in [0, {c}) or equal ignore_index={ignore_index})")
    return error


def _checked_target(op, shape, target):
    """target as a CuPy integer array of shape (N,) for logits of `shape` (N, C), or ValueError."""
    n = shape[0]
    target = cupy.asarray(target)
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(f"{op}: target must be an integer array of shape ({n},) for logits of shape {shape}; "
                         f"got {target.dtype} array of shape {target.shape}")
    return target


def _targets(op, shape, target, ignore_index, check, defer=None):
    """(valid mask, safe class indices with ignored entries set to 0); `check` verifies the range,
    at once or, given `defer` (a DeferredChecks), at the next synchronisation."""
    target = _checked_target(op, shape, target)
    valid = target != ignore_index
    safe = cupy.where(valid, target, 0)
    if check and safe.size:
        bad = valid & ((target < 0) | (target >= shape[1]))
        out_of_range = _out_of_range(op, shape[1], ignore_index)
        if defer is not None:
            defer.add(bad, target, out_of_range)
        elif bool(bad.any()):   # waits for the GPU
            raise out_of_range(int(target[bad][0]))
    return valid, safe


def cross_entropy(logits, target, ignore_index, label_smoothing, defer=None):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp).

    loss_i = -(1 - ls) * logp[i, t_i] - ls / C * sum_c logp[i, c], and 0 where t_i == ignore_index.
    Targets out of range raise IndexError now, or later through `defer` (see deferred.py).
    """
    _check_logits("cross_entropy", logits)
    if defer is not None:
        target = _checked_target("cross_entropy", logits.shape, target)
        if fused.fits(logits, target):
            error = _out_of_range("cross_entropy", logits.shape[1], ignore_index)
            return fused.cross_entropy(logits, target, ignore_index, label_smoothing,
                                       lambda verdict: defer.add_verdict(verdict, error))
    valid, safe = _targets("cross_entropy", logits.shape, target, ignore_index, check=True, defer=defer)
    logp = log_softmax(logits, 1)
    loss = -cupy.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    if label_smoothing:
        loss *= 1.0 - label_smoothing
        loss -= cupy.sum(logp, axis=1) * (label_smoothing / logits.shape[1])
    loss = cupy.where(valid, loss, cupy.zeros((), loss.dtype))
    return loss, logp


def cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,).

    d loss_i / d logits_ij = p_ij - (1 - ls) [j == t_i] - ls / C, times gloss_i (0 for ignored rows).
    """
    _check_logits("cross_entropy_grad", logp)
    target = _checked_target("cross_entropy_grad", logp.shape, target)
    if fused.fits(logp, target):
        return fused.cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing)
    valid, safe = _targets("cross_entropy_grad", logp.shape, target, ignore_index, check=False)
    g = cupy.exp(logp)
    if label_smoothing:
        g -= label_smoothing / logp.shape[1]
    g[cupy.arange(logp.shape[0]), safe] -= 1.0 - label_smoothing
    weight = cupy.where(valid, cupy.asarray(gloss), 0).astype(logp.dtype, copy=False)
    g *= weight[:, None]
    return g
