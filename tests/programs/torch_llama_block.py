"""A LLaMA-style decoder block as open-model reimplementations write it; tests run it as is and with only its
imports changed, and compare what both print. nn.RMSNorm and a hand-written RMSNorm, rotary position embeddings
through torch.polar / view_as_complex / view_as_real and the same rotation by rotate_half, a SwiGLU feed-forward,
grouped-query attention through repeat_interleave and through F.scaled_dot_product_attention(enable_gqa=True)
with is_causal and an explicit float mask, a KV cache for incremental decoding checked against the full causal
pass, weight tying, and a few AdamW steps with gradient clipping. Float32, NumPy weights.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNormByHand(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_freqs(head_dim, length, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    angles = torch.outer(torch.arange(length).float(), freqs)
    return torch.polar(torch.ones_like(angles), angles)


def apply_rope_complex(x, freqs):
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    out = torch.view_as_real(xc * freqs[None, :, None, :]).flatten(3)
    return out.type_as(x)


def rotate_half(x):
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def apply_rope_real(x, freqs):
    cos = freqs.real.repeat_interleave(2, dim=-1)[None, :, None, :]
    sin = freqs.imag.repeat_interleave(2, dim=-1)[None, :, None, :]
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, dim, n_heads, n_kv):
        super().__init__()
        self.n_heads, self.n_kv, self.hd = n_heads, n_kv, dim // n_heads
        self.wq = nn.Linear(dim, n_heads * self.hd, bias=False)
        self.wk = nn.Linear(dim, n_kv * self.hd, bias=False)
        self.wv = nn.Linear(dim, n_kv * self.hd, bias=False)
        self.wo = nn.Linear(n_heads * self.hd, dim, bias=False)

    def forward(self, x, freqs, cache=None, use_sdpa=True):
        b, t, _ = x.shape
        q = self.wq(x).view(b, t, self.n_heads, self.hd)
        k = self.wk(x).view(b, t, self.n_kv, self.hd)
        v = self.wv(x).view(b, t, self.n_kv, self.hd)
        q, k = apply_rope_complex(q, freqs), apply_rope_complex(k, freqs)
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=1)
                v = torch.cat([cache["v"], v], dim=1)
            cache["k"], cache["v"] = k, v
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        if use_sdpa:
            out = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None, enable_gqa=True)
        else:
            rep = self.n_heads // self.n_kv
            k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
            scores = q @ k.transpose(-2, -1) / math.sqrt(self.hd)
            mask = torch.full((t, t), float("-inf")).triu(1)
            out = torch.softmax(scores + mask, dim=-1) @ v
        return self.wo(out.transpose(1, 2).reshape(b, t, -1))


class Block(nn.Module):
    def __init__(self, dim=16, n_heads=4, n_kv=2, hidden=24):
        super().__init__()
        self.attn = Attention(dim, n_heads, n_kv)
        self.norm1 = nn.RMSNorm(dim, eps=1e-6)
        self.norm2 = RMSNormByHand(dim)
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)

    def forward(self, x, freqs, cache=None, use_sdpa=True):
        x = x + self.attn(self.norm1(x), freqs, cache, use_sdpa)
        h = self.norm2(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class TinyLM(nn.Module):
    def __init__(self, vocab=20, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([Block(dim), Block(dim)])
        self.norm = nn.RMSNorm(dim)
        self.out = nn.Linear(dim, vocab, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, ids, start=0, caches=None, use_sdpa=True):
        freqs = rope_freqs(4, 32)[start:start + ids.shape[1]]
        x = self.emb(ids)
        for i, blk in enumerate(self.blocks):
            x = blk(x, freqs, None if caches is None else caches[i], use_sdpa)
        return self.out(self.norm(x))


def main():
    rng = np.random.default_rng(122)
    model = TinyLM()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(1.0 if "norm" in name else 0.0, 0.3, size=tuple(p.shape)).astype(np.float32)))
    print(sum(p.numel() for p in model.parameters()), model.out.weight is model.emb.weight)
    freqs = rope_freqs(4, 6)
    print(freqs[2], freqs.abs().max())
    x = torch.from_numpy(rng.standard_normal((1, 6, 2, 4)).astype(np.float32))
    print(apply_rope_complex(x, freqs)[0, 3], (apply_rope_complex(x, freqs) - apply_rope_real(x, freqs)).abs().max() < 1e-6)
    h = torch.from_numpy(rng.standard_normal((2, 5, 16)).astype(np.float32))
    print(model.blocks[0].norm1(h)[0, 0, :4], RMSNormByHand(16)(h)[0, 0, :4], F.rms_norm(h, (16,), eps=1e-6)[1, 4, :3])
    ids = torch.from_numpy(rng.integers(0, 20, (2, 7)))
    with torch.no_grad():
        full = model(ids)
        manual = model(ids, use_sdpa=False)
        print(full[0, -1, :5], (full - manual).abs().max() < 1e-5)
        caches = [{}, {}]
        steps = [model(ids[:, :4], 0, caches)]
        for t in range(4, 7):
            steps.append(model(ids[:, t:t + 1], t, caches))
        inc = torch.cat(steps, dim=1)
        print(inc[1, -1, :5], (inc - full).abs().max() < 1e-5, caches[0]["k"].shape)
        q = torch.from_numpy(rng.standard_normal((2, 4, 3, 4)).astype(np.float32))
        kv = torch.from_numpy(rng.standard_normal((2, 2, 5, 4)).astype(np.float32))
        bias = torch.from_numpy(rng.standard_normal((3, 5)).astype(np.float32))
        print(F.scaled_dot_product_attention(q, kv, kv, attn_mask=bias, enable_gqa=True)[1, 3],
              F.scaled_dot_product_attention(q, kv, kv, is_causal=True, scale=0.3, enable_gqa=True)[0, 0])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)
    for step in range(4):
        logits = model(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 20), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step} loss {loss.item():.6f} grad-norm {norm.item():.6f}")
    print(model.emb.weight[0, :4], model.blocks[1].norm1.weight[:4])


if __name__ == "__main__":
    main()
