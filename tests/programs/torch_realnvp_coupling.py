"""RealNVP density estimation on 2-D data as the normalizing-flow tutorials write it: affine coupling layers with
alternating binary masks, a tanh-bounded scale network, the log-determinant summed from the scales, a standard
Normal base through torch.distributions, maximum-likelihood training with Adam, exact inversion checked on the
samples, and the Jacobian log-determinant compared against torch.autograd.functional.jacobian. Float64.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.autograd.functional import jacobian
from torch.distributions import MultivariateNormal


class Coupling(nn.Module):
    def __init__(self, mask, hidden=16):
        super().__init__()
        self.register_buffer("mask", mask)
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, 4))
        self.scale = nn.Parameter(torch.zeros(2, dtype=torch.float64))

    def st(self, x_masked):
        s, t = self.net(x_masked).chunk(2, dim=-1)
        s = self.scale * torch.tanh(s)
        return s * (1 - self.mask), t * (1 - self.mask)

    def forward(self, x):
        s, t = self.st(x * self.mask)
        y = x * self.mask + (1 - self.mask) * (x * torch.exp(s) + t)
        return y, s.sum(-1)

    def inverse(self, y):
        s, t = self.st(y * self.mask)
        return y * self.mask + (1 - self.mask) * ((y - t) * torch.exp(-s))


class RealNVP(nn.Module):
    def __init__(self, n_layers=4):
        super().__init__()
        masks = [torch.tensor([1.0, 0.0] if i % 2 == 0 else [0.0, 1.0], dtype=torch.float64) for i in range(n_layers)]
        self.layers = nn.ModuleList(Coupling(m) for m in masks)
        self.base = MultivariateNormal(torch.zeros(2, dtype=torch.float64), torch.eye(2, dtype=torch.float64))

    def forward(self, x):
        logdet = torch.zeros(x.shape[0], dtype=x.dtype)
        for layer in self.layers:
            x, ld = layer(x)
            logdet = logdet + ld
        return x, logdet

    def log_prob(self, x):
        z, logdet = self(x)
        return self.base.log_prob(z) + logdet

    def inverse(self, z):
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z


def two_moons(rng, n):
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], 1) + rng.normal(0, 0.08, (n, 2))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(8)
    flow = RealNVP().double()
    with torch.no_grad():
        for name, p in flow.named_parameters():
            p.copy_(torch.tensor(rng.normal(0, 0.3, tuple(p.shape)) if "scale" not in name else np.ones(2)))
    data = torch.tensor(two_moons(rng, 128))
    print("buffers:", [n for n, _ in flow.named_buffers()])
    opt = torch.optim.Adam(flow.parameters(), lr=1e-2)
    for step in range(15):
        nll = -flow.log_prob(data).mean()
        opt.zero_grad()
        nll.backward()
        opt.step()
        if step % 3 == 0 or step == 14:
            print(f"step {step}: nll {nll.item():.8f}")
    with torch.no_grad():
        z = torch.tensor(rng.standard_normal((6, 2)))
        x = flow.inverse(z)
        back, _ = flow(x)
        print("samples:", x)
        print("round trip error:", (back - z).abs().max().item() < 1e-12)
        print("log prob of samples:", flow.log_prob(x))
    point = data[:3]
    for i in range(3):
        jac = jacobian(lambda v: flow(v.unsqueeze(0))[0].squeeze(0), point[i])
        _, ld = flow(point[i:i + 1])
        print(f"point {i}: slogdet {torch.linalg.slogdet(jac).logabsdet.item():.10f} flow {ld.item():.10f}")
    print("scales:", flow.layers[0].scale.detach(), flow.layers[3].scale.detach())
