"""A mixture density network and a RealNVP-style normalizing flow, written for PyTorch; tests run them as is and
with only their imports changed, and compare what both print. The MDN predicts a MixtureSameFamily of
Independent Normals (Categorical logits, softplus scales) and trains on the negative log_prob; the flow stacks
affine coupling layers with masks as buffers, accumulates log|det J|, trains by maximum likelihood against an
Independent(Normal) base, and samples with rsample / inverts the couplings. Float64 and weights and noise from a
seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical, Independent, MixtureSameFamily, Normal


class MDN(nn.Module):
    def __init__(self, k=3, d=2, hidden=16):
        super().__init__()
        self.k, self.d = k, d
        self.body = nn.Sequential(nn.Linear(1, hidden), nn.Tanh())
        self.logits = nn.Linear(hidden, k)
        self.loc = nn.Linear(hidden, k * d)
        self.scale = nn.Linear(hidden, k * d)

    def forward(self, x):
        h = self.body(x)
        loc = self.loc(h).view(-1, self.k, self.d)
        scale = F.softplus(self.scale(h)).view(-1, self.k, self.d) + 1e-3
        comps = Independent(Normal(loc, scale), 1)
        return MixtureSameFamily(Categorical(logits=self.logits(h)), comps)


class Coupling(nn.Module):
    def __init__(self, mask, hidden=12):
        super().__init__()
        self.register_buffer("mask", mask)
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 4))

    def forward(self, x):
        s, t = self.net(x * self.mask).chunk(2, dim=-1)
        s = torch.tanh(s) * (1 - self.mask)
        t = t * (1 - self.mask)
        return x * torch.exp(s) + t, s.sum(-1)

    def inverse(self, y):
        s, t = self.net(y * self.mask).chunk(2, dim=-1)
        s = torch.tanh(s) * (1 - self.mask)
        return (y - t * (1 - self.mask)) * torch.exp(-s)


class Flow(nn.Module):
    def __init__(self, n_layers=4):
        super().__init__()
        masks = [torch.tensor([1.0, 0.0] if i % 2 == 0 else [0.0, 1.0], dtype=torch.float64)
                 for i in range(n_layers)]
        self.layers = nn.ModuleList([Coupling(m) for m in masks])
        self.base = Independent(Normal(torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)), 1)

    def log_prob(self, x):
        log_det = torch.zeros(x.shape[0], dtype=x.dtype)
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld
        return self.base.log_prob(x) + log_det

    def sample(self, eps):
        z = eps
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z


def load_weights(model, rng, scale=0.3):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(scale * rng.standard_normal(tuple(p.shape))))


def main():
    rng = np.random.default_rng(29)
    x = rng.uniform(-1, 1, (120, 1))
    branch = rng.integers(0, 2, (120, 1))
    y = np.concatenate([np.sin(3 * x) * (2 * branch - 1), x ** 2], axis=1) + 0.05 * rng.standard_normal((120, 2))
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    mdn = MDN().double()
    load_weights(mdn, rng)
    dist = mdn(x[:4])
    print("mdn shapes", dist.batch_shape, dist.event_shape, dist.mixture_distribution.probs.shape,
          dist.component_distribution.base_dist.loc.shape)
    opt = optim.Adam(mdn.parameters(), lr=0.02)
    for epoch in range(8):
        for b in range(0, 120, 40):
            nll = -mdn(x[b:b + 40]).log_prob(y[b:b + 40]).mean()
            opt.zero_grad()
            nll.backward()
            opt.step()
        print(f"mdn epoch {epoch} nll {nll.item():.6f} logits grad {mdn.logits.weight.grad.norm().item():.6f}")
    with torch.no_grad():
        dist = mdn(torch.tensor([[0.5], [-0.5]], dtype=torch.float64))
        print("mixture mean", dist.mean, "variance", dist.variance)
        print("weights", dist.mixture_distribution.probs, "cdf-free lp", dist.log_prob(torch.zeros(2, 2)))

    data = torch.from_numpy(np.stack([rng.standard_normal(256), rng.standard_normal(256)], 1) @
                            np.array([[1.0, 0.0], [0.8, 0.4]]) + np.array([1.0, -0.5]))
    flow = Flow().double()
    load_weights(flow, rng, scale=0.1)
    print("buffers", [n for n, _ in flow.named_buffers()], len(list(flow.parameters())))
    opt = optim.Adam(flow.parameters(), lr=0.01)
    for epoch in range(6):
        perm = rng.permutation(256)
        for b in range(0, 256, 64):
            loss = -flow.log_prob(data[perm[b:b + 64]]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"flow epoch {epoch} nll {loss.item():.6f} bits/dim {loss.item() / (2 * math.log(2)):.6f}")
    with torch.no_grad():
        eps = torch.from_numpy(rng.standard_normal((500, 2)))
        samples = flow.sample(eps)
        print("flow sample mean", samples.mean(0), "cov", torch.cov(samples.T))
        back = samples
        for layer in flow.layers:
            back, _ = layer(back)
        print("roundtrip", torch.allclose(back, eps), (back - eps).abs().max().item() < 1e-10)
    z = flow.base.rsample((3,))
    print("rsample", z.shape, z.requires_grad, flow.base.entropy().item(), flow.base.event_shape)


if __name__ == "__main__":
    main()
