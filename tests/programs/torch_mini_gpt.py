"""A miniature GPT written for PyTorch the way nanoGPT-style code writes it; tests run it as is and with only its
imports changed, and compare what both print. Token embeddings tied to the output head, rotary position embeddings
(cos / sin tables from torch.outer, rotate-half by chunk and cat), F.scaled_dot_product_attention with is_causal=True,
pre-norm blocks with GELU MLPs, AdamW with decay / no-decay parameter groups and a cosine-with-warmup LambdaLR,
gradient clipping, then greedy generation with a key/value cache (torch.cat onto the cache, topk of the last
logits) checked against generation without the cache. Tokens come from a seeded NumPy generator; float64, weights
from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR


def rope_tables(head_dim, max_len, base=10000.0):
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2) / head_dim))
    freqs = torch.outer(torch.arange(max_len), inv_freq)
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rope(x, cos, sin):
    return x * cos + rotate_half(x) * sin


class CausalSelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, cos, sin, cache=None):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (z.view(B, T, self.heads, C // self.heads).transpose(1, 2) for z in (q, k, v))
        start = 0 if cache is None else cache[0].size(2)
        q = apply_rope(q, cos[start:start + T], sin[start:start + T])
        k = apply_rope(k, cos[start:start + T], sin[start:start + T])
        if cache is not None:
            k = torch.cat([cache[0], k], dim=2)
            v = torch.cat([cache[1], v], dim=2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None or T > 1)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), (k, v)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate="tanh"), nn.Linear(4 * dim, dim))

    def forward(self, x, cos, sin, cache=None):
        a, cache = self.attn(self.ln1(x), cos, sin, cache)
        x = x + a
        return x + self.mlp(self.ln2(x)), cache


class GPT(nn.Module):
    def __init__(self, vocab=17, dim=16, heads=2, layers=2, max_len=32):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.wte.weight
        cos, sin = rope_tables(dim // heads, max_len)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, idx, targets=None, caches=None):
        x = self.wte(idx)
        new_caches = []
        for i, block in enumerate(self.blocks):
            x, c = block(x, self.cos, self.sin, None if caches is None else caches[i])
            new_caches.append(c)
        logits = self.head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss, new_caches

    @torch.no_grad()
    def generate(self, idx, new_tokens, use_cache=True):
        caches = None
        logits, _, caches = self(idx)
        out = idx
        for _ in range(new_tokens):
            _, nxt = torch.topk(logits[:, -1, :], k=1, dim=-1)
            out = torch.cat([out, nxt], dim=1)
            if use_cache:
                logits, _, caches = self(nxt, caches=caches)
            else:
                logits, _, _ = self(out)
        return out


def cosine_with_warmup(warmup, total):
    def fn(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress))
    return fn


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    model = GPT()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.2, tuple(p.shape))))
    print("tied:", model.head.weight is model.wte.weight, "params:", sum(p.numel() for p in model.parameters()))
    q = torch.from_numpy(rng.standard_normal((1, 1, 3, 8)))
    cos, sin = model.cos, model.sin
    rq = apply_rope(q, cos[:3], sin[:3])
    print("rope keeps norms:", [round(v, 8) for v in rq.norm(dim=-1).flatten().tolist()])

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}], lr=3e-3, betas=(0.9, 0.95))
    sched = LambdaLR(opt, cosine_with_warmup(3, 10))
    # a toy language: each token is (previous + 3) mod 17, with noise
    seqs = np.zeros((8, 12), dtype=np.int64)
    seqs[:, 0] = rng.integers(0, 17, 8)
    for i in range(1, 12):
        seqs[:, i] = (seqs[:, i - 1] + 3) % 17
    data = torch.from_numpy(seqs)
    for step in range(10):
        x, y = data[:, :-1], data[:, 1:].clone()
        y[:, :2] = -1
        _, loss, _ = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        sched.step()
        print(f"step {step}: loss {loss.item():.8f} norm {norm.item():.8f} lr {sched.get_last_lr()[0]:.8f}")

    prompt = data[:2, :4]
    fast = model.generate(prompt, 6, use_cache=True)
    slow = model.generate(prompt, 6, use_cache=False)
    print("generated:", fast.tolist())
    print("cache matches full recompute:", torch.equal(fast, slow))
    logits, _, caches = model(prompt)
    print("cache shapes:", [tuple(c[0].shape) for c in caches])
    step_logits, _, _ = model(prompt[:, -1:], caches=[(k[:, :, :-1], v[:, :, :-1]) for k, v in caches])
    print("cached last logits close:", torch.allclose(step_logits[:, -1], logits[:, -1]))
    probs = F.softmax(logits[:, -1], dim=-1)
    vals, idx = probs.topk(3, dim=-1)
    print("top-3 probs:", [[round(v, 8) for v in r] for r in vals.tolist()], idx.tolist())
    print("embedding grad norm:", round(model.wte.weight.grad.norm().item(), 8))
