"""Attention masks as a sequence-to-sequence script passes them (float64, seq-first layout): MultiheadAttention
with kdim / vdim and batch_first=False, bool and float key padding masks, need_weights with and without
average_attn_weights, a 3-D per-head attn_mask, and a TransformerDecoder with tgt_is_causal, a memory mask and
memory key padding mask, trained for a few steps in eval-free train mode (dropout 0)."""
import torch
import torch.nn as nn


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(9)
    d = torch.float64
    mha = nn.MultiheadAttention(8, 2, kdim=5, vdim=3, dropout=0.0).double()
    q = torch.randn(4, 2, 8, dtype=d)
    k = torch.randn(6, 2, 5, dtype=d)
    v = torch.randn(6, 2, 3, dtype=d)
    pad_bool = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
    pad_float = torch.zeros(2, 6, dtype=d).masked_fill(pad_bool, float("-inf"))
    out_b, w_b = mha(q, k, v, key_padding_mask=pad_bool)
    out_f, w_f = mha(q, k, v, key_padding_mask=pad_float)
    print("kdim/vdim", tuple(out_b.shape), tuple(w_b.shape), r(out_b[0, 1]), (out_b - out_f).abs().max().item() < 1e-12)
    print("weights", r(w_b[1, 0]), r(w_b.sum(-1)))
    _, heads = mha(q, k, v, key_padding_mask=pad_bool, average_attn_weights=False)
    print("per head", tuple(heads.shape), r(heads[1, :, 0]))
    out_n, none = mha(q, k, v, need_weights=False)
    print("no weights", none, r(out_n[3, 0]))
    head_mask = torch.zeros(2 * 2, 4, 6, dtype=d)
    head_mask[:, :, 0] = float("-inf")
    head_mask[1, 2, :3] = -2.0
    out_m, w_m = mha(q, k, v, attn_mask=head_mask, average_attn_weights=False)
    print("3-d mask", r(w_m[0, 1, 2]), r(w_m[0, 0, 2]), r(out_m[2, 0]))
    bool_mask = torch.triu(torch.ones(4, 6, dtype=torch.bool), 3)
    _, w_bm = mha(q, k, v, attn_mask=bool_mask, key_padding_mask=pad_bool)
    print("bool mask + padding", r(w_bm[1, 0]), r(w_bm[0, 3]))
    g = torch.autograd.grad(mha(q, k, v, key_padding_mask=pad_bool)[0].pow(2).sum(), mha.k_proj_weight)[0]
    print("grad k_proj", r(g[0]), mha.in_proj_weight is None, mha._qkv_same_embed_dim)

    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0).double()
    dec = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(8).double()).double()
    tgt = torch.randn(5, 2, 8, dtype=d)
    memory = torch.randn(6, 2, 8, dtype=d)
    causal = nn.Transformer.generate_square_subsequent_mask(5, dtype=d)
    print("causal mask", r(causal[1]))
    mem_mask = torch.zeros(5, 6, dtype=d)
    mem_mask[:, 5] = float("-inf")
    y1 = dec(tgt, memory, tgt_mask=causal, tgt_is_causal=True, memory_mask=mem_mask, memory_key_padding_mask=pad_bool)
    y2 = dec(tgt, memory, tgt_mask=causal, memory_mask=mem_mask, memory_key_padding_mask=pad_bool)
    print("decoder", tuple(y1.shape), r(y1[0, 1]), (y1 - y2).abs().max().item() < 1e-12)
    tgt_pad = torch.tensor([[False] * 5, [False, False, False, True, True]])
    y3 = dec(tgt, memory, tgt_mask=causal, tgt_key_padding_mask=tgt_pad)
    print("tgt padding", r(y3[2, 1]), r(y3[4, 0]))
    opt = torch.optim.Adam(list(dec.parameters()) + list(mha.parameters()), lr=0.01)
    target = torch.randn(5, 2, 8, dtype=d)
    for step in range(5):
        att, _ = mha(tgt, k, v, key_padding_mask=pad_float)
        y = dec(tgt + att, memory, tgt_mask=causal, tgt_is_causal=True, memory_key_padding_mask=pad_bool)
        loss = ((y - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("train", step, f"{loss.item():.10f}", r(mha.v_proj_weight.grad[0, :2]))


main()
