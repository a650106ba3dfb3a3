"""The torch.* spellings of layer functions whose top-level signature differs from nn.functional's:
torch.batch_norm / instance_norm (weight and bias before the running statistics, every argument required),
torch.layer_norm / group_norm (a trailing cudnn flag), torch.embedding_bag (weight first, an int mode, four
outputs), torch.constant_pad_nd, torch.max_pool1d_with_indices, the one-step recurrent cells that take the
input and both weights, and the feature / alpha dropouts with a positional `train` flag and their in-place
forms. Installed onto autograd by nn.torch_forms."""
import numbers

import numpy as np

import autograd as ag
from autograd.methods_inplace import inplace

from . import functional as F
from .functional.channel_dropout import _feature_dropout
from .functional.sample_norm import native_group_norm, native_instance_norm


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """torch.batch_norm: F.batch_norm with weight and bias first and every argument required."""
    return F.batch_norm(input, running_mean, running_var, weight=weight, bias=bias, training=training,
                        momentum=momentum, eps=eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """torch.instance_norm: F.instance_norm with weight and bias first, every argument required, and one spatial
    position allowed."""
    return native_instance_norm(input, running_mean, running_var, weight=weight, bias=bias,
                                use_input_stats=use_input_stats, momentum=momentum, eps=eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """torch.layer_norm: F.layer_norm, with PyTorch's (ignored) cudnn_enable flag."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """torch.group_norm: F.group_norm, with PyTorch's (ignored) cudnn_enabled flag and one value per group allowed."""
    return native_group_norm(input, num_groups, weight, bias, eps)


def constant_pad_nd(input, pad, value=0):
    """torch.constant_pad_nd: input padded with `value` by `pad` (pairs from the last dim backwards; negative
    amounts crop), as F.pad's constant mode."""
    return F.pad(input, list(pad), mode="constant", value=value)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool1d_with_indices: (values, indices) of a 1-D max pooling; an empty stride means kernel_size."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        stride = None
    return F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch.lstm_cell: one LSTM step from input (B, I) and hx = (h, c), each (B, H); returns (h', c')."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"lstm_cell: hx must be a pair (h, c) of (batch, hidden) tensors, got "
                        f"{type(hx).__name__}{'' if not isinstance(hx, (tuple, list)) else f' of {len(hx)}'}")
    return tuple(F.lstm_cell(F.linear(input, w_ih, b_ih), hx[0], hx[1], w_hh, b_hh))


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch.gru_cell: one GRU step from input (B, I) and hx (B, H); returns h' (B, H)."""
    return F.gru_cell(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch.rnn_tanh_cell: tanh(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)."""
    return F.rnn_tanh_cell(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch.rnn_relu_cell: relu(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)."""
    return F.rnn_relu_cell(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def feature_dropout(input, p, train):
    """torch.feature_dropout: in training, zero each (sample, channel) slice of an input of >= 2 dims with
    probability p and scale the rest by 1 / (1 - p); otherwise the input itself."""
    if getattr(input, "ndim", 2) < 2:
        raise RuntimeError(f"feature_dropout: needs an input of at least 2 dims (batch, channels, ...), got shape "
                           f"{tuple(input.shape)}")
    return _feature_dropout(input, p, train, "feature_dropout")


def _alpha_dropout(input, p, train):
    return F.alpha_dropout(input, p, training=train)


def _feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, training=train)


feature_dropout_ = inplace(feature_dropout, "feature_dropout_")
alpha_dropout_ = inplace(_alpha_dropout, "alpha_dropout_")
feature_alpha_dropout_ = inplace(_feature_alpha_dropout, "feature_alpha_dropout_")

_MODES = ("sum", "mean", "max")


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """torch.embedding_bag: (output, offset2bag, bag_size, max_indices) for the bags of 1-D `indices` that start
    at `offsets`; mode 0 sums, 1 averages, 2 takes the max of each bag's rows of `weight` (output is
    F.embedding_bag's). The three int64 companions are PyTorch's: each index's bag (empty for a sum without
    padding_idx on float32 rows), each bag's count of non-padding indices (zeros for a sum), and for max the
    row that won each (bag, feature), else the bag sizes again."""
    if isinstance(mode, bool) or not isinstance(mode, numbers.Integral) or not 0 <= mode < 3:
        raise ValueError(f"embedding_bag: mode must be 0 (sum), 1 (mean) or 2 (max), got {mode!r}")
    for name, t in (("indices", indices), ("offsets", offsets)):
        if not isinstance(t, ag.Tensor) or t.ndim != 1 or t.dtype.kind not in "iu":
            raise TypeError(f"embedding_bag: {name} must be a 1-D integer tensor, got "
                            f"{getattr(t, 'shape', type(t).__name__)}; for a 2-D (bags, length) input use "
                            "nn.functional.embedding_bag")
    output = F.embedding_bag(indices, weight, offsets, scale_grad_by_freq=scale_grad_by_freq, mode=_MODES[mode],
                             sparse=sparse, per_sample_weights=per_sample_weights,
                             include_last_offset=include_last_offset, padding_idx=padding_idx)
    idx, bounds = indices.numpy().astype(np.int64), offsets.numpy().astype(np.int64)
    bags = output.shape[0]
    starts = bounds[:bags]
    bag_of = np.searchsorted(starts, np.arange(idx.size), side="right") - 1
    kept = np.ones(idx.size, bool) if padding_idx is None else idx != padding_idx % weight.shape[0]
    # PyTorch's summing fast path (float32/float16 rows, no padding_idx) leaves offset2bag empty
    fast_sum = mode == 0 and padding_idx is None and weight.dtype in (np.float32, np.float16)
    offset2bag = np.zeros(0, np.int64) if fast_sum else bag_of
    bag_size = np.zeros(bags, np.int64)
    if mode:
        np.add.at(bag_size, bag_of[kept], 1)
    if mode == 2:
        rows = weight.detach().numpy()[idx]
        max_indices = np.zeros((bags, weight.shape[1]), np.int64)
        for b in range(bags):
            mine = np.flatnonzero((bag_of == b) & kept)
            if mine.size:
                max_indices[b] = idx[mine[np.argmax(rows[mine], axis=0)]]
    else:
        max_indices = bag_size.copy()
    device = output.device
    return (output,) + tuple(ag.tensor(a.astype(np.int64), device=device) for a in (offset2bag, bag_size,
                                                                                       max_indices))


FUNCTIONS = (batch_norm, instance_norm, layer_norm, group_norm, constant_pad_nd, max_pool1d_with_indices, lstm_cell,
             gru_cell, rnn_tanh_cell, rnn_relu_cell, feature_dropout, feature_dropout_, alpha_dropout_,
             feature_alpha_dropout_, embedding_bag)
