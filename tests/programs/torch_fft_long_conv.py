"""A long-convolution sequence model (S4D / Hyena style) written for PyTorch the way such research code writes it;
tests run it as is and with only its imports changed, and compare what both print. Per-channel kernels as long as
the sequence, generated either from a diagonal state-space model (complex poles: torch.exp of complex products,
torch.view_as_real, .real) or from an implicit MLP over positional features with an exponential decay window;
causal convolution by zero-padding to 2L and multiplying torch.fft.rfft spectra before torch.fft.irfft, checked
against a direct conv1d; a Hyena-like gated operator with a short depthwise conv, LayerNorm, GELU, residuals and
dropout in eval, and Adam training on a delayed-copy regression task. Data from a seeded NumPy generator; float64,
weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def fft_causal_conv(u, k):
    L = u.shape[-1]
    n = 2 * L
    u_f = torch.fft.rfft(u, n=n)
    k_f = torch.fft.rfft(k, n=n)
    return torch.fft.irfft(u_f * k_f, n=n)[..., :L]


class S4DKernel(nn.Module):
    def __init__(self, channels, state=4):
        super().__init__()
        self.log_dt = nn.Parameter(torch.zeros(channels))
        self.log_a_real = nn.Parameter(torch.zeros(channels, state))
        self.a_imag = nn.Parameter(torch.zeros(channels, state))
        self.c = nn.Parameter(torch.zeros(channels, state, 2))

    def forward(self, L):
        dt = torch.exp(self.log_dt)
        A = torch.complex(-torch.exp(self.log_a_real), self.a_imag)
        C = torch.view_as_complex(self.c)
        dtA = A * dt.unsqueeze(-1)
        K = dtA.unsqueeze(-1) * torch.arange(L)
        C = C * (torch.exp(dtA) - 1.0) / A
        return 2 * torch.einsum("hn,hnl->hl", C, torch.exp(K)).real


class ImplicitKernel(nn.Module):
    def __init__(self, channels, features=5, hidden=16):
        super().__init__()
        self.features = features
        self.mlp = nn.Sequential(nn.Linear(2 * features + 1, hidden), nn.GELU(), nn.Linear(hidden, channels))
        self.decay = nn.Parameter(torch.zeros(channels))

    def forward(self, L):
        t = torch.linspace(0, 1, L).unsqueeze(-1)
        bands = torch.arange(1, self.features + 1) * math.pi
        z = torch.cat([t, torch.sin(t * bands), torch.cos(t * bands)], -1)
        k = self.mlp(z).transpose(0, 1)
        window = torch.exp(-F.softplus(self.decay).unsqueeze(-1) * torch.arange(L))
        return k * window


class LongConvBlock(nn.Module):
    def __init__(self, dim, kind):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.in_proj = nn.Linear(dim, 3 * dim)
        self.short = nn.Conv1d(3 * dim, 3 * dim, 3, padding=2, groups=3 * dim)
        self.kernel = S4DKernel(dim) if kind == "s4d" else ImplicitKernel(dim)
        self.skip = nn.Parameter(torch.zeros(dim))
        self.out = nn.Linear(dim, dim)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        B, L, D = x.shape
        z = self.in_proj(self.norm(x)).transpose(1, 2)
        z = self.short(z)[..., :L]
        q, k, v = z.split(D, dim=1)
        y = fft_causal_conv(k * v, self.kernel(L)) + self.skip.unsqueeze(-1) * (k * v)
        y = F.gelu(q * y).transpose(1, 2)
        return x + self.drop(self.out(y))


class Model(nn.Module):
    def __init__(self, dim=6, kind="s4d"):
        super().__init__()
        self.inp = nn.Linear(1, dim)
        self.blocks = nn.Sequential(LongConvBlock(dim, kind), LongConvBlock(dim, kind))
        self.head = nn.Linear(dim, 1)

    def forward(self, x):
        return self.head(self.blocks(self.inp(x)))


def init(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
            if name.endswith("log_a_real"):
                p.copy_(torch.from_numpy(np.log(0.5 + rng.uniform(0, 1, tuple(p.shape)))))
            if name.endswith("a_imag"):
                p.copy_(torch.from_numpy(np.pi * np.arange(p.shape[1]) * np.ones(tuple(p.shape))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(31)
    u = torch.from_numpy(rng.standard_normal((2, 3, 16)))
    k = torch.from_numpy(rng.standard_normal((3, 16)))
    fast = fft_causal_conv(u, k)
    direct = F.conv1d(F.pad(u, (15, 0)), k.flip(-1).unsqueeze(1), groups=3)
    print("fft conv matches direct:", torch.allclose(fast, direct, atol=1e-12), round(fast.sum().item(), 8))
    spec = torch.fft.rfft(u[0, 0])
    print("rfft bins:", spec.shape[0], "parseval:", round((u[0, 0] ** 2).sum().item(), 8),
          round(((spec.abs() ** 2)[1:-1].sum() * 2 + spec[0].abs() ** 2 + spec[-1].abs() ** 2).item() / 16, 8))

    for kind in ("s4d", "implicit"):
        model = Model(kind=kind)
        init(model, rng)
        kern = model.blocks[0].kernel(16)
        print(f"{kind} kernel norms:", [round(v, 8) for v in kern.norm(dim=-1).tolist()[:3]])
        opt = torch.optim.Adam(model.parameters(), lr=5e-3)
        model.train()
        for step in range(5):
            x = torch.from_numpy(rng.standard_normal((4, 16, 1)))
            target = F.pad(x[:, :-3], (0, 0, 3, 0)) * 0.8
            model.eval()   # dropout off so the comparison is deterministic
            loss = F.mse_loss(model(x), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"{kind} step {step}: loss {loss.item():.8f}")
        g = next(model.blocks[0].kernel.parameters()).grad
        print(f"{kind} first kernel grad:", [round(v, 8) for v in g.flatten()[:3].tolist()])

    # causality: the output at time t does not depend on inputs after t
    x = torch.from_numpy(rng.standard_normal((1, 16, 1))).requires_grad_(True)
    model(x)[0, 7, 0].backward()
    print("grad after t=7 vanishes:", bool(x.grad[0, 8:].abs().max() < 1e-12), "before:",
          round(x.grad[0, :8].abs().sum().item(), 8))
    sig = torch.view_as_real(torch.fft.rfft(model.blocks[1].kernel(16).detach(), dim=-1))
    print("kernel spectrum shape:", tuple(sig.shape), round(sig.pow(2).sum().item(), 8))
