"""A discrete (categorical) variational autoencoder with the Gumbel-softmax relaxation, written for PyTorch the way
Gumbel-softmax tutorials write it; tests run it as is and with only its imports changed, and compare what both print.
Gumbel noise -log(-log(U)) from uniforms drawn by a seeded NumPy generator (so both libraries see the same noise),
the tempered softmax with an annealed temperature, the straight-through hard sample (one_hot of argmax,
y_hard - y_soft.detach() + y_soft), the KL to a uniform categorical prior written by hand and checked against
torch.distributions.kl_divergence of OneHotCategorical distributions, the relaxed log-density from
RelaxedOneHotCategorical.log_prob, a Bernoulli decoder with BCE-with-logits, Adam with an exponential temperature
schedule, and reconstructions from argmax codes. Binary patterns from NumPy; float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import OneHotCategorical, RelaxedOneHotCategorical, kl_divergence

LATENTS, CATS, PIXELS = 3, 4, 12


class DVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(PIXELS, 16), nn.ELU(), nn.Linear(16, LATENTS * CATS))
        self.dec = nn.Sequential(nn.Linear(LATENTS * CATS, 16), nn.ELU(), nn.Linear(16, PIXELS))

    def forward(self, x, uniforms, tau, hard):
        logits = self.enc(x).view(-1, LATENTS, CATS)
        gumbel = -torch.log(-torch.log(uniforms))
        y_soft = F.softmax((logits + gumbel) / tau, dim=-1)
        if hard:
            y_hard = F.one_hot(y_soft.argmax(-1), CATS).to(y_soft.dtype)
            z = y_hard - y_soft.detach() + y_soft
        else:
            z = y_soft
        return self.dec(z.flatten(1)), logits, y_soft


def kl_uniform(logits):
    q = F.softmax(logits, -1)
    return (q * (F.log_softmax(logits, -1) + math.log(CATS))).sum((-1, -2))


def data(rng, n):
    protos = np.array([[1] * 6 + [0] * 6, [0] * 6 + [1] * 6, [1, 0] * 6, [0, 1] * 6], dtype=np.float64)
    x = protos[rng.integers(0, 4, n)]
    flip = rng.uniform(0, 1, x.shape) < 0.05
    return torch.from_numpy(np.where(flip, 1 - x, x))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(89)
    model = DVAE()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
    x = data(rng, 32)
    logits = model.enc(x[:2]).view(-1, LATENTS, CATS)
    by_hand = kl_uniform(logits)
    prior = OneHotCategorical(probs=torch.full((LATENTS, CATS), 1.0 / CATS))
    by_dist = torch.stack([kl_divergence(OneHotCategorical(logits=l), prior).sum() for l in logits])
    print("kl by hand:", [round(v, 8) for v in by_hand.tolist()], "by distributions:",
          [round(v, 8) for v in by_dist.tolist()])
    relaxed = RelaxedOneHotCategorical(torch.tensor(0.5), logits=logits[0])
    sample = F.softmax(logits[0] / 0.5, -1)
    print("relaxed log_prob:", [round(v, 6) for v in relaxed.log_prob(sample).tolist()])

    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    tau = 1.0
    for epoch in range(8):
        u = torch.from_numpy(rng.uniform(1e-10, 1.0, (32, LATENTS, CATS)))
        hard = epoch >= 4
        recon_logits, logits, y_soft = model(x, u, tau, hard)
        recon = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum") / 32
        kl = kl_uniform(logits).mean()
        loss = recon + kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} tau {tau:.4f} hard {hard}: recon {recon.item():.8f} kl {kl.item():.8f}"
              f" max prob {y_soft.max(-1).values.mean().item():.6f}")
        tau = max(0.3, tau * math.exp(-0.2))
    with torch.no_grad():
        codes = model.enc(x[:4]).view(-1, LATENTS, CATS).argmax(-1)
        z = F.one_hot(codes, CATS).to(torch.float64).flatten(1)
        recon = torch.sigmoid(model.dec(z))
    print("codes:", codes.tolist())
    print("reconstruction error:", round((recon.round() - x[:4]).abs().mean().item(), 6))
    print("decoder first-layer grad norm:", round(model.dec[0].weight.grad.norm().item(), 8))
