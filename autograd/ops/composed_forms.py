"""The composed forms of fused ops (Function.composed): each op's forward again, written with
differentiable tensor ops, so that a create_graph backward can differentiate through it
(composed_backward.py). They recompute values only: batch_norm's running statistics are not updated again.
Exact GELU's recorded derivative is registered here too: it needs erf, which activation.py cannot import."""
import math

import numpy as np

from ..function import LINEAR
from ..tensor import Tensor
from . import activation
from .attention import ScaledDotProductAttention
from .conv import Conv2dInputGrad, ConvTranspose2d, _covering
from .embedding import Embedding
from .loss import CrossEntropy
from .normalization import BatchNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, _empty_windows
from .joining import stack
from .recurrent import Cell, Recurrence
from .resample import Resample
from .shape import pad
from .special import erf


def _constant(array, like):
    return Tensor._make(array, like._device, None, 0, False)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps):
    """BatchNorm's output from its arguments: batch statistics (biased variance) in training, else the running
    ones, as constants."""
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        dims = (0,) + tuple(range(2, x.ndim))
        centred = x - x.mean(dim=dims, keepdim=True)
        y = centred / ((centred * centred).mean(dim=dims, keepdim=True) + eps).sqrt()
    else:
        y = (x - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


def cross_entropy(logits, target, ignore_index, label_smoothing, reduction):
    """CrossEntropy's loss of (N, C) logits: the log-softmax's picked entries, label smoothing's mean over the
    classes, ignored targets dropped from the sum and the count."""
    logp = logits.log_softmax(1)
    valid = target != ignore_index
    picked = logp.gather(1, (target * valid).unsqueeze(1)).squeeze(1)
    loss = -picked if not label_smoothing else -(1 - label_smoothing) * picked - label_smoothing * logp.mean(1)
    loss = loss * valid.to(loss.dtype)
    if reduction == "none":
        return loss
    total = loss.sum()
    return total / valid.sum().to(total.dtype) if reduction == "mean" else total


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, x_axes, return_indices):
    """MaxPool2d's output as the input's entries at the window maxima (found again, constants): a gather, whose
    gradient sends each output's gradient to its maximum."""
    x4 = x
    for axis in sorted(x_axes or ()):
        x4 = x4.unsqueeze(axis)
    n, c, h, w = x4.shape
    _, index = x4._device.max_pool2d(x4._data, kernel, stride, padding, dilation, ceil_mode)
    out_hw = index.shape[2:]
    empty = _empty_windows(x4._device.xp, (h, w), out_hw, kernel, stride, padding, dilation)
    picked_at = index if empty is None else x4._device.xp.where(empty, 0, index)
    y = x4.reshape(n, c, h * w).gather(2, _constant(picked_at.reshape(n, c, -1), x)).reshape(n, c, *out_hw)
    if empty is not None:
        y = y.masked_fill(_constant(x4._device.xp.asarray(empty), x), -np.inf)
    for axis in sorted(x_axes or (), reverse=True):
        y, index = y.squeeze(axis), x4._device.xp.squeeze(index, axis=axis)
    return (y, _constant(index, x)) if return_indices else y


def attention(q, k, v, mask, dropout_p, is_causal, scale, dropout_keep=None):
    """softmax(Q K^T * scale + mask) V with the causal and boolean masks as -inf, rows with every key masked
    giving zeros; with dropout, the probabilities the forward kept (dropout_keep) scaled by 1 / (1 - p)."""
    scores = (q * scale).matmul(k.transpose(-2, -1))
    xp = q._device.xp
    blocked = None
    if is_causal:
        length, keys = scores.shape[-2:]
        blocked = _constant(~xp.tril(xp.ones((length, keys), dtype=bool)), q)
    if mask is not None and mask.dtype == np.bool_:
        blocked = ~mask if blocked is None else blocked | ~mask
    elif mask is not None:
        scores = scores + mask
    if blocked is not None:
        scores = scores.masked_fill(blocked, -np.inf)
    top = scores.amax(-1, keepdim=True).detach()
    weights = (scores - top.masked_fill(~top.isfinite(), 0)).exp()
    total = weights.sum(-1, keepdim=True)
    weights = weights / total.masked_fill(total == 0, 1)
    if dropout_p:
        kept = _constant(dropout_keep.astype(q.dtype) * (1.0 / (1.0 - dropout_p) if dropout_p < 1 else 0.0), q)
        weights = weights * kept
    return weights.matmul(v)


def embedding(indices, weight, padding_idx, scale_grad_by_freq=False, sparse=False):
    """Embedding's rows of weight at the indices; the padding row's gradient is zero and scale_grad_by_freq
    divides each row's by its count in the batch, as in the fused backward (the values are unchanged)."""
    rows = weight[indices]
    if padding_idx is None and not scale_grad_by_freq:
        return rows
    xp = indices._device.xp
    flat = indices._data
    factor = xp.ones(flat.shape, weight.dtype)
    if scale_grad_by_freq:
        factor = factor / xp.maximum(xp.bincount(flat.reshape(-1), minlength=weight.shape[0]), 1)[flat]
    if padding_idx is not None:
        factor = xp.where(flat == padding_idx, 0, factor)
    factor = _constant(factor.astype(weight.dtype)[..., None], weight)
    return rows * factor + rows.detach() * (1 - factor)


