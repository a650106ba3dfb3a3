"""A selective state-space model (Mamba-style) written for PyTorch the way minimal Mamba reimplementations write it;
tests run it as is and with only its imports changed, and compare what both print. An input projection split into
x and a gate, a causal depthwise Conv1d (padding then slicing), input-dependent step sizes through softplus, B and C
by a Linear split, A = -exp(A_log) with S4D-real initialisation (repeat of an arange), zero-order-hold
discretisation (torch.exp of an einsum), the sequential selective scan with a Python loop and torch.stack, the
equivalent parallel form by cumulative sums of log decays (cumsum, exp, tril masking) checked against it, RMSNorm,
SiLU gating, a residual language-model head with weight decay groups and gradient clipping. Tokens from a seeded
NumPy generator; float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def selective_scan(u, delta, A, B, C, D):
    # u, delta: (b, l, d); A: (d, n); B, C: (b, l, n)
    dA = torch.exp(torch.einsum("bld,dn->bldn", delta, A))
    dBu = torch.einsum("bld,bln,bld->bldn", delta, B, u)
    x = torch.zeros(u.shape[0], u.shape[2], A.shape[1], dtype=u.dtype)
    ys = []
    for i in range(u.shape[1]):
        x = dA[:, i] * x + dBu[:, i]
        ys.append(torch.einsum("bdn,bn->bd", x, C[:, i]))
    return torch.stack(ys, dim=1) + u * D


def selective_scan_parallel(u, delta, A, B, C, D):
    L = u.shape[1]
    logdA = torch.einsum("bld,dn->bldn", delta, A)
    cum = torch.cumsum(logdA, dim=1)                                  # (b, l, d, n)
    dBu = torch.einsum("bld,bln,bld->bldn", delta, B, u)
    decay = torch.exp(cum.unsqueeze(2) - cum.unsqueeze(1))            # (b, t, s, d, n): exp(sum_{s<r<=t})
    mask = torch.tril(torch.ones(L, L, dtype=torch.bool)).view(1, L, L, 1, 1)
    decay = decay.masked_fill(~mask, 0.0)
    x = (decay * dBu.unsqueeze(1)).sum(2)
    return torch.einsum("bldn,bln->bld", x, C) + u * D


class MambaBlock(nn.Module):
    def __init__(self, dim, state=4, expand=2, conv=3):
        super().__init__()
        inner = expand * dim
        self.in_proj = nn.Linear(dim, 2 * inner, bias=False)
        self.conv = nn.Conv1d(inner, inner, conv, groups=inner, padding=conv - 1)
        self.x_proj = nn.Linear(inner, 1 + 2 * state, bias=False)
        self.dt_proj = nn.Linear(1, inner)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, state + 1, dtype=torch.float64).repeat(inner, 1)))
        self.D = nn.Parameter(torch.ones(inner))
        self.out_proj = nn.Linear(inner, dim, bias=False)
        self.state = state

    def forward(self, h, parallel=False):
        L = h.shape[1]
        x, gate = self.in_proj(h).chunk(2, dim=-1)
        x = F.silu(self.conv(x.transpose(1, 2))[..., :L].transpose(1, 2))
        dt, B, C = self.x_proj(x).split([1, self.state, self.state], dim=-1)
        delta = F.softplus(self.dt_proj(dt))
        A = -torch.exp(self.A_log)
        scan = selective_scan_parallel if parallel else selective_scan
        y = scan(x, delta, A, B, C, self.D)
        return self.out_proj(y * F.silu(gate))


class TinyMamba(nn.Module):
    def __init__(self, vocab=11, dim=6, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([MambaBlock(dim) for _ in range(layers)])
        self.norms = nn.ModuleList([nn.RMSNorm(dim, eps=1e-6) for _ in range(layers)])
        self.norm_f = nn.RMSNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, tokens, parallel=False):
        h = self.embed(tokens)
        for norm, block in zip(self.norms, self.blocks):
            h = h + block(norm(h), parallel)
        return self.head(self.norm_f(h))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(67)
    model = TinyMamba()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "A_log" not in name and not name.endswith(".D"):
                p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
    print("A_log row:", [round(v, 8) for v in model.blocks[0].A_log[0].tolist()])
    tokens = torch.from_numpy(rng.integers(0, 11, (3, 8)))
    seq = model(tokens)
    par = model(tokens, parallel=True)
    print("parallel scan matches loop:", torch.allclose(seq, par, atol=1e-10),
          f"{(seq - par).abs().max().item() < 1e-10}")
    print("logits[0, -1]:", [round(v, 8) for v in seq[0, -1, :4].tolist()])

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.dim() < 2 or "A_log" in name else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-2)
    # counting task: next token = (token + 1) mod 11
    for step in range(6):
        start = torch.from_numpy(rng.integers(0, 11, (4, 1)))
        seqs = (start + torch.arange(9)) % 11
        logits = model(seqs[:, :-1], parallel=step % 2 == 1)
        loss = F.cross_entropy(logits.reshape(-1, 11), seqs[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.8f} grad norm {norm.item():.8f}")
    print("A_log grad:", [round(v, 8) for v in model.blocks[1].A_log.grad[0].tolist()])
    print("D after training:", [round(v, 8) for v in model.blocks[0].D[:3].tolist()])
    with torch.no_grad():
        probs = F.softmax(model(torch.tensor([[3, 4, 5, 6]])), -1)[0, -1]
    print("next-token top-3:", probs.topk(3).indices.tolist(), round(probs.max().item(), 8))
    print("entropy (nats):", round(-(probs * probs.log()).sum().item(), 8), "vs uniform", round(math.log(11), 8))
