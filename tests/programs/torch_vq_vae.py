"""A vector-quantised autoencoder (VQ-VAE) written for PyTorch the way VQ-VAE reimplementations write it; tests run
it as is and with only its imports changed, and compare what both print. A Conv1d encoder and ConvTranspose1d
decoder, nearest-codebook lookup by expanded squared distances (torch.argmin, F.embedding), the straight-through
estimator z + (z_q - z).detach(), codebook and commitment losses, exponential-moving-average codebook updates with
one_hot / index_add_ / bincount and Laplace smoothing in buffers, codebook perplexity and usage, dead-code
restarts from fixed encoder outputs, and a second model trained with the loss-based codebook instead of EMA.
Signals from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class VectorQuantizer(nn.Module):
    def __init__(self, codes, dim, beta=0.25, ema=True, decay=0.9, eps=1e-5):
        super().__init__()
        self.codebook = nn.Embedding(codes, dim)
        self.beta, self.ema, self.decay, self.eps = beta, ema, decay, eps
        if ema:
            self.codebook.weight.requires_grad_(False)
            self.register_buffer("cluster_size", torch.zeros(codes))
            self.register_buffer("embed_sum", torch.zeros(codes, dim))

    def forward(self, z):
        B, D, L = z.shape
        flat = z.permute(0, 2, 1).reshape(-1, D)
        w = self.codebook.weight
        d = flat.pow(2).sum(1, keepdim=True) - 2 * flat @ w.t() + w.pow(2).sum(1)
        idx = torch.argmin(d, dim=1)
        zq = F.embedding(idx, w).view(B, L, D).permute(0, 2, 1)
        if self.ema and self.training:
            with torch.no_grad():
                onehot = F.one_hot(idx, w.shape[0]).to(flat.dtype)
                self.cluster_size.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
                sums = torch.zeros_like(self.embed_sum).index_add_(0, idx, flat)
                self.embed_sum.mul_(self.decay).add_(sums, alpha=1 - self.decay)
                n = self.cluster_size.sum()
                size = (self.cluster_size + self.eps) / (n + w.shape[0] * self.eps) * n
                self.codebook.weight.copy_(self.embed_sum / size.unsqueeze(1))
            loss = self.beta * F.mse_loss(z, zq.detach())
        else:
            loss = F.mse_loss(zq, z.detach()) + self.beta * F.mse_loss(z, zq.detach())
        zq = z + (zq - z).detach()
        counts = torch.bincount(idx, minlength=w.shape[0]).to(flat.dtype)
        probs = counts / counts.sum()
        perplexity = torch.exp(-(probs * torch.log(probs + 1e-10)).sum())
        return zq, loss, idx, perplexity


class VQVAE(nn.Module):
    def __init__(self, codes=8, dim=4, ema=True):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(1, 8, 4, stride=2, padding=1), nn.ReLU(), nn.Conv1d(8, dim, 3, padding=1))
        self.vq = VectorQuantizer(codes, dim, ema=ema)
        self.dec = nn.Sequential(nn.Conv1d(dim, 8, 3, padding=1), nn.ReLU(),
                                 nn.ConvTranspose1d(8, 1, 4, stride=2, padding=1))

    def forward(self, x):
        z = self.enc(x)
        zq, vq_loss, idx, ppl = self.vq(z)
        return self.dec(zq), vq_loss, idx, ppl, z


def signals(rng, n, length=16):
    t = np.linspace(0, 1, length)
    freq = rng.integers(1, 4, n)[:, None]
    phase = rng.uniform(0, np.pi, (n, 1))
    return torch.from_numpy((np.sin(2 * np.pi * freq * t + phase) + 0.05 * rng.standard_normal((n, length)))[:, None])


def init(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
        model.vq.codebook.weight.copy_(torch.from_numpy(rng.normal(0, 0.5, tuple(model.vq.codebook.weight.shape))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(59)
    x = signals(rng, 24)
    for ema in (True, False):
        model = VQVAE(ema=ema)
        init(model, rng)
        if ema:
            model.vq.embed_sum.copy_(model.vq.codebook.weight)
            model.vq.cluster_size.fill_(1.0)
        opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=3e-3)
        label = "ema" if ema else "loss"
        for step in range(6):
            recon, vq_loss, idx, ppl, z = model(x)
            rec = F.mse_loss(recon, x)
            loss = rec + vq_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"{label} step {step}: recon {rec.item():.8f} vq {vq_loss.item():.8f} perplexity {ppl.item():.6f}")
        usage = torch.bincount(idx, minlength=8)
        print(f"{label} code usage:", usage.tolist())
        dead = (usage == 0).nonzero().flatten()
        if len(dead):
            with torch.no_grad():
                flat = z.detach().permute(0, 2, 1).reshape(-1, 4)
                model.vq.codebook.weight[dead] = flat[:len(dead)]
            print(f"{label} restarted codes:", dead.tolist())
        print(f"{label} encoder grad norm:", round(model.enc[0].weight.grad.norm().item(), 8))
    print("fresh ema buffers:", VQVAE().vq.cluster_size.sum().item(), tuple(VQVAE().vq.embed_sum.shape))
