"""Multi-head attention (PyTorch's F.multi_head_attention_forward), composed of differentiable ops.

Heads live as (N, H, L, head_dim) arrays between the projections; the attention itself is the fused
scaled_dot_product_attention node unless the caller asks for the weights (need_weights=True), which
are then computed explicitly, as PyTorch does: softmax, dropout, product with the values.
"""
import math
from typing import NamedTuple, Optional

import numpy as np

import autograd as ag
from autograd import Tensor

from .activation import softmax
from .attention import scaled_dot_product_attention
from .dropout import dropout
from .linear import linear
from autograd.errors import ArgumentError, ArgumentRangeError, ArgumentTypeError, DtypeError, ShapeError

_OP = "multi_head_attention_forward"


class Projections(NamedTuple):
    """The weights of one attention layer, split per role (views of packed weights where packed)."""

    q_weight: Tensor
    k_weight: Tensor
    v_weight: Tensor
    q_bias: Optional[Tensor]
    k_bias: Optional[Tensor]
    v_bias: Optional[Tensor]
    out_weight: Tensor
    out_bias: Optional[Tensor]
    bias_k: Optional[Tensor] = None
    bias_v: Optional[Tensor] = None


def projections(embed_dim, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, bias_k=None, bias_v=None,
                q_proj_weight=None, k_proj_weight=None, v_proj_weight=None):
    """Projections from PyTorch's packed (in_proj_weight (3E, E)) or separate (q/k/v_proj_weight) layout."""
    if q_proj_weight is None:
        if in_proj_weight is None:
            raise ValueError(f"{_OP}: give in_proj_weight, or q/k/v_proj_weight with use_separate_proj_weight=True")
        e = embed_dim
        q_proj_weight, k_proj_weight, v_proj_weight = (in_proj_weight[:e], in_proj_weight[e:2 * e],
                                                       in_proj_weight[2 * e:])
    elif k_proj_weight is None or v_proj_weight is None:
        raise ValueError(f"{_OP}: separate projections need q_proj_weight, k_proj_weight and v_proj_weight")
    biases = (None, None, None) if in_proj_bias is None else (
        in_proj_bias[:embed_dim], in_proj_bias[embed_dim:2 * embed_dim], in_proj_bias[2 * embed_dim:])
    return Projections(q_proj_weight, k_proj_weight, v_proj_weight, *biases, out_proj_weight, out_proj_bias,
                       bias_k, bias_v)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention over sequence-first inputs (L, N, E) (or unbatched (L, E)), PyTorch's arguments.

    Returns (output (L, N, E), weights (N, L, S) averaged over heads or (N, H, L, S); None unless
    need_weights). Masks: key_padding_mask (N, S), True = ignore that key; attn_mask (L, S) or
    (N * num_heads, L, S), True = not allowed; float masks are added to the scores.
    """
    if query.shape[-1] != embed_dim_to_check:
        raise ValueError(f"{_OP}: expected query with embedding dimension {embed_dim_to_check}, got shape "
                         f"{tuple(query.shape)}")
    if use_separate_proj_weight:
        proj = projections(embed_dim_to_check, None, in_proj_bias, out_proj_weight, out_proj_bias, bias_k, bias_v,
                           q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        proj = projections(embed_dim_to_check, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias,
                           bias_k, bias_v)
    return attend(query, key, value, num_heads, proj, batch_first=False, dropout_p=dropout_p if training else 0.0,
                  add_zero_attn=add_zero_attn, key_padding_mask=key_padding_mask, need_weights=need_weights,
                  attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal,
                  static_k=static_k, static_v=static_v)


def attend(query, key, value, num_heads, proj, batch_first=False, dropout_p=0.0, add_zero_attn=False,
           key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False,
           static_k=None, static_v=None):
    """Multi-head attention on (L, N, E) inputs, or (N, L, E) when batch_first, or unbatched (L, E).

    `proj` holds the weights (see `projections`); `dropout_p` applies as given (0 outside training).
    Returns (output, weights or None) as multi_head_attention_forward.
    """
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        batch_first = False
    seq, batch = (1, 0) if batch_first else (0, 1)
    n, l, e = query.shape[batch], query.shape[seq], query.shape[-1]
    s = key.shape[seq]
    if key.shape[batch] != n:
        layout = "(N, L, E) with batch_first=True" if batch_first else "(L, N, E)"
        raise ShapeError(f"{_OP}: query {tuple(query.shape)} and key {tuple(key.shape)} have different batch sizes "
                         f"({n} and {key.shape[batch]}) in the {layout} layout; give them the same batch (or check "
                         f"batch_first)")
    if is_causal and attn_mask is None:
        raise ArgumentRangeError(f"{_OP}: is_causal=True is a hint that attn_mask is the causal mask, so it needs attn_mask; "
                         "make one with nn.Transformer.generate_square_subsequent_mask(L)")
    _check_masks(key_padding_mask, attn_mask, n, l, s, num_heads, query.dtype)
    # shapes spelled out (no -1): empty batches reshape too
    heads = lambda t, rows: _split_heads(linear(t.reshape(t.shape[0] * t.shape[1], t.shape[2]), *rows), t.shape[:2],
                                         num_heads, seq)
    q = heads(query, (proj.q_weight, proj.q_bias))
    k = heads(key, (proj.k_weight, proj.k_bias)) if static_k is None else _static(static_k, n, num_heads, "static_k")
    v = heads(value, (proj.v_weight, proj.v_bias)) if static_v is None else _static(static_v, n, num_heads, "static_v")
    # attn_mask as (1 or N, 1 or H, L, S) and key_padding_mask as (N, 1, 1, S), both PyTorch's meaning still
    if attn_mask is not None:
        attn_mask = attn_mask.reshape((1, 1) + attn_mask.shape) if attn_mask.ndim == 2 else attn_mask.reshape(
            (n, num_heads) + attn_mask.shape[1:])
    if key_padding_mask is not None:
        key_padding_mask = key_padding_mask.reshape((n, 1, 1, s))
    extra = []
    if proj.bias_k is not None:
        if proj.bias_v is None:
            raise ValueError(f"{_OP}: bias_k is given but bias_v is None; give both or neither")
        extra.append((proj.bias_k, proj.bias_v))
    if add_zero_attn:
        zeros = ag.zeros((1, 1, e), dtype=q.dtype, device=q.device)
        extra.append((zeros, zeros))
    for extra_k, extra_v in extra:   # one more key and value per (batch, head), never masked
        k, v = _append_position(k, extra_k, num_heads), _append_position(v, extra_v, num_heads)
        attn_mask = None if attn_mask is None else _pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_last(key_padding_mask)
    causal = is_causal and key_padding_mask is None and not need_weights
    mask = None if causal else _merge(attn_mask, key_padding_mask, q.dtype)
    if need_weights:
        out, weights = _explicit(q, k, v, mask, dropout_p)
    else:
        out, weights = scaled_dot_product_attention(q, k, v, mask, dropout_p, causal), None
    # (L, N, E) in memory whatever the layout, as PyTorch: batch_first gets a transposed view of it, whose
    # strides decide the order a following dropout draws its mask in
    out = linear(out.permute(2, 0, 1, 3).reshape(l * n, e), proj.out_weight, proj.out_bias)
    out = out.reshape(l, n, out.shape[-1])
    if seq == 1:
        out = out.transpose(0, 1)
    if weights is not None and average_attn_weights:
        weights = weights.mean(axis=1)
    if not batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights


def _split_heads(t, lead, num_heads, seq):
    """(A, B, E) rows as (N, H, L, head_dim), where the sequence is axis `seq` of (A, B)."""
    t = t.reshape(tuple(lead) + (num_heads, t.shape[-1] // num_heads))
    return t.permute((1, 2, 0, 3) if seq == 0 else (0, 2, 1, 3))


def _append_position(t, extra, num_heads):
    """(N, H, S, head_dim) heads with one more position: `extra` (1, 1, E), the same for every batch entry."""
    extra = ag.broadcast_to(_split_heads(extra, (1, 1), num_heads, 0), t.shape[:2] + (1, t.shape[3]))
    return ag.concatenate([t, extra], axis=2)


def _static(t, n, num_heads, name):
    if t.ndim != 3 or t.shape[0] != n * num_heads:
        raise ValueError(f"{_OP}: {name} must have shape (N * num_heads, S, head_dim) = ({n * num_heads}, S, "
                         f"head_dim), got {tuple(t.shape)}")
    return t.reshape((n, num_heads) + t.shape[1:])


def _pad_last(mask):
    """One more key column that always takes part: False (bool, PyTorch's 'not masked') or 0 (float)."""
    column = ag.zeros(mask.shape[:-1] + (1,), dtype=mask.dtype, device=mask.device)
    return ag.concatenate([mask, column], axis=-1)


def _merge(attn_mask, key_padding_mask, dtype):
    """The masks merged in scaled_dot_product_attention's meaning: a bool mask of the pairs that take part
    when both are bool (or one is absent), else one additive float mask (True entries as -inf)."""
    masks = [m for m in (attn_mask, key_padding_mask) if m is not None]
    if not masks:
        return None
    if all(m.dtype == np.bool_ for m in masks):
        blocked = masks[0] if len(masks) == 1 else ag.logical_or(*masks)
        return ag.logical_not(blocked)
    floats = [_additive(m, dtype) for m in masks]
    return floats[0] if len(floats) == 1 else floats[0] + floats[1]


def _additive(mask, dtype):
    if mask.dtype != np.bool_:
        return mask if mask.dtype == dtype else mask.to(dtype)
    # an op, not a raw array: ag.jit then recomputes it from each replay's mask (a padding mask changes
    # with every batch)
    additive = ag.where(mask, float("-inf"), 0.0)
    return additive if additive.dtype == dtype else additive.to(dtype)


def _explicit(q, k, v, mask, dropout_p):
    """Attention with its weights materialised (N, H, L, S), for need_weights=True (PyTorch's formula)."""
    scores = (q * (1.0 / math.sqrt(q.shape[-1]))) @ k.swapaxes(-1, -2)
    if mask is not None:
        scores = scores + _additive(mask if mask.dtype != np.bool_ else ag.logical_not(mask), scores.dtype)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights @ v, weights


def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads):
    """True for batched (3-D) inputs, False for unbatched (2-D); a clear error for anything else."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{_OP}: {name} must be a Tensor, got {type(t).__name__}")
    dims = (query.ndim, key.ndim, value.ndim)
    if dims not in ((3, 3, 3), (2, 2, 2)):
        raise ArgumentError(f"{_OP}: query, key and value must all be 3-D (batched) or all 2-D (unbatched), got shapes "
                         f"{tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}")
    batched = query.ndim == 3
    if key.shape[:-1] != value.shape[:-1]:
        raise ArgumentError(f"{_OP}: key {tuple(key.shape)} and value {tuple(value.shape)} must agree in sequence "
                            "length and batch size")
    if key_padding_mask is not None and key_padding_mask.ndim != (2 if batched else 1):
        raise ArgumentError(f"{_OP}: key_padding_mask must be {'(N, S)' if batched else '(S,)'} for "
                         f"{'batched' if batched else 'unbatched'} inputs, got shape {tuple(key_padding_mask.shape)}")
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise ArgumentError(f"{_OP}: for {'batched (3-D)' if batched else 'unbatched (2-D)'} query, attn_mask must be "
                            f"2-D (L, S) or 3-D (N * num_heads, L, S), got shape {tuple(attn_mask.shape)}; drop the "
                            "extra dims (mask.reshape(L, S)) or fold the batch into them")
    return batched


def _check_masks(key_padding_mask, attn_mask, n, l, s, num_heads, dtype):
    for name, m in (("key_padding_mask", key_padding_mask), ("attn_mask", attn_mask)):
        if m is not None and m.dtype != np.bool_ and m.dtype.kind != "f":
            raise ArgumentTypeError(f"{_OP}: {name} must be bool (True = masked) or float (added), got {m.dtype} "
                                    f"(shape {tuple(m.shape)}); convert it: {name}.bool()")
        if m is not None and m.dtype.kind == "f" and m.dtype not in (dtype, np.dtype(np.float32)):
            raise DtypeError(f"{_OP}: {name} is {m.dtype} but the query is {dtype}; a float mask is added to the "
                             f"scores, so it must be float32 or the query's dtype: pass {name}.to({dtype}) (or a "
                             "bool mask)")
    if key_padding_mask is not None and tuple(key_padding_mask.shape) != (n, s):
        raise ArgumentError(f"{_OP}: key_padding_mask must have shape (N, S) = ({n}, {s}), got "
                            f"{tuple(key_padding_mask.shape)}")
    if attn_mask is not None:
        want = (l, s) if attn_mask.ndim == 2 else (n * num_heads, l, s)
        if tuple(attn_mask.shape) != want:
            raise ShapeError(f"{_OP}: the {attn_mask.ndim}-D attn_mask must have shape {want}, got "
                             f"{tuple(attn_mask.shape)}")
