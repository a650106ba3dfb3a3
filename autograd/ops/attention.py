"""Scaled dot-product attention as one fused node: softmax(Q K^T * scale + mask) V.

Memory: queries are processed in blocks of rows, so the (L, S) score matrix only ever exists as a few
block-sized pieces (about BLOCK_ELEMENTS numbers each, over all batch dimensions), in forward and backward.
Forward keeps only the inputs, the output and one log-sum-exp per query row (O(L), not O(L*S));
backward recomputes each block's probabilities from them (FlashAttention's trade: one more Q K^T
product for no saved (L, S) matrix). Dropout keeps its mask as packed bits (1/32 of the float32
probabilities), drawn from the device's generator in PyTorch's order (the whole (..., L, S) mask row after row,
as its math path's dropout draws it), a bounded number of rows at a time.

Rows whose keys are all masked give zeros (and zero gradients), as PyTorch's attention does.
"""
import math

import numpy as np

from backends.products import matmul_for

from ..broadcast import unbroadcast
from ..function import Function

#: score entries (all batch dimensions together) computed at once; a block is at least one query row
BLOCK_ELEMENTS = 1 << 22


_WIDE_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_FLOAT32 = np.dtype(np.float32)


def _batch_shape(q_batch, k_batch, v_batch, mask_batch):
    """The broadcast batch shape of the operands (and of the mask, unless None); equal shapes, the common case,
    without NumPy's general rule (which costs microseconds an attention call on small tensors feels)."""
    if q_batch == k_batch == v_batch and (mask_batch is None or mask_batch == q_batch):
        return q_batch
    return np.broadcast_shapes(q_batch, k_batch, v_batch, () if mask_batch is None else mask_batch)


def _matmul(xp):
    """NumPy's matmul on the host (attention's products are batched small blocks); on cuda the product a
    captured CUDA graph can hold."""
    return np.matmul if xp is np else matmul_for(xp)


def _row_blocks(n_rows, per_row):
    """[(start, stop), ...] covering n_rows, each holding about BLOCK_ELEMENTS / per_row rows."""
    step = max(1, BLOCK_ELEMENTS // max(per_row, 1))
    return [(r, min(r + step, n_rows)) for r in range(0, n_rows, step)] or [(0, 0)]


class ScaledDotProductAttention(Function):
    op_name = "scaled_dot_product_attention"
    #: backward recomputes blocks with in-place array arithmetic; it cannot itself be recorded
    differentiable_backward = False

    def forward(ctx, q, k, v, mask, dropout_p, is_causal, scale):
        xp = ctx.xp
        L, S = q.shape[-2], k.shape[-2]
        batch = _batch_shape(q.shape[:-2], k.shape[:-2], v.shape[:-2], None if mask is None else mask.shape[:-2])
        ctx.scale, ctx.dropout_p, ctx.is_causal = scale, dropout_p, is_causal
        ctx.batch, ctx.blocks = batch, _row_blocks(L, math.prod(batch) * S)
        ctx.mask_dtype = None if mask is None else mask.dtype
        if mask is not None and mask.dtype.kind == "f" and mask.dtype != q.dtype:
            mask = mask.astype(q.dtype)
        qs = q * q.dtype.type(scale)
        kt = k.swapaxes(-1, -2)
        # float32 for 16-bit inputs, so that their probabilities are recomputed accurately
        lse_dtype = q.dtype if q.dtype in _WIDE_FLOATS else _FLOAT32
        outs, lses = [], []
        if dropout_p:
            score_batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], () if mask is None else mask.shape[:-2])
            # PyTorch draws no mask when the output is empty (values of no features), so neither do we
            ctx.bits = _dropout_bits(ctx.device, xp, 1.0 - dropout_p, tuple(score_batch) + (L, S),
                                     draw=v.shape[-1] > 0)
        for r0, r1 in ctx.blocks:
            p = _scores(xp, qs[..., r0:r1, :], kt, mask, is_causal, r0, r1)
            m = p.max(axis=-1, keepdims=True) if S else xp.zeros(p.shape[:-1] + (1,), p.dtype)
            m = xp.where(xp.isfinite(m), m, 0)      # a fully masked row: all -inf, exp gives zeros
            p -= m
            xp.exp(p, out=p)
            total = p.sum(axis=-1, keepdims=True)
            total[total == 0] = xp.inf                # ... and its probabilities stay 0, not nan
            p /= total
            lses.append(m.astype(lse_dtype, copy=False) + xp.log(total.astype(lse_dtype, copy=False)))
            if dropout_p:
                p *= _unpack_rows(xp, ctx.bits, r0, r1, S)
                p *= p.dtype.type(1.0 / (1.0 - dropout_p)) if dropout_p < 1 else 0
            outs.append(_matmul(xp)(p, v))
        out, lse = _join(xp, outs), _join(xp, lses)
        if dropout_p:   # a create_graph backward differentiates the composed form with this same mask
            ctx.composed_extra = {"dropout_keep": lambda: _unpack_rows(xp, ctx.bits, 0, L, S).astype(bool)}
        ctx.save_for_backward(q, k, v, mask, out, lse)
        return out

    def backward(ctx, gout):
        xp = ctx.xp
        q, k, v, mask, out, lse = ctx.saved_tensors
        need_q, need_k, need_v, need_mask = ctx.needs_input_grad[:4]
        scale, dropout_p = ctx.scale, ctx.dropout_p
        qs = q * q.dtype.type(scale)
        ks = k * k.dtype.type(scale) if need_q else None
        kt = k.swapaxes(-1, -2)
        vt = v.swapaxes(-1, -2)
        # D_i = sum_j P_ij dP_ij = dO_i . O_i: the softmax backward's row term, without the (L, S) matrix
        d = (gout * out).sum(axis=-1, keepdims=True)
        gqs, gk, gv = [], None, None
        gmask = xp.zeros(mask.shape, mask.dtype) if need_mask else None
        for r0, r1 in ctx.blocks:
            p = _scores(xp, qs[..., r0:r1, :], kt, mask, ctx.is_causal, r0, r1)
            p -= lse[..., r0:r1, :]
            xp.exp(p, out=p)
            go = gout[..., r0:r1, :]
            if dropout_p:
                keep = _unpack_rows(xp, ctx.bits, r0, r1, k.shape[-2])
                keep = keep * p.dtype.type(1.0 / (1.0 - dropout_p) if dropout_p < 1 else 0)
            if need_v:
                gv = _accumulate(gv, _matmul(xp)((p * keep if dropout_p else p).swapaxes(-1, -2), go))
            gp = _matmul(xp)(go, vt)
            if dropout_p:
                gp *= keep
            gp -= d[..., r0:r1, :]
            gp *= p                                   # now the gradient of the scores
            if need_mask:
                _add_block(gmask, gp, r0, r1)
            if need_q:
                gqs.append(_matmul(xp)(gp, ks))
            if need_k:
                gk = _accumulate(gk, _matmul(xp)(gp.swapaxes(-1, -2), qs[..., r0:r1, :]))
        if need_mask and gmask.dtype != ctx.mask_dtype:
            gmask = gmask.astype(ctx.mask_dtype)
        gq = _join(xp, gqs) if need_q else None
        return (None if gq is None else unbroadcast(gq, q.shape), None if gk is None else unbroadcast(gk, k.shape),
                None if gv is None else unbroadcast(gv, v.shape), gmask, None, None, None)

    @staticmethod
    def explain_error(args, exc):
        q, k, v, mask = args[:4]
        shapes = f"query {q.shape}, key {k.shape}, value {v.shape}" + (
            "" if mask is None else f", attn_mask {mask.shape}")
        return (f"scaled_dot_product_attention: shapes do not fit ({shapes}): batch dimensions must broadcast, and "
                f"attn_mask must broadcast to (..., L, S) ({exc})")


