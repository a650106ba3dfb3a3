"""A denoising diffusion probabilistic model (DDPM) on 2-D points, written for PyTorch the way small diffusion
tutorials write it; tests run it as is and with only its imports changed, and compare what both print. A linear and
a cosine beta schedule (alphas_cumprod by torch.cumprod, clamps, F.pad of the previous cumulative product),
sinusoidal timestep embeddings, an MLP noise predictor trained on the epsilon-prediction loss with timesteps, noise
and data from a seeded NumPy generator, the variational posterior variance, a deterministic DDIM sampling loop
(eta = 0) under torch.no_grad, and the gradient of the loss with respect to the inputs. Float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def linear_beta_schedule(steps, start=1e-4, end=0.02):
    return torch.linspace(start, end, steps)


def cosine_beta_schedule(steps, s=0.008):
    x = torch.linspace(0, steps, steps + 1)
    alphas_cumprod = torch.cos(((x / steps) + s) / (1 + s) * math.pi * 0.5) ** 2
    alphas_cumprod = alphas_cumprod / alphas_cumprod[0]
    betas = 1 - (alphas_cumprod[1:] / alphas_cumprod[:-1])
    return torch.clip(betas, 0.0001, 0.9999)


def extract(a, t, shape):
    out = a.gather(-1, t)
    return out.reshape(t.shape[0], *((1,) * (len(shape) - 1)))


class SinusoidalEmbedding(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, t):
        half = self.dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half) / (half - 1))
        args = t[:, None].to(freqs.dtype) * freqs[None, :]
        return torch.cat([args.sin(), args.cos()], dim=-1)


class Denoiser(nn.Module):
    def __init__(self, hidden=32, temb=16):
        super().__init__()
        self.embed = nn.Sequential(SinusoidalEmbedding(temb), nn.Linear(temb, hidden), nn.SiLU())
        self.inp = nn.Linear(2, hidden)
        self.blocks = nn.ModuleList([nn.Sequential(nn.LayerNorm(hidden), nn.Linear(hidden, hidden), nn.GELU())
                                     for _ in range(2)])
        self.out = nn.Linear(hidden, 2)

    def forward(self, x, t):
        h = self.inp(x) + self.embed(t)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)


class Diffusion:
    def __init__(self, betas):
        self.betas = betas
        self.steps = betas.shape[0]
        alphas = 1.0 - betas
        self.alphas_cumprod = torch.cumprod(alphas, dim=0)
        self.alphas_cumprod_prev = F.pad(self.alphas_cumprod[:-1], (1, 0), value=1.0)
        self.sqrt_ab = torch.sqrt(self.alphas_cumprod)
        self.sqrt_1m_ab = torch.sqrt(1.0 - self.alphas_cumprod)
        self.posterior_variance = betas * (1.0 - self.alphas_cumprod_prev) / (1.0 - self.alphas_cumprod)
        self.posterior_log_var = torch.log(self.posterior_variance.clamp(min=1e-20))

    def q_sample(self, x0, t, noise):
        return extract(self.sqrt_ab, t, x0.shape) * x0 + extract(self.sqrt_1m_ab, t, x0.shape) * noise

    def loss(self, model, x0, t, noise):
        return F.mse_loss(model(self.q_sample(x0, t, noise), t), noise)

    @torch.no_grad()
    def ddim_sample(self, model, xT, n_steps):
        times = torch.linspace(self.steps - 1, 0, n_steps).long()
        x = xT
        for i, t in enumerate(times):
            tt = torch.full((x.shape[0],), int(t), dtype=torch.long)
            eps = model(x, tt)
            ab = self.alphas_cumprod[t]
            ab_prev = self.alphas_cumprod[times[i + 1]] if i + 1 < len(times) else torch.tensor(1.0)
            x0 = ((x - (1 - ab).sqrt() * eps) / ab.sqrt()).clamp(-3, 3)
            x = ab_prev.sqrt() * x0 + (1 - ab_prev).sqrt() * eps
        return x


def two_moons(rng, n):
    a = rng.uniform(0, np.pi, n)
    upper = rng.integers(0, 2, n)
    x = np.where(upper, np.cos(a), 1 - np.cos(a))
    y = np.where(upper, np.sin(a), 0.5 - np.sin(a))
    return np.stack([x, y], 1) + 0.05 * rng.standard_normal((n, 2))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    T = 50
    lin, cos = Diffusion(linear_beta_schedule(T)), Diffusion(cosine_beta_schedule(T))
    print("linear alphas_cumprod[0, 10, 49]:", [round(v, 8) for v in lin.alphas_cumprod[[0, 10, 49]].tolist()])
    print("cosine betas[0, 25, 49]:", [round(v, 8) for v in cos.betas[[0, 25, 49]].tolist()])
    print("posterior log var[1, 49]:", [round(v, 6) for v in lin.posterior_log_var[[1, 49]].tolist()])

    model = Denoiser()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
    emb = model.embed[0](torch.tensor([0, 7, 49]))
    print("timestep embedding sums:", [round(v, 6) for v in emb.sum(1).tolist()])

    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    data = torch.from_numpy(two_moons(rng, 256))
    for step in range(8):
        idx = torch.from_numpy(rng.integers(0, 256, 64))
        x0 = data[idx]
        t = torch.from_numpy(rng.integers(0, T, 64))
        noise = torch.from_numpy(rng.standard_normal((64, 2)))
        diffusion = lin if step % 2 == 0 else cos
        loss = diffusion.loss(model, x0, t, noise)
        opt.zero_grad()
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.8f} grad norm {gnorm.item():.8f}")

    x0 = data[:4].clone().requires_grad_(True)
    t = torch.tensor([3, 17, 30, 45])
    noise = torch.from_numpy(rng.standard_normal((4, 2)))
    lin.loss(model, x0, t, noise).backward()
    print("d loss / d x0:", [round(v, 8) for v in x0.grad.flatten().tolist()])

    xT = torch.from_numpy(rng.standard_normal((6, 2)))
    samples = lin.ddim_sample(model, xT, 10)
    print("ddim samples mean:", [round(v, 8) for v in samples.mean(0).tolist()])
    print("ddim samples std:", [round(v, 8) for v in samples.std(0).tolist()])
    print("first sample:", [round(v, 8) for v in samples[0].tolist()])
    samples_cos = cos.ddim_sample(model, xT, 5)
    print("cosine ddim norm:", round(samples_cos.norm().item(), 8), "requires grad:", samples_cos.requires_grad)
