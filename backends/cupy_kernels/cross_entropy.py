"""Softmax cross-entropy against class indices on the GPU: two fused kernels (forward, gradient),
and the shared formulas (array_kernels/softmax.py) for rows they do not take.

At training sizes the cross-entropy is a few thousand numbers, and a dozen CuPy calls (max,
subtract, exp, sum, log, gather, where, the range check, ...) cost far more in launches than in
arithmetic. Here one thread handles one row: it finds the maximum, the log-sum-exp, writes the
log-probabilities and the loss, and records an out-of-range target in a two-entry verdict
(failed, value) that deferred.py reads back without stalling the GPU. Used for up to MAX_CLASSES
classes; wider rows take the general path. The target range is checked in the forward, at once or
deferred (deferred.py); the gradient reuses those targets unchecked.
"""
import functools

import cupy
import numpy as np

from ..array_kernels.softmax import (check_logits, checked_target, log_softmax, nll_of_log_probs,
                                     nll_of_log_probs_grad, out_of_range)

#: widest rows for the one-thread-per-row kernels (each thread reads its row three times)
MAX_CLASSES = 2048
FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))

_FORWARD = cupy.ElementwiseKernel(
    "raw T x, raw int64 target, int64 c, int64 ignore, float64 ls", "T loss, raw T logp, raw int64 verdict",
    """
    typedef decltype(T() + 0.0f) acc_t;   // float for float16, else T
    const ptrdiff_t base = i * c;
    acc_t m = (acc_t)x[base];
    for (ptrdiff_t j = 1; j < c; ++j) {
        const acc_t v = (acc_t)x[base + j];
        if (v > m || v != v) m = v;       // a NaN sticks, as the maximum of NumPy and CuPy
    }
    acc_t s = 0;
    for (ptrdiff_t j = 0; j < c; ++j) s += exp((acc_t)x[base + j] - m);
    const acc_t log_s = log(s);           // logp = (x - m) - log_s: m + log_s would round off log_s at large m
    acc_t total = 0;
    for (ptrdiff_t j = 0; j < c; ++j) {
        const acc_t lp = ((acc_t)x[base + j] - m) - log_s;
        logp[base + j] = (T)lp;
        total += lp;
    }
    const long long t = target[i];
    if (t == ignore) {
        loss = (T)0;
    } else if (t < 0 || t >= c) {
        verdict[0] = 1;                   // any one bad value is reported
        verdict[1] = t;
        loss = (T)(acc_t)nan("");
    } else {
        loss = (T)(acc_t)(-(1.0 - ls) * (double)(((acc_t)x[base + t] - m) - log_s) - ls / c * (double)total);
    }
    """, "dg_cross_entropy")

_GRADIENT = cupy.ElementwiseKernel(
    "T logp, raw int64 target, raw T gloss, int64 c, int64 ignore, float64 ls", "T g",
    """
    typedef decltype(T() + 0.0f) acc_t;
    const ptrdiff_t row = i / c;
    const long long t = target[row];
    if (t == ignore) {
        g = (T)0;
    } else {
        const acc_t hit = (i - row * c == t) ? (acc_t)(1.0 - ls) : (acc_t)0;
        g = (T)((exp((acc_t)logp) - (acc_t)(ls / c) - hit) * (acc_t)gloss[row]);
    }
    """, "dg_cross_entropy_grad")


def _fits(logits, target):
    """True when the fused kernels take these arguments (shapes already checked by the caller)."""
    return (logits.dtype in FLOATS and logits.ndim == 2 and 0 < logits.shape[1] <= MAX_CLASSES
            and target.dtype.kind in "iu")


def _fused_cross_entropy(logits, target, ignore_index, label_smoothing, defer):
    """(per-sample loss (N,), log-probabilities (N, C)); `defer(verdict)` receives the device
    array (failed, bad value) of the target-range check."""
    n, c = logits.shape
    loss = cupy.empty(n, logits.dtype)
    logp = cupy.empty((n, c), logits.dtype)
    verdict = cupy.zeros(2, np.int64)
    _FORWARD(cupy.ascontiguousarray(logits).reshape(-1), cupy.ascontiguousarray(target, dtype=np.int64),
             c, ignore_index, float(label_smoothing), loss, logp.reshape(-1), verdict)
    defer(verdict)
    return loss, logp


def _fused_cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,) or a scalar."""
    n, c = logp.shape
    gloss = cupy.broadcast_to(cupy.asarray(gloss, dtype=logp.dtype), (n,))
    g = cupy.empty((n, c), logp.dtype)
    _GRADIENT(cupy.ascontiguousarray(logp).reshape(-1), cupy.ascontiguousarray(target, dtype=np.int64), gloss,
              c, ignore_index, float(label_smoothing), g.reshape(-1))
    return g


def _targets(op, shape, target, ignore_index, check, defer=None):
    """(valid mask, safe class indices with ignored entries set to 0); `check` verifies the range,
    at once or, given `defer` (a DeferredChecks), at the next synchronisation."""
    target = checked_target(cupy, op, shape, target)
    valid = target != ignore_index
    safe = cupy.where(valid, target, 0)
    if check and safe.size:
        bad = valid & ((target < 0) | (target >= shape[1]))
        error = functools.partial(out_of_range, op, shape[1], ignore_index)
        if defer is not None:
            defer.add(bad, target, error)
        elif bool(bad.any()):   # waits for the GPU
            raise error(int(target[bad][0]))
    return valid, safe


def cross_entropy(logits, target, ignore_index, label_smoothing, defer=None):
    """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp).

    Targets out of range raise IndexError now, or later through `defer` (see deferred.py).
    """
    check_logits("cross_entropy", logits)
    if defer is not None:
        target = checked_target(cupy, "cross_entropy", logits.shape, target)
        if _fits(logits, target):
            error = functools.partial(out_of_range, "cross_entropy", logits.shape[1], ignore_index)
            return _fused_cross_entropy(logits, target, ignore_index, label_smoothing,
                                        lambda verdict: defer.add_verdict(verdict, error))
    valid, safe = _targets("cross_entropy", logits.shape, target, ignore_index, check=True, defer=defer)
    logp = log_softmax(cupy, logits, 1)
    return nll_of_log_probs(cupy, logp, valid, safe, label_smoothing), logp


def cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing):
    """Gradient of the per-sample loss with respect to the logits, given gloss (N,)."""
    check_logits("cross_entropy_grad", logp)
    target = checked_target(cupy, "cross_entropy_grad", logp.shape, target)
    if _fits(logp, target):
        return _fused_cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing)
    valid, safe = _targets("cross_entropy_grad", logp.shape, target, ignore_index, check=False)
    return nll_of_log_probs_grad(cupy, logp, valid, safe, gloss, label_smoothing)
