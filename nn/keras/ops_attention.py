"""keras.ops.dot_product_attention: softmax(q k^T * scale + bias, masked) v on Keras's (batch, length, heads,
head_dim) layout, with grouped key/value heads, a causal mask and an optional logits soft cap. Differentiable in
query, key, value and bias."""
import math

import numpy as np

import autograd as ag
from autograd.errors import ShapeError

from .. import functional as F
from .ops_args import _float, _t


def _heads_first(x):
    return ag.permute(x, (0, 2, 1, 3))


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention. query (B, T, N, H), key and value (B, S, K, H) with N a multiple of K (4-D
    only, as Keras); `bias` adds to and boolean `mask` (False = masked) limits the (B, N, T, S) logits; `scale`
    defaults to 1 / sqrt(H); `attn_logits_soft_cap` c maps logits to c * tanh(logits / c) before bias and mask.
    Returns (B, T, N, H). flash_attention=True is refused (there is no flash kernel here)."""
    q, k, v = _float(query), _float(key), _float(value)
    if flash_attention:
        raise ValueError("keras.ops.dot_product_attention: flash_attention=True is not available in deepgrad; "
                         "pass None or False")
    if bias is not None and mask is not None:
        raise ValueError("keras.ops.dot_product_attention: pass only one of bias and mask, not both")
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(f"keras.ops.dot_product_attention: only 4-D inputs are supported: query, key and value must "
                         f"be (batch, length, heads, head_dim); got shapes {tuple(query.shape)}, {tuple(key.shape)}, "
                         f"{tuple(value.shape)}; add a batch axis with x[None]")
    heads, kv_heads = q.shape[2], k.shape[2]
    if heads % kv_heads or tuple(k.shape) != tuple(v.shape[:3]) + (k.shape[3],) or q.shape[3] != k.shape[3]:
        raise ShapeError(f"keras.ops.dot_product_attention: shapes do not fit: query {tuple(q.shape)}, key "
                         f"{tuple(k.shape)}, value {tuple(v.shape)} (query heads must be a multiple of key heads, "
                         f"key and value must share batch, length and heads)")
    q, k, v = _heads_first(q), _heads_first(k), _heads_first(v)
    if heads != kv_heads:
        k = ag.repeat_interleave(k, heads // kv_heads, dim=1)
        v = ag.repeat_interleave(v, heads // kv_heads, dim=1)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    logits = ag.matmul(q, k.transpose(-1, -2)) * scale
    if attn_logits_soft_cap is not None:
        logits = ag.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    if bias is not None:
        logits = logits + _t(bias).astype(logits.dtype)
    keep = None if mask is None else _t(mask).astype(np.bool_)
    if is_causal:
        causal = ag.tensor(np.tril(np.ones((logits.shape[-2], logits.shape[-1]), np.bool_)))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        # a large finite value (not -inf) so that a fully masked row averages the values, as Keras does
        logits = ag.where(keep, logits, float(np.finfo(np.float32).min) * 0.7)
    return _heads_first(ag.matmul(F.softmax(logits, dim=-1), v))
