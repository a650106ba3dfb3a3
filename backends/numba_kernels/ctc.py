"""The CTC loss's alpha and beta recursions (see autograd/ops/ctc.py) as compiled loops: one pass per batch
row over its own frames and its own 2 * target_length + 1 extended positions, where the NumPy version steps
all rows through the longest input together, a dozen array calls per frame."""
import numpy as np

from . import jit


@jit.inlined
def _logsumexp3(a, b, c):
    """log(exp(a) + exp(b) + exp(c)) shifted by the largest, the terms summed in PyTorch's order; -inf where
    all three are. (Skipping the largest term's exp, exactly 1, measured no faster: the branches cost it.)"""
    m = max(a, b, c)
    if m == -np.inf:
        return m
    return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


@jit.kernel
def _alpha(lp_ext, skip, input_lengths, target_lengths, alpha, neg_inf):
    for n in range(lp_ext.shape[0]):
        frames, width = input_lengths[n], 2 * target_lengths[n] + 1
        if frames == 0:
            continue
        alpha[n, 0, 0] = lp_ext[n, 0, 0]
        if width > 1:
            alpha[n, 0, 1] = lp_ext[n, 0, 1]
        for t in range(1, frames):
            for s in range(width):
                a2 = alpha[n, t - 1, s - 1] if s > 0 else neg_inf
                a3 = alpha[n, t - 1, s - 2] + skip[n, s] if s > 1 else neg_inf
                alpha[n, t, s] = _logsumexp3(alpha[n, t - 1, s], a2, a3) + lp_ext[n, t, s]


@jit.kernel
def _beta(lp_ext, skip, input_lengths, target_lengths, beta, neg_inf):
    for n in range(lp_ext.shape[0]):
        frames, width = input_lengths[n], 2 * target_lengths[n] + 1
        if frames == 0:
            continue
        last = frames - 1
        beta[n, last, width - 1] = lp_ext[n, last, width - 1]
        if width > 1:
            beta[n, last, width - 2] = lp_ext[n, last, width - 2]
        for t in range(frames - 2, -1, -1):
            for s in range(width):
                b2 = beta[n, t + 1, s + 1] if s + 1 < width else neg_inf
                b3 = beta[n, t + 1, s + 2] + skip[n, s + 2] if s + 2 < width else neg_inf
                beta[n, t, s] = _logsumexp3(beta[n, t + 1, s], b2, b3) + lp_ext[n, t, s]


def takes(lp_ext, skip):
    """True for float32 or float64 arrays of one dtype (the kernels copy them C-contiguous)."""
    return lp_ext.dtype in (np.float32, np.float64) and skip.dtype == lp_ext.dtype


def ctc_alpha(lp_ext, skip, input_lengths, target_lengths):
    """log alpha (N, T, W), -inf outside each row's frames and extended positions (see Backend.ctc_alpha)."""
    alpha = np.full(lp_ext.shape, -np.inf, dtype=lp_ext.dtype)
    _alpha(np.ascontiguousarray(lp_ext), np.ascontiguousarray(skip), input_lengths.astype(np.int64),
           target_lengths.astype(np.int64), alpha, alpha.dtype.type(-np.inf))
    return alpha


def ctc_beta(lp_ext, skip, input_lengths, target_lengths):
    """log beta (N, T, W), -inf outside each row's frames and extended positions (see Backend.ctc_beta)."""
    beta = np.full(lp_ext.shape, -np.inf, dtype=lp_ext.dtype)
    _beta(np.ascontiguousarray(lp_ext), np.ascontiguousarray(skip), input_lengths.astype(np.int64),
          target_lengths.astype(np.int64), beta, beta.dtype.type(-np.inf))
    return beta
