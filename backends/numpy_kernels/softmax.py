"""Softmax, log-softmax and softmax cross-entropy with their gradients, stable at any logit scale.

Every kernel subtracts the maximum along the axis before exponentiating, so no exp overflows; the
cross-entropy works from log-probabilities, so extreme logits give finite losses and gradients.
"""
import numpy as np


def _shifted(x, axis):
    """x - max(x, axis) as a new float array."""
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return np.subtract(x, np.max(x, axis=axis, keepdims=True))


def softmax(x, axis):
    """Numerically stable softmax along axis."""
    if x.ndim == 0:   # a 0-d array is one row of one class
        return softmax(x.reshape(1), 0).reshape(())
    if x.size == 0:
        return np.empty_like(x)
    e = _shifted(x, axis)
    np.exp(e, out=e)
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def softmax_grad(y, gy, axis):
    """Gradient of softmax given its output y: y * (gy - sum(gy * y))."""
    if y.ndim == 0:
        return softmax_grad(y.reshape(1), np.reshape(gy, 1), 0).reshape(())
    g = np.multiply(gy, y)
    s = np.sum(g, axis=axis, keepdims=True)
    np.subtract(gy, s, out=g)
    g *= y
    return g


def log_softmax(x, axis):
    """Numerically stable log-softmax along axis."""
    if x.ndim == 0:   # a 0-d array is one row of one class
        return log_softmax(x.reshape(1), 0).reshape(())
    if x.size == 0:
        return np.empty_like(x)
    z = _shifted(x, axis)
    lse = np.sum(np.exp(z), axis=axis, keepdims=True)
    np.log(lse, out=lse)
    z -= lse
    return z


def log_softmax_grad(y, gy, axis):
    """Gradient of log-softmax given its output y (log-probabilities): gy - exp(y) * sum(gy)."""
    if y.ndim == 0:
        return log_softmax_grad(y.reshape(1), np.reshape(gy, 1), 0).reshape(())
    p = np.exp(y)
    p *= np.sum(gy, axis=axis, keepdims=True)
    return np.subtract(gy, p, out=p)


def _targets(op, shape, target, ignore_index):
    """(valid mask, safe class indices with ignored entries set to 0), checking shape and range."""
    n, c = shape
    target = np.asarray(target)
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(f"{op}: target must be an integer array of shape ({n},) for logits of shape {shape}; "
                         f"got {target.dtype} array of shape {target.shape}")
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if safe.size and (safe.min() < 0 or safe.max() >= c):
        bad = int(target[valid & ((target < 0) | (target >= c))][0])
        raise IndexError(f"{op}: target class {bad} is out of range for {c} classes "
                         f"(targets must lie in [0, {c}) or equal ignore_index={ignore_index})")
    return valid, safe


def _check_logits(op, a):
    if a.ndim != 2:
        raise ValueError(f"{op}: expects logits of shape (N, C), got shape {tuple(a.shape)}; "
                         f"move the class axis last and flatten the others first")


def cross_entropy(logits, target, ignore_index, label_smoothing):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp).

    loss_i = -(1 - ls) * logp[i, t_i] - ls / C * sum_c logp[i, c], and 0 where t_i == ignore_index.
    """
    _check_logits("cross_entropy", logits)
    valid, safe = _targets("cross_entropy", logits.shape, target, ignore_index)
    logp = log_softmax(logits, 1)
    rows = np.arange(logits.shape[0])
    loss = -logp[rows, safe]
    if label_smoothing:
        loss *= 1.0 - label_smoothing
        loss -= np.sum(logp, axis=1) * (label_smoothing / logits.shape[1])
    loss[~valid] = 0
    return loss, logp


def cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,).

    d loss_i / d logits_ij = p_ij - (1 - ls) [j == t_i] - ls / C, times gloss_i (0 for ignored rows).
    """
    _check_logits("cross_entropy_grad", logp)
    valid, safe = _targets("cross_entropy_grad", logp.shape, target, ignore_index)
    g = np.exp(logp)
    if label_smoothing:
        g -= label_smoothing / logp.shape[1]
    g[np.arange(logp.shape[0]), safe] -= 1.0 - label_smoothing
    weight = np.where(valid, gloss, 0).astype(logp.dtype, copy=False)
    g *= weight[:, None]
    return g
