"""Attention the ways a decoder-only language model uses it in PyTorch: a pre-norm nn.TransformerDecoderLayer
(norm_first=True, batch_first=True, GELU) driven by nn.Transformer.generate_square_subsequent_mask with a
key-padding mask over a shared memory; nn.MultiheadAttention with a boolean attn_mask, a key_padding_mask and
need_weights with average_attn_weights=False (per-head weights) and True; F.scaled_dot_product_attention with
is_causal, an explicit scale, a float additive mask and grouped-query attention (enable_gqa=True, 4 query heads
sharing 2 key/value heads), checked against repeat_interleave'd keys; and a tiny GQA language model with
nn.RMSNorm trained a few AdamW steps with greedy decoding. Float32; every random number comes from
torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GQABlock(nn.Module):
    def __init__(self, dim=8, heads=4, kv_heads=2):
        super().__init__()
        self.heads, self.kv_heads, self.hd = heads, kv_heads, dim // heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.kv = nn.Linear(dim, 2 * kv_heads * self.hd, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        self.n1, self.n2 = nn.RMSNorm(dim, eps=1e-6), nn.RMSNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.SiLU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        b, t, d = x.shape
        h = self.n1(x)
        q = self.q(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        k, v = self.kv(h).view(b, t, 2, self.kv_heads, self.hd).unbind(dim=2)
        a = F.scaled_dot_product_attention(q, k.transpose(1, 2), v.transpose(1, 2), is_causal=True, enable_gqa=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, d))
        return x + self.mlp(self.n2(x))


class TinyLM(nn.Module):
    def __init__(self, vocab=7, dim=8):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, 8, dim) * 0.1)
        self.block = GQABlock(dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, idx):
        return self.head(self.block(self.emb(idx) + self.pos[:, :idx.shape[1]]))


def main():
    torch.manual_seed(0)
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    print("causal mask", mask)
    layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
    tgt, memory = torch.randn(2, 4, 8), torch.randn(2, 5, 8)
    mem_pad = torch.tensor([[False, False, False, True, True], [False] * 5])
    out = layer(tgt, memory, tgt_mask=mask, memory_key_padding_mask=mem_pad, tgt_is_causal=True)
    print("decoder out", out.shape, out.grad_fn.name(), out[0, 0])
    out.pow(2).mean().backward()
    print("decoder grads", layer.self_attn.in_proj_weight.grad.norm().item() > 0,
          round(layer.multihead_attn.out_proj.weight.grad.norm().item(), 5), round(layer.norm3.weight.grad.sum().item(), 5))

    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    q, kv = torch.randn(2, 3, 8), torch.randn(2, 5, 8)
    attn_mask = torch.tensor([[False, True, False, False, False], [False, False, True, False, False],
                              [True, False, False, False, False]])
    kpm = torch.tensor([[False, False, False, False, True], [False, False, False, True, True]])
    o, w = mha(q, kv, kv, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True, average_attn_weights=False)
    print("per-head weights", w.shape, w[1, 1])
    o2, w2 = mha(q, kv, kv, key_padding_mask=kpm, attn_mask=attn_mask)
    print("averaged", w2.shape, torch.allclose(w2, w.mean(dim=1)), torch.allclose(o, o2), w2.grad_fn.name())
    o3, w3 = mha(q, kv, kv, key_padding_mask=kpm, need_weights=False)
    print("no weights", w3, o3.shape, o3[0, 0])

    qh = torch.randn(2, 4, 3, 2, requires_grad=True)
    kh = torch.randn(2, 2, 3, 2, requires_grad=True)
    vh = torch.randn(2, 2, 3, 2, requires_grad=True)
    a = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True, enable_gqa=True, scale=0.7)
    ref = F.scaled_dot_product_attention(qh, kh.repeat_interleave(2, dim=1), vh.repeat_interleave(2, dim=1),
                                         is_causal=True, scale=0.7)
    print("gqa", a.shape, torch.allclose(a, ref, atol=1e-6), a[1, 3])
    a.sum().backward()
    print("gqa grads", kh.grad.shape, kh.grad[0, 1], round(vh.grad.sum().item(), 4))
    bias = torch.tensor([[0.0, -1.0, -2.0], [0.5, 0.0, -1.0], [0.0, 0.0, 0.0]])
    fm = F.scaled_dot_product_attention(qh.detach(), kh.detach().repeat_interleave(2, 1),
                                        vh.detach().repeat_interleave(2, 1), attn_mask=bias)
    print("float mask", fm[0, 0])

    torch.manual_seed(3)
    lm = TinyLM()
    seq = torch.tensor([[1, 2, 3, 4, 5, 6, 1, 2], [3, 4, 5, 6, 1, 2, 3, 4]])
    opt = torch.optim.AdamW(lm.parameters(), lr=0.02, weight_decay=0.1)
    for step in range(8):
        opt.zero_grad()
        logits = lm(seq[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 7), seq[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.5f}")
    idx = torch.tensor([[2, 3]])
    with torch.no_grad():
        for _ in range(5):
            nxt = lm(idx)[:, -1].argmax(-1, keepdim=True)
            idx = torch.cat([idx, nxt], dim=1)
    print("greedy", idx.tolist())


if __name__ == "__main__":
    main()
