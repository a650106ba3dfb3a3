"""Attention with the options model code reaches for: tests run it as is and with only its imports changed, and
compare what both print. F.scaled_dot_product_attention with enable_gqa (grouped key/value heads), a custom scale,
a boolean and a float mask, is_causal with more keys than queries, and gradients of each; nn.MultiheadAttention
with batch_first, kdim/vdim, need_weights=False, average_attn_weights=False, a 3-D per-head mask beside a float
key_padding_mask, and bias=False; nn.TransformerEncoderLayer / DecoderLayer with norm_first, a gelu string and a
callable activation and bias=False, generate_square_subsequent_mask, tgt_is_causal; a tiny causal LM trained a
few steps with Adam. Float32, torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(2508)
    q = torch.randn(2, 4, 3, 8, requires_grad=True)
    k = torch.randn(2, 2, 5, 8, requires_grad=True)
    v = torch.randn(2, 2, 5, 8, requires_grad=True)
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True, scale=0.2)
    print("gqa", out.shape, out[0, 3, 0, :4], out.grad_fn.name())
    out.pow(2).sum().backward()
    print("gqa grads", q.grad[1, 2, 0, :3], k.grad[0, 1, 4, :3], v.grad.sum(dim=(0, 2, 3)))
    repeated = F.scaled_dot_product_attention(q, k.repeat_interleave(2, dim=1), v.repeat_interleave(2, dim=1),
                                              scale=0.2)
    print("gqa = repeat", torch.allclose(out, repeated, atol=1e-6))

    qs, ks, vs = (t.detach()[:, :2] for t in (q, k, v))
    causal = F.scaled_dot_product_attention(qs, ks, vs, is_causal=True)
    explicit = torch.ones(3, 5, dtype=torch.bool).tril()
    print("causal L<S", causal[0, 0, :, 0], torch.allclose(causal, F.scaled_dot_product_attention(
        qs, ks, vs, attn_mask=explicit)))
    float_mask = torch.zeros(3, 5).masked_fill(~explicit, float("-inf")) + torch.linspace(0, 1, 5)
    print("float mask", F.scaled_dot_product_attention(qs, ks, vs, attn_mask=float_mask)[1, 1, 2, :4])
    bool_mask = torch.tensor([[True, False, True, True, False]]).expand(3, 5)
    qg = qs.clone().requires_grad_()
    F.scaled_dot_product_attention(qg, ks, vs, attn_mask=bool_mask, scale=0.5).sum().backward()
    print("bool mask grad", qg.grad[0, 1, 1, :4])

    mha = nn.MultiheadAttention(8, 2, batch_first=True, kdim=6, vdim=4, bias=False)
    print("mha params", sorted(n for n, _ in mha.named_parameters()))
    query = torch.randn(2, 3, 8)
    key = torch.randn(2, 5, 6)
    value = torch.randn(2, 5, 4)
    per_head = torch.zeros(4, 3, 5)
    per_head[1, :, 0] = float("-inf")
    pad = torch.tensor([[0.0, 0.0, 0.0, -1.0, float("-inf")], [0.0, 0.0, 0.0, 0.0, 0.0]])
    o, w = mha(query, key, value, attn_mask=per_head, key_padding_mask=pad, average_attn_weights=False)
    print("mha heads", o.shape, w.shape, w[0, 1, 0], w[0, 0, 2])
    o2, w2 = mha(query, key, value, need_weights=False)
    print("no weights", w2, o2[1, 0, :4])
    o.sum().backward()
    print("mha grads", mha.q_proj_weight.grad[0, :4], mha.k_proj_weight.grad.shape, mha.out_proj.weight.grad[0, :3])

    enc_layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True, bias=False)
    dec_layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=F.silu,
                                           batch_first=True, norm_first=False)
    print("enc params", len(list(enc_layer.parameters())), "dec params", len(list(dec_layer.parameters())),
          enc_layer.norm1.bias)
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    print("square mask", mask)
    src = torch.randn(2, 5, 8)
    tgt = torch.randn(2, 4, 8)
    memory = enc_layer(src)
    dec = dec_layer(tgt, memory, tgt_mask=mask, tgt_is_causal=True)
    print("encoder", memory[0, 0, :4], "decoder", dec[1, 3, :4])

    torch.manual_seed(9)
    vocab, dim = 7, 8
    emb = nn.Embedding(vocab, dim)
    block = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, 2, 16, dropout=0.0, batch_first=True,
                                                             norm_first=True), num_layers=2,
                                  enable_nested_tensor=False)
    head = nn.Linear(dim, vocab)
    params = list(emb.parameters()) + list(block.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    seq = torch.tensor([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    causal_mask = nn.Transformer.generate_square_subsequent_mask(5)
    for step in range(5):
        h = block(emb(seq[:, :-1]), mask=causal_mask, is_causal=True)
        logits = head(h)
        loss = F.cross_entropy(logits.reshape(-1, vocab), seq[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("lm step", step, round(loss.item(), 6))
    print("lm argmax", head(block(emb(seq[:, :-1]), mask=causal_mask, is_causal=True)).argmax(-1))
