"""The connectionist temporal classification (CTC) loss as one graph node: the alpha (forward) and beta
(backward) recursions of Graves et al. (2006) in log space, vectorised over the batch and the extended
target (blanks between and around the labels), looping over time only.

Shapes: log_probs (T, N, C); the extended targets `ext` (N, W), W = 2 * S + 1 for the longest target S,
with the blank at even positions and label j at position 2j + 1. alpha and beta are (N, T', W), T' the
longest input length. The gradient is PyTorch's: that of the loss through a log_softmax that produced
log_probs, exp(log_probs) - (posterior occupancy of each class), which equals the true gradient of the loss
with respect to log_probs plus exp(log_probs) at each frame inside the input.
"""
import contextlib

import numpy as np

from ..function import Function


def _quiet(xp):
    """Silence NumPy's warnings for log(0) and inf - inf, which the recursions produce on purpose."""
    return np.errstate(divide="ignore", invalid="ignore") if xp is np else contextlib.nullcontext()


def _logsumexp3(xp, a, b, c, floor):
    """log(exp(a) + exp(b) + exp(c)) elementwise, shifted by the largest (-inf when all three are)."""
    m = xp.maximum(xp.maximum(a, b), c)
    xp.maximum(m, floor, out=m)     # a finite shift where all three are -inf: the result stays -inf
    total = xp.exp(a - m)
    total += xp.exp(b - m)
    total += xp.exp(c - m)
    return xp.log(total) + m