def conv_transpose2d(x, w, b, stride, padding, dilation, groups, out_hw, x_axes):
    """ConvTranspose2d's output as the recorded input-gradient op of a convolution (Conv2dInputGrad, linear
    and differentiable in both x and w), on x grown with zeros as the fused forward grows it."""
    x4 = x
    for axis in sorted(x_axes or ()):
        x4 = x4.unsqueeze(axis)
    y_shape = (x4.shape[0], w.shape[1] * groups) + tuple(out_hw)
    grown = _covering(np, np.empty((1, 1) + tuple(x4.shape[2:]), np.bool_), y_shape, w.shape, stride, padding,
                      dilation).shape[2:]
    if tuple(grown) != tuple(x4.shape[2:]):
        x4 = pad(x4, ((0, 0), (0, 0), (0, grown[0] - x4.shape[2]), (0, grown[1] - x4.shape[3])))
    y = Conv2dInputGrad.apply(x4, w, y_shape, stride, padding, dilation, groups)
    if b is not None:
        y = y + b.reshape(-1, 1, 1)
    for axis in sorted(x_axes or (), reverse=True):
        y = y.squeeze(axis)
    return y


def recurrence(x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, reverse, held=None):
    """One recurrent layer direction over x (T, B, I), step by step -> (ys, h_n[, c_n]). An LSTM's held steps
    (a packed batch's padding) saturate the input and forget gates at -inf and +inf, as the fused forward
    does, so that those rows keep c and pass its gradient through unchanged."""
    gx = x.matmul(w_ih.transpose(0, 1))
    if b_ih is not None:
        gx = gx + b_ih
    if held is not None:
        xp, hidden = x._device.xp, w_hh.shape[1]
        hold = xp.asarray(held._data if isinstance(held, Tensor) else held)[:, :, None]
        column = xp.arange(gx.shape[2])
        gx = gx.masked_fill(_constant(hold & (column < hidden), x), -np.inf)
        gx = gx.masked_fill(_constant(hold & (column >= hidden) & (column < 2 * hidden), x), np.inf)
    zeros = np.zeros((x.shape[1], w_hh.shape[1]), x.dtype)
    h = _constant(zeros, x) if h0 is None else h0
    c = (_constant(zeros, x) if c0 is None else c0) if mode == "lstm" else None
    outs = [None] * x.shape[0]
    for t in (reversed(range(x.shape[0])) if reverse else range(x.shape[0])):
        h, c = _step(mode, gx[t], h, c, w_hh, b_hh)
        outs[t] = h
    ys = stack(outs)
    return (ys, h, c) if mode == "lstm" else (ys, h)


def cell(gates_x, h_prev, c_prev, w_hh, b_hh, mode):
    """One step of a recurrent cell (Cell's op) -> (h, c) for LSTM, else h."""
    h, c = _step(mode, gates_x, h_prev, c_prev, w_hh, b_hh)
    return (h, c) if mode == "lstm" else h


def _step(mode, gx, h, c, w_hh, b_hh):
    """(h, c) after one step from the input part gx of the pre-activations, in PyTorch's gate order (LSTM i, f,
    g, o; GRU r, z, n with b_hh inside n's reset product)."""
    hidden = w_hh.shape[1]
    gh = h.matmul(w_hh.transpose(0, 1))
    if b_hh is not None:
        gh = gh + b_hh
    if mode == "gru":
        r = (gx[:, :hidden] + gh[:, :hidden]).sigmoid()
        z = (gx[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden]).sigmoid()
        n = (gx[:, 2 * hidden:] + r * gh[:, 2 * hidden:]).tanh()
        return (1 - z) * n + z * h, None
    g = gx + gh
    if mode == "lstm":
        c = g[:, hidden:2 * hidden].sigmoid() * c + g[:, :hidden].sigmoid() * g[:, 2 * hidden:3 * hidden].tanh()
        return g[:, 3 * hidden:].sigmoid() * c.tanh(), c
    return (g.tanh() if mode == "rnn_tanh" else g.relu()), None


def gelu_grad(xp, x, y, gy):
    """Exact GELU's input gradient as recorded ops (create_graph): d/dx x Phi(x) = Phi(x) + x phi(x), Phi the
    standard normal's distribution function and phi its density."""
    return gy * (0.5 * (1.0 + erf(x * _SQRT_HALF)) + x * (xp.exp(-0.5 * x * x) * _INV_SQRT_2PI))


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

activation._GRAPH_GRADS["gelu"] = gelu_grad
BatchNorm.composed = staticmethod(batch_norm)
ConvTranspose2d.composed = staticmethod(conv_transpose2d)
Recurrence.composed = staticmethod(recurrence)
Cell.composed = staticmethod(cell)
ScaledDotProductAttention.composed = staticmethod(attention)
Embedding.composed = staticmethod(embedding)
AvgPool2d.composed = AdaptiveAvgPool2d.composed = Resample.composed = LINEAR
CrossEntropy.composed = staticmethod(cross_entropy)
MaxPool2d.composed = staticmethod(max_pool2d)
