"""A small WaveNet written for PyTorch the way autoregressive audio models write it; tests run it as is and with only
its imports changed, and compare what both print. mu-law companding and expansion (sign, log1p, abs, a 256-level
quantisation by torch.bucketize-free rounding), one-hot inputs, a causal Conv1d stack with growing dilation (left
F.pad), gated tanh-sigmoid units, residual and skip 1x1 convolutions, cross-entropy over 256 classes with the class
dim second, receptive-field bookkeeping, teacher-forced training with Adam and ReduceLROnPlateau, and fast
incremental generation with per-layer input queues (torch.cat, argmax sampling) checked against full recomputation.
Waveforms from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import ReduceLROnPlateau

Q = 32


def mu_law_encode(x, mu=Q - 1):
    y = torch.sign(x) * torch.log1p(mu * x.abs()) / np.log1p(mu)
    return ((y + 1) / 2 * mu + 0.5).long().clamp(0, mu)


def mu_law_decode(q, mu=Q - 1):
    y = 2 * q.to(torch.float64) / mu - 1
    return torch.sign(y) * ((1 + mu) ** y.abs() - 1) / mu


class WaveNet(nn.Module):
    def __init__(self, channels=8, skip=8, dilations=(1, 2, 4, 1, 2)):
        super().__init__()
        self.dilations = dilations
        self.inp = nn.Conv1d(Q, channels, 1)
        self.filters = nn.ModuleList([nn.Conv1d(channels, channels, 2, dilation=d) for d in dilations])
        self.gates = nn.ModuleList([nn.Conv1d(channels, channels, 2, dilation=d) for d in dilations])
        self.res = nn.ModuleList([nn.Conv1d(channels, channels, 1) for _ in dilations])
        self.skips = nn.ModuleList([nn.Conv1d(channels, skip, 1) for _ in dilations])
        self.out = nn.Sequential(nn.ReLU(), nn.Conv1d(skip, skip, 1), nn.ReLU(), nn.Conv1d(skip, Q, 1))

    @property
    def receptive_field(self):
        return sum(self.dilations) + 1

    def forward(self, q):
        x = self.inp(F.one_hot(q, Q).to(torch.float64).transpose(1, 2))
        total = 0
        for d, f, g, r, s in zip(self.dilations, self.filters, self.gates, self.res, self.skips):
            padded = F.pad(x, (d, 0))
            h = torch.tanh(f(padded)) * torch.sigmoid(g(padded))
            total = total + s(h)
            x = x + r(h)
        return self.out(total)

    @torch.no_grad()
    def generate(self, prime, steps):
        out = prime.clone()
        x_all = self.inp(F.one_hot(prime, Q).to(torch.float64).transpose(1, 2))
        # fill queues with the prime's layer inputs
        layer_inputs = []
        x = x_all
        for d, f, g, r in zip(self.dilations, self.filters, self.gates, self.res):
            layer_inputs.append(F.pad(x, (d, 0)))
            h = torch.tanh(f(layer_inputs[-1])) * torch.sigmoid(g(layer_inputs[-1]))
            x = x + r(h)
        queues = [li[..., -(d + 1):] for li, d in zip(layer_inputs, self.dilations)]
        logits = self.forward(prime)[..., -1]
        for _ in range(steps):
            nxt = logits.argmax(-1, keepdim=True)
            out = torch.cat([out, nxt], 1)
            x = self.inp(F.one_hot(nxt, Q).to(torch.float64).transpose(1, 2))
            total = 0
            for i, (d, f, g, r, s) in enumerate(zip(self.dilations, self.filters, self.gates, self.res, self.skips)):
                queues[i] = torch.cat([queues[i][..., 1:], x], -1)
                window = queues[i][..., [0, -1]]      # the two taps, d steps apart: an undilated conv
                h = torch.tanh(F.conv1d(window, f.weight, f.bias)) * torch.sigmoid(F.conv1d(window, g.weight, g.bias))
                total = total + s(h)
                x = x + r(h)
            logits = self.out(total)[..., -1]
        return out


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(71)
    xs = torch.linspace(-1, 1, 7)
    codes = mu_law_encode(xs)
    print("mu-law codes:", codes.tolist(), "round trip:", [round(v, 6) for v in mu_law_decode(codes).tolist()])
    t = np.arange(64) / 64
    wave = 0.6 * np.sin(2 * np.pi * 3 * t[None] + rng.uniform(0, np.pi, (4, 1))) + 0.02 * rng.standard_normal((4, 64))
    q = mu_law_encode(torch.from_numpy(wave))
    model = WaveNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
    print("receptive field:", model.receptive_field, "output shape:", tuple(model(q).shape))
    print("code histogram:", torch.bincount(q.flatten(), minlength=Q)[::4].tolist())
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = ReduceLROnPlateau(opt, factor=0.5, patience=0, threshold=0.05)
    for step in range(6):
        logits = model(q[:, :-1])
        loss = F.cross_entropy(logits, q[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step(loss.item())
        acc = (logits.argmax(1) == q[:, 1:]).double().mean()
        print(f"step {step}: loss {loss.item():.8f} acc {acc.item():.6f} lr {opt.param_groups[0]['lr']:.6f}")
    prime = q[:2, :12]
    fast = model.generate(prime, 6)
    slow = prime.clone()
    with torch.no_grad():
        for _ in range(6):
            slow = torch.cat([slow, model(slow)[..., -1].argmax(-1, keepdim=True)], 1)
    print("generated:", fast[:, 12:].tolist(), "matches full recompute:", torch.equal(fast, slow))
    print("decoded tail:", [round(v, 6) for v in mu_law_decode(fast[0, -3:]).tolist()])
    print("first filter grad norm:", round(model.filters[0].weight.grad.norm().item(), 8))