def extended_targets(xp, targets, target_lengths, blank, n_classes):
    """(N, W) int64: blank, t1, blank, t2, ..., blank for each row, blanks past each row's length.

    `targets` is padded (N, S') or the concatenation of all targets (1-D); `target_lengths` a host array.
    Every label inside a row's length must be a class index other than the blank."""
    n = len(target_lengths)
    s = int(target_lengths.max())
    valid = np.arange(s)[None, :] < target_lengths[:, None]
    if targets.ndim == 1:
        starts = np.cumsum(target_lengths) - target_lengths
        where = np.where(valid, starts[:, None] + np.arange(s)[None, :], 0)
        labels = targets[xp.asarray(where)] if targets.size else xp.zeros((n, s), np.int64)
    else:
        labels = targets[:, :s]
    labels, inside = labels.astype(np.int64), xp.asarray(valid)
    wrong = inside & ((labels < 0) | (labels >= n_classes) | (labels == blank))
    if wrong.size and bool(wrong.any()):
        found = int(labels[wrong][0])
        if found == blank:
            raise ValueError(f"ctc_loss: a target label equals the blank ({blank}); the blank separates labels "
                             "and cannot be one (PyTorch's documentation forbids it too, and its gradient is then "
                             "wrong); shift the labels or pass another blank=")
        raise ValueError(f"ctc_loss: every target label must be a class index in [0, {n_classes}) for log_probs "
                         f"with C = {n_classes} classes, got {found}; labels past each target's length are "
                         "ignored")
    labels = xp.where(inside, labels, blank)
    ext = xp.full((n, 2 * s + 1), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    return ext


class CtcLoss(Function):
    """Per-sample negative log-likelihood (N,) of the targets under log_probs (T, N, C), PyTorch's
    ctc_loss with reduction='none' (its CtcLossBackward0 node): an impossible target's loss is inf, and its
    gradient NaN, or zeros with zero_infinity (whose zeroed losses are a `where` after this node, as PyTorch's)."""

    op_name = "ctc_loss"
    differentiable_backward = False

    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = ctx.xp
        n_classes = log_probs.shape[2]
        ext = extended_targets(xp, targets, target_lengths, blank, n_classes)
        frames = max(int(input_lengths.max()), 1)   # one frame at least, so the arrays are never empty
        lp = log_probs[:frames].transpose(1, 0, 2)                             # (N, T', C)
        lp_ext = xp.take_along_axis(lp, xp.broadcast_to(ext[:, None, :], lp.shape[:2] + ext.shape[1:]), axis=2)
        # additive masks: 0 where the step that skips a blank (s - 2 -> s) is allowed, -inf where not
        neg_inf = lp.dtype.type(-np.inf)
        skip = xp.full(ext.shape, neg_inf, dtype=lp.dtype)
        skip[:, 2:][ext[:, 2:] != ext[:, :-2]] = 0
        kernel = ctx.device.ctc_alpha
        alpha = None if kernel is None else kernel(lp_ext, skip, input_lengths, target_lengths)
        with _quiet(xp):
            if alpha is None:
                alpha = _alpha(xp, lp_ext, skip, target_lengths, neg_inf)
            nll = _nll(xp, alpha, input_lengths, target_lengths, neg_inf)
        ctx.args = (ext, skip, input_lengths, target_lengths, zero_infinity, log_probs.shape)
        ctx.save_for_backward(lp, lp_ext, alpha, nll)
        return nll

    def backward(ctx, gy):
        xp = ctx.xp
        ext, skip, input_lengths, target_lengths, zero_infinity, shape = ctx.args
        lp, lp_ext, alpha, nll = ctx.saved_tensors
        n, frames, n_classes = lp.shape
        dtype = lp.dtype.type
        kernel = ctx.device.ctc_beta
        beta = None if kernel is None else kernel(lp_ext, skip, input_lengths, target_lengths)
        impossible = xp.isinf(nll)
        with _quiet(xp):
            if beta is None:
                beta = _beta(xp, lp_ext, skip, input_lengths, target_lengths, dtype(-np.inf))
            # each extended position's posterior occupancy at each frame, in [0, 1] (0 past a row's frames,
            # where beta is -inf, and for an impossible target, whose alpha + beta is -inf everywhere)
            occupancy = xp.exp(alpha + beta + xp.where(impossible, dtype(0), nll)[:, None, None] - lp_ext)
        collected = xp.zeros(n * frames * n_classes, dtype=lp.dtype)
        rows = (xp.arange(n)[:, None] * frames + xp.arange(frames)[None, :]) * n_classes   # (N, T')
        ctx.device.scatter_add(collected, (rows[:, :, None] + ext[:, None, :]).reshape(-1),
                               occupancy.reshape(-1))
        inside = xp.asarray(np.arange(frames)[None, :] < input_lengths[:, None])          # (N, T')
        grad = xp.exp(lp) * inside[:, :, None]
        grad -= collected.reshape(lp.shape)
        grad *= gy[:, None, None]
        if bool(impossible.any()):
            # PyTorch's gradient for an impossible target is NaN inside its input (0 with zero_infinity)
            bad = (inside & impossible[:, None])[:, :, None]
            grad = xp.where(bad, dtype(0 if zero_infinity else np.nan), grad)
        full = xp.zeros(shape, dtype=lp.dtype)
        full[:frames] = grad.transpose(1, 0, 2)
        return full, None, None, None, None, None

    @staticmethod
    def explain_error(args, exc):
        text = str(exc)
        return text if text.startswith("ctc_loss") else None


def _alpha(xp, lp_ext, skip, target_lengths, neg_inf):
    """log alpha (N, T', W): the log-probability of each prefix of the extended target ending at each
    frame. Two leading columns of -inf stand for positions -2 and -1."""
    n, frames, width = lp_ext.shape
    padded = xp.full((n, frames, width + 2), neg_inf, dtype=lp_ext.dtype)
    alpha = padded[:, :, 2:]
    alpha[:, 0, 0] = lp_ext[:, 0, 0]
    if width > 1:
        alpha[:, 0, 1] = xp.where(xp.asarray(target_lengths > 0), lp_ext[:, 0, 1], neg_inf)
    floor = lp_ext.dtype.type(np.finfo(lp_ext.dtype).min)
    for t in range(1, frames):
        prev = padded[:, t - 1]
        alpha[:, t] = _logsumexp3(xp, prev[:, 2:], prev[:, 1:-1], prev[:, :-2] + skip, floor) + lp_ext[:, t]
    return alpha


def _nll(xp, alpha, input_lengths, target_lengths, neg_inf):
    """-log p(target | input) per row: alpha at each row's last frame, summed over its last two positions
    (the final blank and the final label); 0 for an empty input with an empty target, inf otherwise."""
    n = alpha.shape[0]
    rows = xp.arange(n)
    last = alpha[rows, xp.asarray(np.maximum(input_lengths - 1, 0))]        # (N, W)
    end = xp.asarray(2 * target_lengths)
    l1 = last[rows, end]
    l2 = xp.where(xp.asarray(target_lengths > 0), last[rows, xp.maximum(end - 1, 0)], neg_inf)
    m = xp.maximum(l1, l2)
    m = xp.where(m == neg_inf, alpha.dtype.type(0), m)
    log_likelihood = xp.log(xp.exp(l1 - m) + xp.exp(l2 - m)) + m
    empty = xp.asarray(input_lengths == 0)
    log_likelihood = xp.where(empty, xp.where(xp.asarray(target_lengths == 0), alpha.dtype.type(0), neg_inf),
                              log_likelihood)
    return -log_likelihood


def _beta(xp, lp_ext, skip, input_lengths, target_lengths, neg_inf):
    """log beta (N, T', W): the log-probability of each suffix of the extended target starting at each
    frame (including that frame), from each row's last frame back. Two trailing columns of -inf stand for
    positions W and W + 1."""
    n, frames, width = lp_ext.shape
    padded = xp.full((n, frames, width + 2), neg_inf, dtype=lp_ext.dtype)
    beta = padded[:, :, :width]
    skip_back = xp.full(skip.shape, neg_inf, dtype=skip.dtype)    # s -> s + 2 allowed as s - 2 -> s is
    skip_back[:, :-2] = skip[:, 2:]
    # each row starts at its last frame, from its final blank and its final label
    last_frame = np.maximum(input_lengths - 1, 0)
    position = np.arange(width)[None, :]
    ends = (position == 2 * target_lengths[:, None]) | ((position == 2 * target_lengths[:, None] - 1)
                                                        & (target_lengths[:, None] > 0))
    start = xp.where(xp.asarray(ends), lp_ext[xp.arange(n), xp.asarray(last_frame)], neg_inf)
    floor = lp_ext.dtype.type(np.finfo(lp_ext.dtype).min)
    for t in range(frames - 1, -1, -1):
        if t < frames - 1:
            nxt = padded[:, t + 1]
            beta[:, t] = _logsumexp3(xp, nxt[:, :width], nxt[:, 1:width + 1], nxt[:, 2:] + skip_back,
                                     floor) + lp_ext[:, t]
        starting = np.flatnonzero((input_lengths - 1) == t)
        if starting.size:
            rows = xp.asarray(starting)
            beta[rows, t] = start[rows]
    return beta
