"""Softmax, log-softmax and softmax cross-entropy with their gradients on the GPU, stable at any logit scale.

The formulas of backends/numpy_kernels/softmax.py written with CuPy: subtract the maximum along
the axis before exponentiating, work from log-probabilities in the cross-entropy. Target range is
checked in the forward cross-entropy with one device-to-host transfer; the gradient reuses those
targets unchecked.
"""
import cupy
import numpy as np

from ..numpy_kernels.softmax import _check_logits   # the same message on every device


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


def _targets(op, shape, target, ignore_index, check):
    """(valid mask, safe class indices with ignored entries set to 0); `check` verifies shape and range."""
    n, c = shape
    target = cupy.asarray(target)
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(f"{op}: target must be an integer array of shape ({n},) for logits of shape {shape}; "
                         f"got {target.dtype} array of shape {target.shape}")
    valid = target != ignore_index
    safe = cupy.where(valid, target, 0)
    if check and safe.size:
        bad = valid & ((target < 0) | (target >= c))
        if bool(bad.any()):   # the one synchronisation of the forward pass
            first = int(target[bad][0])
            raise IndexError(f"{op}: target class {first} is out of range for {c} classes "
                             f"(targets must lie in [0, {c}) or equal ignore_index={ignore_index})")
    return valid, safe


def cross_entropy(logits, target, ignore_index, label_smoothing):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp).

    loss_i = -(1 - ls) * logp[i, t_i] - ls / C * sum_c logp[i, c], and 0 where t_i == ignore_index.
    """
    _check_logits("cross_entropy", logits)
    valid, safe = _targets("cross_entropy", logits.shape, target, ignore_index, check=True)
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
    valid, safe = _targets("cross_entropy_grad", logp.shape, target, ignore_index, check=False)
    g = cupy.exp(logp)
    if label_smoothing:
        g -= label_smoothing / logp.shape[1]
    g[cupy.arange(logp.shape[0]), safe] -= 1.0 - label_smoothing
    weight = cupy.where(valid, cupy.asarray(gloss), 0).astype(logp.dtype, copy=False)
    g *= weight[:, None]
    return g
