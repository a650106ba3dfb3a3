"""PyTorch's torch.native_* forms of the normalisations and dropout, which return the statistics (or the mask)
beside the output: native_layer_norm, native_batch_norm, native_group_norm -> (output, mean, 1/std) and
native_dropout -> (output, mask). The output is nn.functional's (with its gradient); the companions carry no
gradient, as in PyTorch. Installed onto autograd by nn.torch_forms."""
import numpy as np

import autograd as ag
from autograd.ops.dims import check_tensor

from . import functional as F


def _rstd(var, eps):
    return 1.0 / ag.sqrt(var + eps)


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """torch.native_layer_norm: (layer_norm's output, the mean and 1/std over the normalized dims, each of
    shape input.shape[:-len(normalized_shape)] + (1,) * len(normalized_shape))."""
    check_tensor("native_layer_norm", input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    out = F.layer_norm(input, shape, weight, bias, eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    with ag.no_grad():
        x = input.detach()
        mean = x.mean(dim=dims, keepdim=True)
        rstd = _rstd(x.var(dim=dims, keepdim=True, unbiased=False), eps)
    return out, mean, rstd


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """torch.native_batch_norm: (batch_norm's output, the batch mean and 1/std per channel in training, else two
    empty tensors); the running statistics move as F.batch_norm moves them."""
    check_tensor("native_batch_norm", input)
    out = F.batch_norm(input, running_mean, running_var, weight=weight, bias=bias, training=training,
                       momentum=momentum, eps=eps)
    if not training:
        empty = ag.zeros(0, dtype=input.dtype, device=input.device)
        return out, empty, empty.clone()
    dims = (0,) + tuple(range(2, input.ndim))
    with ag.no_grad():
        x = input.detach()
        return out, x.mean(dim=dims), _rstd(x.var(dim=dims, unbiased=False), eps)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """torch.native_group_norm: (group_norm's output, the mean and 1/std of each (sample, group), shape
    (N, group)); N, C and HxW describe input as (N, C, HxW)."""
    check_tensor("native_group_norm", input)
    if input.numel() != N * C * HxW or (input.ndim > 1 and input.shape[:2] != (N, C)):
        raise RuntimeError(f"native_group_norm: N={N}, C={C}, HxW={HxW} do not describe an input of shape "
                           f"{tuple(input.shape)}")
    out = F.group_norm(input, group, weight, bias, eps)
    with ag.no_grad():
        grouped = input.detach().reshape(N, group, -1)
        return out, grouped.mean(dim=-1), _rstd(grouped.var(dim=-1, unbiased=False), eps)


def native_dropout(input, p, train):
    """torch.native_dropout: (output, keep mask as bools); in training (train True or None) each element is
    zeroed with probability p and the rest scaled by 1 / (1 - p); otherwise a copy and an all-True mask."""
    check_tensor("native_dropout", input)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"native_dropout: p must be a probability in [0, 1], got {p}")
    if train is False:
        return input.clone(), ag.ones(*input.shape, dtype=ag.bool_, device=input.device)
    keep = (ag.bernoulli(ag.empty(*input.shape, device=input.device), 1.0 - p).astype(ag.bool_) if p < 1
            else ag.zeros(*input.shape, dtype=ag.bool_, device=input.device))
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return input * (keep.to(input.dtype) * np.asarray(scale, dtype=input.dtype).item()), keep


FUNCTIONS = (native_layer_norm, native_batch_norm, native_group_norm, native_dropout)
