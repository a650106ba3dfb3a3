"""torch.nn.attention.flex_attention: attention with a user's score_mod and a mask built from a mask_mod.

deepgrad computes it densely (the math form PyTorch's eager mode also falls back to): the scores
query @ key^T * scale of shape (B, H, L, S) go through score_mod(score, b, h, q_idx, kv_idx) once, with the
four indices as broadcasting int64 tensors of shapes (B,1,1,1), (1,H,1,1), (1,1,L,1) and (1,1,1,S), so any
score_mod written with elementwise tensor ops (+, *, where, indexing a bias table) works as under PyTorch's
vmap; a mask_mod is evaluated the same way. Rows whose every key is masked out give zeros (lse -inf).
"""
import math

import autograd as ag
from autograd import Tensor

_OP = "flex_attention"


def noop_mask(b, h, q_idx, kv_idx):
    """The mask_mod that keeps every (query, key) pair."""
    return ag.ones((), dtype=ag.bool_)


def and_masks(*mask_mods):
    """A mask_mod keeping the pairs every one of `mask_mods` keeps."""
    def mask(b, h, q_idx, kv_idx):
        out = ag.ones((), dtype=ag.bool_)
        for m in mask_mods:
            out = out & m(b, h, q_idx, kv_idx)
        return out
    return mask


def or_masks(*mask_mods):
    """A mask_mod keeping the pairs any one of `mask_mods` keeps."""
    def mask(b, h, q_idx, kv_idx):
        out = ag.zeros((), dtype=ag.bool_)
        for m in mask_mods:
            out = out | m(b, h, q_idx, kv_idx)
        return out
    return mask


def _indices(B, H, L, S, device):
    return (ag.arange(B, device=device).reshape(B, 1, 1, 1), ag.arange(H, device=device).reshape(1, H, 1, 1),
            ag.arange(L, device=device).reshape(1, 1, L, 1), ag.arange(S, device=device).reshape(1, 1, 1, S))


class BlockMask:
    """Which (batch, head, query, key) pairs attend, from a mask_mod (made by create_block_mask). deepgrad keeps
    the dense boolean mask of shape (B, H, Q_LEN, KV_LEN) (B or H is 1 when given as None)."""

    def __init__(self, mask_mod, B, H, Q_LEN, KV_LEN, BLOCK_SIZE, device=None):
        self.mask_mod = mask_mod
        self.seq_lengths = (Q_LEN, KV_LEN)
        self.BLOCK_SIZE = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else tuple(BLOCK_SIZE)
        b, h = (1 if B is None else B), (1 if H is None else H)
        self.shape = (b, h, Q_LEN, KV_LEN)
        keep = mask_mod(*_indices(b, h, Q_LEN, KV_LEN, device))
        if not isinstance(keep, Tensor) or keep.dtype != ag.bool_:
            raise TypeError(f"create_block_mask: mask_mod must return a bool tensor (True = attend), got "
                            f"{type(keep).__name__ if not isinstance(keep, Tensor) else keep.dtype}")
        self.dense = keep.expand(*self.shape)

    def sparsity(self):
        """The percentage of (query, key) pairs masked out."""
        return 100.0 * (1.0 - self.dense.float().mean().item())

    def __repr__(self):
        return f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%, mask_mod={self.mask_mod.__name__})"


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device="cuda", BLOCK_SIZE=128, _compile=False):
    """The BlockMask of `mask_mod(b, h, q_idx, kv_idx) -> bool` for B batches and H heads (None: the same for
    all) over Q_LEN queries and KV_LEN keys. `device` is accepted as PyTorch's; the mask is built on
    deepgrad's default device and follows the query's device at use."""
    for name, n in (("Q_LEN", Q_LEN), ("KV_LEN", KV_LEN)):
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"create_block_mask: {name} must be a non-negative int, got {n!r}")
    return BlockMask(mask_mod, B, H, Q_LEN, KV_LEN, BLOCK_SIZE)


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None):
    """softmax(score_mod(query @ key^T * scale) masked by block_mask) @ value for 4-D (B, H, L, E) query and
    (B, Hkv, S, E) key / (B, Hkv, S, Ev) value; `enable_gqa` lets Hkv divide H. Returns the output, and with
    return_lse also the log-sum-exp of the scores per query (B, H, L)."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor) or t.ndim != 4:
            what = f"shape {tuple(t.shape)}" if isinstance(t, Tensor) else type(t).__name__
            raise ValueError(f"{_OP}: {name} must be a 4-D tensor (batch, heads, sequence, features), got {what}")
    B, H, L, E = query.shape
    Hkv, S = key.shape[1], key.shape[2]
    if key.shape[-1] != E or value.shape[2] != S or value.shape[:2] != key.shape[:2] or key.shape[0] != B:
        raise ValueError(f"{_OP}: shapes do not fit: query {tuple(query.shape)}, key {tuple(key.shape)}, value "
                         f"{tuple(value.shape)}; key needs the query's batch and feature sizes, value the key's "
                         "batch, heads and sequence length")
    if Hkv != H:
        if not enable_gqa or H % Hkv:
            raise ValueError(f"{_OP}: query has {H} heads and key/value {Hkv}; pass enable_gqa=True when the "
                             "key/value heads divide the query heads")
        key, value = key.repeat_interleave(H // Hkv, dim=1), value.repeat_interleave(H // Hkv, dim=1)
    scale = 1.0 / math.sqrt(E) if scale is None else float(scale)
    scores = (query @ key.transpose(-2, -1)) * scale
    if score_mod is not None:
        scores = score_mod(scores, *_indices(B, H, L, S, query.device))
    if block_mask is not None:
        if block_mask.seq_lengths != (L, S):
            raise ValueError(f"{_OP}: the block mask was made for {block_mask.seq_lengths[0]} queries and "
                             f"{block_mask.seq_lengths[1]} keys, the inputs have {L} and {S}; make it with "
                             f"create_block_mask(..., Q_LEN={L}, KV_LEN={S})")
        keep = block_mask.dense.to(query.device)
        scores = ag.where(keep, scores, ag.tensor(float("-inf"), dtype=scores.dtype, device=query.device))
    top = scores.amax(dim=-1, keepdim=True).detach()
    top = ag.where(ag.isinf(top), ag.zeros_like(top), top)
    weights = (scores - top).exp()
    total = weights.sum(dim=-1, keepdim=True)
    out = (weights / ag.where(total == 0, ag.ones_like(total), total)) @ value
    if return_lse:
        empty = total == 0   # a fully masked row: lse -inf, without taking log(0)
        lse = ag.where(empty, ag.full_like(total, float("-inf")), ag.where(empty, ag.ones_like(total), total).log())
        return out, (lse + top).squeeze(-1)
    return out
