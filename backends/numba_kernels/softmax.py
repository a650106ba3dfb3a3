"""Softmax, log-softmax and per-sample cross-entropy along the last axis, each one fused pass per row.

Sums accumulate in float64 for either dtype. The wrappers take the last axis only; the backend
hands other axes to NumPy's kernels.
"""
import math

import numpy as np

from ..array_kernels.softmax import check_logits, checked_target, out_of_range   # one message on every device
from . import jit
from .vecmath import vexp


# Row reductions keep four running values: one chain of dependent adds (or compares) would make
# each step wait for the previous one, 2-3x slower on rows of a few hundred entries.

@jit.kernel
def _row_max(x, r):
    """The largest entry of row r, ignoring NaN: a NaN still turns the whole row's exp-sum, and so
    the result, into NaN, as in the NumPy kernels, and plain comparisons stay branch-free."""
    n = x.shape[1]
    m0 = m1 = m2 = m3 = x[r, 0]
    for j in range(0, n - n % 4, 4):
        m0 = x[r, j] if x[r, j] > m0 else m0
        m1 = x[r, j + 1] if x[r, j + 1] > m1 else m1
        m2 = x[r, j + 2] if x[r, j + 2] > m2 else m2
        m3 = x[r, j + 3] if x[r, j + 3] > m3 else m3
    for j in range(n - n % 4, n):
        m0 = x[r, j] if x[r, j] > m0 else m0
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    return m2 if m2 > m0 else m0


@jit.kernel
def _row_dot(a, b, r):
    """sum(a[r] * b[r]) in float64."""
    n = a.shape[1]
    s0 = s1 = s2 = s3 = 0.0
    for j in range(0, n - n % 4, 4):
        s0 += a[r, j] * b[r, j]
        s1 += a[r, j + 1] * b[r, j + 1]
        s2 += a[r, j + 2] * b[r, j + 2]
        s3 += a[r, j + 3] * b[r, j + 3]
    for j in range(n - n % 4, n):
        s0 += a[r, j] * b[r, j]
    return (s0 + s1) + (s2 + s3)


@jit.kernel
def _row_sum(a, r):
    """sum(a[r]) in float64."""
    n = a.shape[1]
    s0 = s1 = s2 = s3 = 0.0
    for j in range(0, n - n % 4, 4):
        s0 += a[r, j]
        s1 += a[r, j + 1]
        s2 += a[r, j + 2]
        s3 += a[r, j + 3]
    for j in range(n - n % 4, n):
        s0 += a[r, j]
    return (s0 + s1) + (s2 + s3)


@jit.kernel
def _rounded(out, r, value):
    """value rounded to out's dtype, through out[r, 0] (which the caller overwrites afterwards):
    multiplying float32 rows by a float64 scalar would run the whole loop in float64."""
    out[r, 0] = value
    return out[r, 0]


@jit.kernel
def _row_log_sum_exp_shifted(x, r, scratch):
    """(top, log(sum(exp(x[r] - top)))) for top = the row's maximum; overwrites row r of scratch.

    Callers form log-probabilities as (x - top) - that log: adding top back first (log-sum-exp) and
    subtracting it from x would round away everything below top's last digit (at x = 1e15, 0.69
    would become 0.75; at 3e38 in float32, 0)."""
    top = _row_max(x, r)
    for j in range(x.shape[1]):     # kept apart from the sum so that it vectorises
        scratch[r, j] = vexp(x[r, j] - top)
    return top, math.log(_row_sum(scratch, r))


@jit.kernel
def _softmax(x, y):
    for r in range(x.shape[0]):
        top = _row_max(x, r)
        for j in range(x.shape[1]):     # kept apart from the sum so that it vectorises
            y[r, j] = vexp(x[r, j] - top)
        first = y[r, 0]
        scale = _rounded(y, r, 1.0 / _row_sum(y, r))
        y[r, 0] = first
        for j in range(x.shape[1]):
            y[r, j] = y[r, j] * scale


@jit.kernel
def _log_softmax(x, y):
    for r in range(x.shape[0]):
        top, log_sum = _row_log_sum_exp_shifted(x, r, y)
        log_sum = _rounded(y, r, log_sum)
        for j in range(x.shape[1]):
            y[r, j] = (x[r, j] - top) - log_sum


@jit.kernel
def _softmax_grad(y, gy, gx):
    for r in range(y.shape[0]):
        dot = _rounded(gx, r, _row_dot(y, gy, r))
        for j in range(y.shape[1]):
            gx[r, j] = y[r, j] * (gy[r, j] - dot)


