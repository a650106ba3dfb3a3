"""A mixture-density network for a one-to-many inverse problem (x = y + 0.3 sin(2 pi y) + noise, predict y from
x), as Bishop's MDN is written in PyTorch: a network emitting mixture logits, means and log-scales, the negative
log-likelihood through MixtureSameFamily(Categorical(logits=), Independent(Normal(), 1)) checked against a
hand-written logsumexp form, Adam steps with the losses and the gradients of the logits printed, the predictive
mean, mode-seeking argmax component, variance by the law of total variance, samples drawn with sample(), the
mixture's cdf, and the component posteriors (responsibilities) through log_softmax. Float32; every random number
comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, Independent, MixtureSameFamily, Normal


class MDN(nn.Module):
    def __init__(self, hidden=24, components=3, out_dim=1):
        super().__init__()
        self.k, self.d = components, out_dim
        self.body = nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.logits = nn.Linear(hidden, components)
        self.means = nn.Linear(hidden, components * out_dim)
        self.log_scales = nn.Linear(hidden, components * out_dim)

    def forward(self, x):
        h = self.body(x)
        loc = self.means(h).view(-1, self.k, self.d)
        scale = F.softplus(self.log_scales(h)).view(-1, self.k, self.d) + 1e-3
        return self.logits(h), loc, scale

    def mixture(self, x):
        logits, loc, scale = self(x)
        return MixtureSameFamily(Categorical(logits=logits), Independent(Normal(loc, scale), 1))


def manual_nll(logits, loc, scale, y):
    log_pi = F.log_softmax(logits, dim=-1)
    comp = -0.5 * ((y.unsqueeze(1) - loc) / scale).pow(2) - scale.log() - 0.5 * math.log(2 * math.pi)
    return -torch.logsumexp(log_pi + comp.sum(-1), dim=-1).mean()


def main():
    torch.manual_seed(2707)
    y = torch.rand(80, 1)
    x = y + 0.3 * torch.sin(2 * math.pi * y) + 0.05 * torch.randn(80, 1)
    model = MDN()
    mix = model.mixture(x[:4])
    print(mix.batch_shape, mix.event_shape, mix.mixture_distribution.probs.shape)
    print(mix.log_prob(y[:4]), mix.mean, mix.variance)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(8):
        opt.zero_grad()
        logits, loc, scale = model(x)
        dist = MixtureSameFamily(Categorical(logits=logits), Independent(Normal(loc, scale), 1))
        nll = -dist.log_prob(y).mean()
        ref = manual_nll(logits, loc, scale, y)
        logits.retain_grad()
        nll.backward()
        opt.step()
        print(step, f"{nll.item():.6f}", torch.allclose(nll, ref), logits.grad.abs().sum().item() > 0,
              f"{logits.grad.norm().item():.6f}")
    with torch.no_grad():
        xq = torch.tensor([[0.2], [0.5], [0.8]])
        logits, loc, scale = model(xq)
        probs = logits.softmax(-1)
        mean = (probs.unsqueeze(-1) * loc).sum(1)
        var = (probs.unsqueeze(-1) * (scale.pow(2) + loc.pow(2))).sum(1) - mean.pow(2)
        mix = model.mixture(xq)
        print(mean.squeeze(-1), torch.allclose(mean, mix.mean), torch.allclose(var, mix.variance, atol=1e-6))
        best = probs.argmax(-1)
        print(best, loc[torch.arange(3), best].squeeze(-1))
        samples = mix.sample((5,))
        print(samples.shape, samples.squeeze(-1))
        comp_lp = Normal(loc, scale).log_prob(samples[0].unsqueeze(1)).sum(-1)
        resp = F.log_softmax(F.log_softmax(logits, -1) + comp_lp, dim=-1).exp()
        print(resp, torch.allclose(resp.sum(-1), torch.ones(3)))
    grid = torch.tensor([0.0, 0.5, 1.0])
    scalar_mix = MixtureSameFamily(Categorical(probs=torch.tensor([0.2, 0.5, 0.3])),
                                   Normal(torch.tensor([0.1, 0.5, 0.9]), torch.tensor([0.1, 0.2, 0.1])))
    print(scalar_mix.cdf(grid), scalar_mix.log_prob(grid), scalar_mix)
