"""Bayes by backprop for a small regression network, written for PyTorch with torch.distributions: every weight has
a mean-field Normal posterior (softplus scales) sampled with rsample, the KL to a scale-mixture-free Normal prior
comes from kl_divergence between Independent distributions, the noise precision has a Gamma posterior sampled
through a TransformedDistribution (LogNormal built from Normal and ExpTransform), and the predictive is summarised
by Monte Carlo samples, a Normal mixture (MixtureSameFamily) and its quantiles by bisection on cdf. Float64, all
draws from torch.manual_seed."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import (Categorical, ExpTransform, Gamma, Independent, LogNormal, MixtureSameFamily,
                                 Normal, TransformedDistribution, kl_divergence)


class BayesLinear(nn.Module):
    def __init__(self, n_in, n_out, prior_scale=1.0):
        super().__init__()
        self.mu = nn.Parameter(torch.randn(n_out, n_in) * 0.3)
        self.rho = nn.Parameter(torch.full((n_out, n_in), -3.0))
        self.b_mu = nn.Parameter(torch.zeros(n_out))
        self.b_rho = nn.Parameter(torch.full((n_out,), -3.0))
        self.prior = Independent(Normal(torch.zeros(n_out, n_in), prior_scale * torch.ones(n_out, n_in)), 2)

    def posterior(self):
        return Independent(Normal(self.mu, F.softplus(self.rho)), 2)

    def forward(self, x):
        q = self.posterior()
        w = q.rsample()
        b = Normal(self.b_mu, F.softplus(self.b_rho)).rsample()
        self.kl = kl_divergence(q, self.prior) + kl_divergence(
            Normal(self.b_mu, F.softplus(self.b_rho)), Normal(torch.zeros_like(self.b_mu), 1.0)).sum()
        return F.linear(x, w, b)


class BayesNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = BayesLinear(1, 16)
        self.l2 = BayesLinear(16, 1)
        self.log_noise_loc = nn.Parameter(torch.tensor(-1.0))

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x))).squeeze(-1)

    def kl(self):
        return self.l1.kl + self.l2.kl


def main():
    torch.manual_seed(1616)
    torch.set_default_dtype(torch.float64)
    x = torch.linspace(-2.0, 2.0, 40).unsqueeze(1)
    y = torch.sin(2.0 * x.squeeze(1)) + 0.1 * torch.randn(40)
    print("data", x.shape, y[:4])
    net = BayesNet()
    print("posterior", net.l1.posterior().batch_shape, net.l1.posterior().event_shape,
          net.l1.prior.log_prob(torch.zeros(16, 1)).item())
    noise = TransformedDistribution(Normal(net.log_noise_loc, 0.1), [ExpTransform()])
    lognormal = LogNormal(net.log_noise_loc, 0.1)
    s = torch.tensor([0.2, 0.5])
    print("transformed == lognormal", torch.allclose(noise.log_prob(s), lognormal.log_prob(s)))
    opt = torch.optim.Adam(net.parameters(), lr=0.03)
    for step in range(60):
        opt.zero_grad()
        pred = net(x)
        sigma = TransformedDistribution(Normal(net.log_noise_loc, 0.1), [ExpTransform()]).rsample()
        nll = -Normal(pred, sigma).log_prob(y).sum()
        loss = nll + net.kl() / 10.0
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:2d} nll {nll.item():.6f} kl {net.kl().item():.6f} sigma {sigma.item():.6f}")

    with torch.no_grad():
        samples = torch.stack([net(x) for _ in range(50)])
    mean, std = samples.mean(0), samples.std(0)
    print("predictive mean", mean[::8])
    print("predictive std", std[::8])
    print("coverage 2sd", ((y - mean).abs() < 2 * std + 0.1).double().mean().item())

    mix = MixtureSameFamily(Categorical(logits=torch.zeros(50)), Normal(samples[:, 20], torch.tensor(0.1)))
    print("mixture mean/var", mix.mean.item(), mix.variance.item())
    lo, hi = torch.tensor(-5.0), torch.tensor(5.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        if mix.cdf(mid) < 0.9:
            lo = mid
        else:
            hi = mid
    print("90% quantile", round(mid.item(), 10), "log_prob", mix.log_prob(mid).item())
    g = Gamma(torch.tensor([2.0, 5.0]), torch.tensor([1.0, 0.5]))
    rates = torch.linspace(0.5, 3.0, 4).unsqueeze(1)
    print("gamma log_prob", g.log_prob(rates), g.cdf(rates)[:, 1])
    print("gamma entropy", g.entropy(), "kl", kl_divergence(g, Gamma(torch.tensor([1.0, 1.0]), torch.tensor([1.0, 1.0]))))
    print("rho grad", net.l1.rho.grad[:3, 0])
    print("softplus scales", F.softplus(net.l2.rho)[0, :5])
    print("snr", (net.l1.mu.abs() / F.softplus(net.l1.rho)).mean().item(), math.isfinite(loss.item()))


if __name__ == "__main__":
    main()
