"""Attention under the kernel selector, float64: F.scaled_dot_product_attention inside torch.nn.attention's
sdpa_kernel (MATH alone, MATH with FLASH_ATTENTION, set_priority=True), grouped-query attention with enable_gqa,
a custom scale, bool and float masks, is_causal, the node each path shows (the CPU flash kernel's or the math
path's reshape), gradients with respect to queries, keys and values, and a tiny causal self-attention language
model trained a few Adam steps under sdpa_kernel(SDPBackend.MATH)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel


class TinyLM(nn.Module):
    def __init__(self, vocab=11, dim=8, heads=2):
        super().__init__()
        self.heads = heads
        self.emb = nn.Embedding(vocab, dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, vocab)

    def forward(self, idx):
        b, t = idx.shape
        h = self.emb(idx)
        q, k, v = self.qkv(h).view(b, t, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(h + a.transpose(1, 2).reshape(b, t, -1)), a


def main():
    torch.manual_seed(14)
    dt = torch.float64
    q = torch.randn(2, 4, 5, 8, dtype=dt, requires_grad=True)
    k = torch.randn(2, 2, 6, 8, dtype=dt, requires_grad=True)
    v = torch.randn(2, 2, 6, 8, dtype=dt, requires_grad=True)
    for backends, prio in (([SDPBackend.MATH], False), ([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION], True),
                           ([SDPBackend.FLASH_ATTENTION], False)):
        with sdpa_kernel(backends, set_priority=prio):
            o = F.scaled_dot_product_attention(q, k, v, enable_gqa=True, scale=0.3)
        q.grad = k.grad = v.grad = None
        (o * o).sum().backward()
        print([b.name for b in backends], o.grad_fn.name(), round(o.sum().item(), 10),
              round(q.grad.abs().sum().item(), 8), round(k.grad.abs().sum().item(), 8))
        print("  v grad", v.grad[0, 1, :2, :3].numpy().round(8))
    bool_mask = torch.ones(5, 6, dtype=torch.bool).tril(diagonal=1)
    float_mask = torch.zeros(5, 6, dtype=dt).masked_fill(~bool_mask, float("-inf")) + 0.1
    qs, ks, vs = q[:, :2], k, v
    with sdpa_kernel(SDPBackend.MATH):
        a = F.scaled_dot_product_attention(qs, ks, vs, attn_mask=bool_mask)
        b = F.scaled_dot_product_attention(qs, ks, vs, attn_mask=float_mask)
        c = F.scaled_dot_product_attention(qs[..., :5, :], ks[..., :5, :], vs[..., :5, :], is_causal=True)
    print("masks", a.grad_fn.name(), round(a.sum().item(), 8), round(b.sum().item(), 8), round(c.sum().item(), 8))
    d = F.scaled_dot_product_attention(qs, ks, vs, attn_mask=bool_mask)
    print("default", d.grad_fn.name(), torch.allclose(a, d))

    torch.manual_seed(1)
    model = TinyLM().double()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    data = torch.randint(0, 11, (4, 7))
    for step in range(4):
        opt.zero_grad()
        with sdpa_kernel(SDPBackend.MATH):
            logits, att = model(data[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 11), data[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        print("lm", step, round(loss.item(), 10), att.grad_fn.name(), round(model.qkv.weight.grad.norm().item(), 10))
