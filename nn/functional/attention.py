"""Scaled dot-product attention (PyTorch's F.scaled_dot_product_attention): checks, then one fused node."""
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.function import named
from autograd.ops.attention import ScaledDotProductAttention
from autograd import autocast_state as autocast
from autograd.errors import ArgumentRangeError, DtypeError, ShapeError
from autograd.nested_dispatch import nested_dispatch

from ..attention import sdpa_backends

_OP = "scaled_dot_product_attention"


@nested_dispatch(operands=3)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value over the last two dimensions, batch dimensions broadcast.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). `attn_mask` broadcasts to
    (..., L, S): a bool mask marks the pairs that take part (True), a float mask is added to the scores.
    `is_causal` lets query i see keys 0..i only; with an attn_mask too only where PyTorch's CPU flash kernel
    takes both (4-d inputs, no dropout, value with the query's head size), refused otherwise. `dropout_p`
    drops attention probabilities (pass 0 outside training). `scale` defaults to 1 / sqrt(E). `enable_gqa` lets key and
    value have fewer heads (dimension -3) than query, each shared by a group of query heads.
    Rows with every key masked give zeros. The fused node has no second derivative: for higher-order
    gradients compose softmax(query @ key.swapaxes(-1, -2) * scale + mask) @ value from differentiable ops.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("scaled_dot_product_attention", scaled_dot_product_attention, query, key, value, attn_mask,
                            dropout_p, is_causal, scale, enable_gqa)
    _check(query, key, value, attn_mask, dropout_p, is_causal)
    dropout_p = max(float(dropout_p), 0.0)
    if sdpa_backends.restricted:   # inside nn.attention.sdpa_kernel: refuse what the allowed kernels cannot run
        sdpa_backends.check_allowed(query, key, value, attn_mask, dropout_p, enable_gqa)
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    if attn_mask is not None and attn_mask.ndim < 2:
        attn_mask = attn_mask.reshape((1,) * (2 - attn_mask.ndim) + attn_mask.shape)
    if attn_mask is not None and is_causal:   # PyTorch's CPU flash kernel (_check let it through) applies both
        attn_mask, is_causal = _within_causal(attn_mask, query.shape[-2], key.shape[-2]), False
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        out = _grouped(query, key, value, attn_mask, float(dropout_p), bool(is_causal), float(scale))
    else:
        out = ScaledDotProductAttention.apply(query, key, value, attn_mask, float(dropout_p), bool(is_causal),
                                              float(scale))
    return named(out, _cpu_node_name(query, value, dropout_p)) if out.device.host_memory else out


def _cpu_flash(query, value, dropout_p):
    """Whether PyTorch's CPU dispatch runs its flash kernel: 4-d inputs without dropout whose value has the query's
    head size, unless sdpa_kernel leaves it out (else the unfused math path)."""
    if sdpa_backends.restricted and not sdpa_backends.flash_allowed():
        return False
    return query.ndim == 4 and max(float(dropout_p), 0.0) == 0 and value.shape[-1] == query.shape[-1]


def _cpu_node_name(query, value, dropout_p):
    """The grad_fn name PyTorch's CPU dispatch shows: its flash kernel's node, else the math path's last op, a
    reshape."""
    return "ScaledDotProductFlashAttentionForCpuBackward0" if _cpu_flash(query, value, dropout_p) else \
        "UnsafeViewBackward0"


def _within_causal(attn_mask, queries, keys):
    """attn_mask kept only where query i may see key j <= i (a bool mask: False elsewhere; a float one: -inf)."""
    causal = ag.ones((queries, keys), dtype=ag.bool_, device=attn_mask.device).tril()
    if attn_mask.dtype == np.bool_:
        return attn_mask & causal
    return ag.where(causal, attn_mask, float("-inf"))


def _grouped(query, key, value, attn_mask, dropout_p, is_causal, scale):
    """Grouped-query attention: query heads h*G .. h*G+G-1 share key/value head h (PyTorch's repeat_interleave)."""
    hq, hk = query.shape[-3], key.shape[-3]
    if value.shape[-3] != hk or hq % hk:
        raise ShapeError(f"{_OP}: Number of heads in key and value must divide the number of heads in query: with "
                         f"enable_gqa the key and value head counts (dimension -3: key {hk}, value {value.shape[-3]}) "
                         f"must be equal and divide the query's ({hq}); use a key/value head count that divides {hq}")
    group = hq // hk
    split = lambda t, heads: t.reshape(t.shape[:-3] + (heads, group if heads == hk else 1) + t.shape[-2:])
    q = split(query, hk)
    k = key.reshape(key.shape[:-3] + (hk, 1) + key.shape[-2:])
    v = value.reshape(value.shape[:-3] + (hk, 1) + value.shape[-2:])
    mask = attn_mask
    if mask is not None:
        mask = mask.reshape((1,) * (query.ndim - mask.ndim) + mask.shape) if mask.ndim < query.ndim else mask
        heads = mask.shape[-3]
        mask = mask.reshape(mask.shape[:-3] + ((hk, group) if heads == hq else (1, 1)) + mask.shape[-2:])
    out = ScaledDotProductAttention.apply(q, k, v, mask, dropout_p, is_causal, scale)
    return out.reshape(out.shape[:-4] + (hq,) + out.shape[-2:])


def _shapes(tensors):
    """'query (..), key (..), value (..)' for a message (built only when one is raised)."""
    return ", ".join(f"{n} {tuple(t.shape)}" for n, t in tensors.items())


def _check(query, key, value, attn_mask, dropout_p, is_causal):
    tensors = {"query": query, "key": key, "value": value}
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"{_OP}: {name} must be a Tensor, got {type(t).__name__}")
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ShapeError(f"{_OP}: query, key and value need at least 2 dimensions (..., sequence, features); "
                         f"got {_shapes(tensors)}; add a sequence dimension with unsqueeze")
    if query.dtype.kind not in "fV" or not query.dtype == key.dtype == value.dtype:   # 'V': bfloat16
        raise DtypeError(f"{_OP}: query, key and value must share one float dtype, got {query.dtype}, {key.dtype} "
                         f"and {value.dtype}; convert them with .to(dtype)")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ShapeError(f"{_OP}: got {_shapes(tensors)}; query and key need the same feature size (last "
                         "dimension) and key and value the same sequence length (dimension -2)")
    if dropout_p > 1.0:   # a negative p means no dropout, as PyTorch's math path reads it
        raise ArgumentRangeError(f"{_OP}: dropout_p must be a probability in [0, 1], got {dropout_p}")
    if attn_mask is None:
        return
    if not isinstance(attn_mask, Tensor):
        raise TypeError(f"{_OP}: attn_mask must be a Tensor or None, got {type(attn_mask).__name__}")
    if is_causal and not (query.device.host_memory and _cpu_flash(query, value, dropout_p)):
        raise ArgumentRangeError(f"{_OP}: pass either attn_mask or is_causal=True, not both (attn_mask shape "
                                 f"{tuple(attn_mask.shape)}); fold the causal pattern into the mask if you need "
                                 "both")
    if attn_mask.dtype != np.bool_ and attn_mask.dtype not in (query.dtype, np.dtype(np.float32)):
        raise DtypeError(f"{_OP}: attn_mask must be bool (True = take part) or float (added to the scores) of the "
                         f"query's dtype {query.dtype}, got {attn_mask.dtype}")
