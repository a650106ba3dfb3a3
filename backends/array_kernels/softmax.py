"""Softmax and log-softmax with their gradients, and the parts of softmax cross-entropy every device
shares: its argument checks and the loss and gradient given log-probabilities and checked targets.

Every kernel subtracts the maximum along the axis before exponentiating, so no exp overflows; the
cross-entropy works from log-probabilities, so extreme logits give finite losses and gradients.
"""
import numpy as np


def _shifted(xp, x, axis):
    """x - max(x, axis) as a new float array."""
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    # a row of only -inf (every position masked) gives NaN, as PyTorch does, without NumPy's warning
    with np.errstate(invalid="ignore"):
        return xp.subtract(x, x.max(axis=axis, keepdims=True))   # the method: np.max's reduce, no wrapper


def softmax(xp, x, axis):
    """Numerically stable softmax along axis."""
    if x.ndim == 0:   # a 0-d array is one row of one class
        return softmax(xp, x.reshape(1), 0).reshape(())
    if x.size == 0:
        return xp.empty_like(x)
    e = _shifted(xp, x, axis)
    xp.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softmax_grad(xp, y, gy, axis):
    """Gradient of softmax given its output y: y * (gy - sum(gy * y))."""
    if y.ndim == 0:
        return softmax_grad(xp, y.reshape(1), xp.reshape(gy, 1), 0).reshape(())
    g = xp.multiply(gy, y)
    s = xp.sum(g, axis=axis, keepdims=True)
    xp.subtract(gy, s, out=g)
    g *= y
    return g


def log_softmax(xp, x, axis):
    """Numerically stable log-softmax along axis."""
    if x.ndim == 0:   # a 0-d array is one row of one class
        return log_softmax(xp, x.reshape(1), 0).reshape(())
    if x.size == 0:
        return xp.empty_like(x)
    z = _shifted(xp, x, axis)
    lse = xp.exp(z).sum(axis=axis, keepdims=True)
    xp.log(lse, out=lse)
    z -= lse
    return z


def log_softmax_grad(xp, y, gy, axis):
    """Gradient of log-softmax given its output y (log-probabilities): gy - exp(y) * sum(gy)."""
    if y.ndim == 0:
        return log_softmax_grad(xp, y.reshape(1), xp.reshape(gy, 1), 0).reshape(())
    p = xp.exp(y)
    p *= xp.sum(gy, axis=axis, keepdims=True)
    return xp.subtract(gy, p, out=p)


# ----- cross-entropy against class indices -----------------------------------------------------------
def check_logits(op, a):
    """ValueError unless `a` is a (N, C) array of logits or log-probabilities."""
    if a.ndim != 2:
        raise ValueError(f"{op}: expects logits of shape (N, C), got shape {tuple(a.shape)}; "
                         f"move the class axis last and flatten the others first")


def checked_target(xp, op, shape, target):
    """`target` as an array of `xp`, after checking it holds one integer class per row of logits `shape`."""
    n = shape[0]
    target = xp.asarray(target)
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(f"{op}: target must be an integer array of shape ({n},) for logits of shape {shape}; "
                         f"got {target.dtype} array of shape {target.shape}")
    return target


def out_of_range(op, classes, ignore_index, value):
    """The IndexError for a target class `value` outside [0, classes)."""
    return IndexError(f"{op}: target class {value} is out of range for {classes} classes "
                      f"(targets must lie in [0, {classes}) or equal ignore_index={ignore_index})")


def nll_of_log_probs(xp, logp, valid, safe, label_smoothing):
    """Per-sample loss (N,) from log-probabilities (N, C), the mask of rows not ignored and their
    class indices `safe` (in range; anything on ignored rows):

    loss_i = -(1 - ls) * logp[i, t_i] - ls / C * sum_c logp[i, c], and 0 where t_i == ignore_index.
    """
    loss = -logp[xp.arange(logp.shape[0]), safe]
    if label_smoothing:
        loss *= 1.0 - label_smoothing
        loss -= xp.sum(logp, axis=1) * (label_smoothing / logp.shape[1])
    return xp.where(valid, loss, xp.zeros((), loss.dtype))


def nll_of_log_probs_grad(xp, logp, valid, safe, gloss, label_smoothing):
    """Gradient of nll_of_log_probs with respect to the logits that gave `logp`, given gloss (N,):

    d loss_i / d logits_ij = p_ij - (1 - ls) [j == t_i] - ls / C, times gloss_i (0 for ignored rows).
    """
    g = xp.exp(logp)
    if label_smoothing:
        g -= label_smoothing / logp.shape[1]
    g[xp.arange(logp.shape[0]), safe] -= 1.0 - label_smoothing
    weight = xp.where(valid, xp.asarray(gloss), 0).astype(logp.dtype, copy=False)
    g *= weight[:, None]
    if not bool(valid.all()):   # an ignored row is +0, as PyTorch's: its p - 1 times a zero weight is -0 ("-0.")
        g[~valid] = 0
    return g