@jit.kernel
def _log_softmax_grad(y, gy, gx):
    for r in range(y.shape[0]):
        total = _rounded(gx, r, _row_sum(gy, r))
        for j in range(y.shape[1]):
            gx[r, j] = gy[r, j] - vexp(y[r, j]) * total


@jit.kernel
def _cross_entropy(x, target, ignore_index, smoothing, loss, logp):
    """Fills loss and logp; returns how many targets were out of range (their loss is NaN)."""
    classes = x.shape[1]
    bad = 0
    for r in range(x.shape[0]):
        top, log_sum = _row_log_sum_exp_shifted(x, r, logp)
        log_sum = _rounded(logp, r, log_sum)
        for j in range(classes):
            logp[r, j] = (x[r, j] - top) - log_sum
        sum_logp = _row_sum(logp, r) if smoothing != 0 else 0.0
        t = target[r]
        if t == ignore_index:
            loss[r] = 0.0
        elif t < 0 or t >= classes:
            loss[r] = np.nan
            bad += 1
        else:
            loss[r] = -(1.0 - smoothing) * logp[r, t] - smoothing / classes * sum_logp
    return bad


@jit.kernel
def _cross_entropy_grad(logp, target, gloss, ignore_index, smoothing, gx):
    """Fills gx; returns how many targets were out of range (their rows are 0)."""
    classes = logp.shape[1]
    bad = 0
    for r in range(logp.shape[0]):
        t = target[r]
        if t == ignore_index or t < 0 or t >= classes:
            bad += t != ignore_index
            for j in range(classes):
                gx[r, j] = 0.0
            continue
        g = gloss[r]
        uniform = smoothing / classes
        for j in range(classes):
            gx[r, j] = g * (vexp(logp[r, j]) - uniform)
        gx[r, t] -= g * (1.0 - smoothing)
    return bad


def _rows(a):
    a = np.ascontiguousarray(a)
    return a.reshape(-1, a.shape[-1])


def softmax(x):
    """Numerically stable softmax along the last axis."""
    y = np.empty(x.shape, x.dtype)
    if y.size == 0:   # no rows, or rows of no entries
        return y
    _softmax(_rows(x), y.reshape(-1, x.shape[-1]))
    return y


def log_softmax(x):
    """Numerically stable log-softmax along the last axis."""
    y = np.empty(x.shape, x.dtype)
    if y.size == 0:   # no rows, or rows of no entries
        return y
    _log_softmax(_rows(x), y.reshape(-1, x.shape[-1]))
    return y


def softmax_grad(y, gy):
    """Gradient of softmax along the last axis given its output y."""
    gx = np.empty(y.shape, y.dtype)
    if gx.size == 0:   # no rows, or rows of no entries
        return gx
    _softmax_grad(_rows(y), _rows(gy), gx.reshape(-1, y.shape[-1]))
    return gx


def log_softmax_grad(y, gy):
    """Gradient of log-softmax along the last axis given its output y (log-probabilities)."""
    gx = np.empty(y.shape, y.dtype)
    if gx.size == 0:   # no rows, or rows of no entries
        return gx
    _log_softmax_grad(_rows(y), _rows(gy), gx.reshape(-1, y.shape[-1]))
    return gx


def _targets(op, shape, target):
    """target as a contiguous int64 array after checking it holds one integer per row (the kernels
    check the class range themselves, in the same pass)."""
    return np.ascontiguousarray(checked_target(np, op, shape, target), dtype=np.int64)


def _raise_out_of_range(op, target, ignore_index, classes):
    wrong = int(target[(target != ignore_index) & ((target < 0) | (target >= classes))][0])
    raise out_of_range(op, classes, ignore_index, wrong)


def cross_entropy(logits, target, ignore_index, label_smoothing):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp)."""
    check_logits("cross_entropy", logits)
    n, classes = logits.shape
    target = _targets("cross_entropy", logits.shape, target)
    loss = np.empty(n, logits.dtype)
    logp = np.empty((n, classes), logits.dtype)
    bad = _cross_entropy(np.ascontiguousarray(logits), target, int(ignore_index), float(label_smoothing),
                         loss, logp)
    if bad:
        _raise_out_of_range("cross_entropy", target, ignore_index, classes)
    return loss, logp


def cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,)."""
    check_logits("cross_entropy_grad", logp)
    target = _targets("cross_entropy_grad", logp.shape, target)
    gx = np.empty(logp.shape, logp.dtype)
    gloss = np.ascontiguousarray(np.broadcast_to(gloss, logp.shape[:1]), dtype=logp.dtype)
    bad = _cross_entropy_grad(np.ascontiguousarray(logp), target, gloss, int(ignore_index),
                              float(label_smoothing), gx)
    if bad:
        _raise_out_of_range("cross_entropy_grad", target, ignore_index, logp.shape[1])
    return gx
