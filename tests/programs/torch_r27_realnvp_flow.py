"""A RealNVP normalising flow on 2-D two-moons-like data, as the flow tutorials write it in PyTorch: affine
coupling layers with alternating binary masks, scale through tanh times a learnable per-dimension factor, the
log-determinant summed per sample, the base density an Independent(Normal) from torch.distributions, exact
log-likelihood training with Adam and a StepLR, the inverse pass checked to reconstruct the input, sampling by
pushing base rsample()s through the inverse, and the same density as a TransformedDistribution of library
transforms (AffineTransform, SigmoidTransform, TanhTransform, ComposeTransform) with its log_abs_det_jacobian and
entropy of the base. Float32; every random number comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
from torch.distributions import Independent, Normal, TransformedDistribution
from torch.distributions.transforms import AffineTransform, ComposeTransform, SigmoidTransform, TanhTransform


class Coupling(nn.Module):
    def __init__(self, mask, hidden=16):
        super().__init__()
        self.register_buffer("mask", mask)
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(0.1), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.1), nn.Linear(hidden, 4))
        self.scale = nn.Parameter(torch.ones(2))

    def forward(self, x):
        xm = x * self.mask
        s, t = self.net(xm).chunk(2, dim=-1)
        s = self.scale * torch.tanh(s) * (1 - self.mask)
        t = t * (1 - self.mask)
        y = xm + (1 - self.mask) * (x * torch.exp(s) + t)
        return y, s.sum(dim=-1)

    def inverse(self, y):
        ym = y * self.mask
        s, t = self.net(ym).chunk(2, dim=-1)
        s = self.scale * torch.tanh(s) * (1 - self.mask)
        t = t * (1 - self.mask)
        return ym + (1 - self.mask) * (y - t) * torch.exp(-s)


class RealNVP(nn.Module):
    def __init__(self, layers=4):
        super().__init__()
        masks = [torch.tensor([1.0, 0.0]) if i % 2 == 0 else torch.tensor([0.0, 1.0]) for i in range(layers)]
        self.couplings = nn.ModuleList([Coupling(m) for m in masks])
        self.base = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)

    def forward(self, x):
        log_det = torch.zeros(x.shape[0])
        for c in self.couplings:
            x, ld = c(x)
            log_det = log_det + ld
        return x, log_det

    def log_prob(self, x):
        z, log_det = self(x)
        return self.base.log_prob(z) + log_det

    def inverse(self, z):
        for c in reversed(self.couplings):
            z = c.inverse(z)
        return z


def moons(n):
    t = torch.rand(n) * math.pi
    upper = torch.rand(n) < 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return torch.stack([x, y], dim=1) + 0.05 * torch.randn(n, 2)


def main():
    torch.manual_seed(2706)
    flow = RealNVP()
    data = moons(64)
    z, log_det = flow(data)
    print(z[:3], log_det[:3], log_det.grad_fn.name())
    print(flow.base, flow.base.event_shape, flow.base.batch_shape)
    rec = flow.inverse(z)
    print(torch.allclose(rec, data, atol=1e-5), (rec - data).abs().max() < 1e-5)
    opt = torch.optim.Adam(flow.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for step in range(6):
        batch = data[step * 10:(step + 1) * 10]
        opt.zero_grad()
        nll = -flow.log_prob(batch).mean()
        nll.backward()
        opt.step()
        sched.step()
        print(step, f"{nll.item():.6f}", flow.couplings[0].scale.grad, sched.get_last_lr())
    with torch.no_grad():
        zs = flow.base.rsample((4,))
        samples = flow.inverse(zs)
        print(zs, samples, flow.log_prob(samples))

    squash = ComposeTransform([AffineTransform(loc=torch.tensor([0.5, -0.5]), scale=torch.tensor([2.0, 0.5])),
                               TanhTransform(cache_size=1)])
    dist = TransformedDistribution(Normal(torch.zeros(2), torch.ones(2)), [squash])
    u = dist.rsample((3,))
    print(u, dist.log_prob(u), squash.log_abs_det_jacobian(squash.inv(u), u))
    sig = TransformedDistribution(Normal(torch.tensor(0.3), torch.tensor(1.2)), SigmoidTransform())
    p = torch.tensor([0.1, 0.5, 0.9], requires_grad=True)
    lp = sig.log_prob(p)
    lp.sum().backward()
    print(lp, p.grad, sig.base_dist.entropy(), squash.event_dim, squash.bijective)