def _scores(xp, qs_rows, kt, mask, is_causal, r0, r1):
    """The masked scores of query rows r0:r1, a new array: (Q K^T) * scale plus the mask, -inf where masked."""
    s = _matmul(xp)(qs_rows, kt)
    if mask is not None:
        m = mask if mask.shape[-2] == 1 else mask[..., r0:r1, :]
        if m.dtype == np.bool_:
            xp.copyto(s, s.dtype.type(-np.inf), where=xp.logical_not(m))
        else:
            s += m
    if is_causal:
        above = xp.arange(s.shape[-1])[None, :] > xp.arange(r0, r1)[:, None]
        xp.copyto(s, s.dtype.type(-np.inf), where=above)
    return s


def _dropout_bits(device, xp, keep_p, shape, draw=True):
    """A dropout mask of `shape` (..., L, S), drawn in C order as one array (PyTorch's math path draws it so), kept
    as bits: each row of S padded to whole bytes, so that any rows can be unpacked alone. Rows are drawn about
    BLOCK_ELEMENTS at a time, which leaves the stream where one draw of the whole mask would. Without `draw`, a
    mask that drops everything, drawn from no stream."""
    keys = shape[-1]
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    width = -(-keys // 8) * 8
    if not draw:
        return xp.zeros(tuple(shape[:-1]) + (width // 8,), np.uint8)
    bits = xp.empty((rows, width // 8), np.uint8)
    step = max(1, BLOCK_ELEMENTS // max(keys, 1))
    for r in range(0, rows, step):
        n = min(step, rows - r)
        keep = xp.zeros((n, width), np.uint8)
        keep[:, :keys] = device.bernoulli(keep_p, (n, keys))
        bits[r:r + n] = xp.packbits(keep).reshape(n, width // 8)
    return bits.reshape(tuple(shape[:-1]) + (width // 8,))


def _unpack_rows(xp, bits, r0, r1, keys):
    """Rows r0:r1 of a mask packed by _dropout_bits, as uint8 zeros and ones of shape (..., r1 - r0, keys)."""
    rows = bits[..., r0:r1, :]
    return xp.unpackbits(rows.reshape(-1)).reshape(rows.shape[:-1] + (rows.shape[-1] * 8,))[..., :keys]


def _join(xp, row_blocks):
    """Per-block results joined along the rows (dimension -2); a single block is returned as is."""
    return row_blocks[0] if len(row_blocks) == 1 else xp.concatenate(row_blocks, axis=-2)


def _accumulate(total, part):
    """total + part, in place into total after the first block (which is kept, not copied)."""
    if total is None:
        return part
    total += part
    return total


def _add_block(gmask, gs, r0, r1):
    """Accumulate the score gradient of rows r0:r1 into the gradient of a (broadcast) additive mask."""
    if gmask.shape[-2] == 1:
        gmask += unbroadcast(gs, gmask.shape)
    else:
        gmask[..., r0:r1, :] += unbroadcast(gs, gmask.shape[:-2] + (r1 - r0, gmask.shape[-1]))
