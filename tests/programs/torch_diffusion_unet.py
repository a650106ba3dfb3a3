"""A small DDPM noise-prediction U-Net as diffusion tutorials write it: sinusoidal time embeddings through an MLP,
residual blocks with GroupNorm + SiLU and a per-channel time shift, a self-attention block over the 4x4 bottleneck
(F.scaled_dot_product_attention), strided-conv downsampling, nearest upsampling with skip concatenation; a linear
beta schedule with cumprod, q_sample, the epsilon MSE loss trained with Adam, then deterministic DDIM steps back
from noise. All weights and noise come from a seeded NumPy generator. Float32.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1 = nn.GroupNorm(4, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(4, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(t))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class AttnBlock(nn.Module):
    def __init__(self, ch, heads=2):
        super().__init__()
        self.norm = nn.GroupNorm(4, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)
        self.heads = heads

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, self.heads, c // self.heads, h * w).unbind(1)
        out = F.scaled_dot_product_attention(q.transpose(-1, -2), k.transpose(-1, -2), v.transpose(-1, -2))
        return x + self.proj(out.transpose(-1, -2).reshape(b, c, h, w))


class UNet(nn.Module):
    def __init__(self, ch=8, tdim=16):
        super().__init__()
        self.tdim = tdim
        self.time = nn.Sequential(nn.Linear(tdim, 2 * tdim), nn.SiLU(), nn.Linear(2 * tdim, 2 * tdim))
        self.inc = nn.Conv2d(1, ch, 3, padding=1)
        self.down1 = ResBlock(ch, ch, 2 * tdim)
        self.pool = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
        self.down2 = ResBlock(ch, 2 * ch, 2 * tdim)
        self.attn = AttnBlock(2 * ch)
        self.up1 = ResBlock(2 * ch + ch, ch, 2 * tdim)
        self.out = nn.Sequential(nn.GroupNorm(4, ch), nn.SiLU(), nn.Conv2d(ch, 1, 3, padding=1))

    def forward(self, x, t):
        temb = self.time(timestep_embedding(t, self.tdim))
        h0 = self.down1(self.inc(x), temb)
        h1 = self.attn(self.down2(self.pool(h0), temb))
        up = F.interpolate(h1, scale_factor=2, mode="nearest")
        return self.out(self.up1(torch.cat([up, h0], dim=1), temb))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(3)
    model = UNet()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.tensor(rng.normal(0, 0.2 if p.ndim > 1 else 0.02, tuple(p.shape)), dtype=torch.float32))
    print("params:", sum(p.numel() for p in model.parameters()))
    print("embedding t=[0,7,99] row sums:", timestep_embedding(torch.tensor([0, 7, 99]), 16).sum(-1))
    T = 100
    betas = torch.linspace(1e-4, 0.02, T)
    alphas_bar = torch.cumprod(1 - betas, dim=0)
    print("alpha_bar at 0/50/99:", alphas_bar[[0, 50, 99]])
    ys, xs = np.mgrid[0:8, 0:8]
    data = np.stack([np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / 6.0) for cx, cy in rng.uniform(2, 6, (16, 2))])
    x0 = torch.tensor(data[:, None] * 2 - 1, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step in range(8):
        t = torch.tensor(rng.integers(0, T, 16))
        noise = torch.tensor(rng.standard_normal(x0.shape), dtype=torch.float32)
        ab = alphas_bar[t].view(-1, 1, 1, 1)
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
        loss = F.mse_loss(model(xt, t), noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.5f}")
    model.eval()
    x = torch.tensor(rng.standard_normal((2, 1, 8, 8)), dtype=torch.float32)
    with torch.no_grad():
        for t_now, t_prev in [(99, 66), (66, 33), (33, 0)]:
            tt = torch.full((2,), t_now, dtype=torch.long)
            eps = model(x, tt)
            a_now, a_prev = alphas_bar[t_now], alphas_bar[t_prev]
            x0_pred = ((x - (1 - a_now).sqrt() * eps) / a_now.sqrt()).clamp(-1, 1)
            x = a_prev.sqrt() * x0_pred + (1 - a_prev).sqrt() * eps
            print(f"ddim {t_now}->{t_prev}: mean {x.mean().item():.5f} std {x.std().item():.5f}")
    print("sample corner:", x[0, 0, :3, :3])
    gn = model.down2.norm2
    print("groupnorm affine shapes:", tuple(gn.weight.shape), gn.num_groups, gn.eps)
