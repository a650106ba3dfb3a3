"""Monte Carlo statistics in torch, as a probabilistic-programming course writes them, seeded by
torch.manual_seed(11), in float64 throughout: regression data from torch.randn / torch.rand, a random-walk
Metropolis-Hastings sampler for the posterior of a Bayesian linear regression (torch.randn proposals, log
acceptance against torch.rand(1).log()), its acceptance rate and posterior summaries, the bootstrap of the
least-squares fit with torch.randint resampling, a permutation test with torch.randperm, Monte Carlo
integration with torch.rand, and torch.distributions.Normal's log_prob and sample for the posterior
predictive. Float64, every random number from torch.manual_seed.
"""
import math

import torch
from torch.distributions import Normal

dt = torch.float64


def log_posterior(theta, X, y, noise_sd=0.5, prior_sd=2.0):
    pred = X @ theta
    log_lik = -0.5 * ((y - pred) / noise_sd).pow(2).sum()
    log_prior = -0.5 * (theta / prior_sd).pow(2).sum()
    return log_lik + log_prior


def main():
    torch.manual_seed(11)
    n = 40
    x = torch.rand(n, dtype=dt) * 4 - 2
    X = torch.stack([torch.ones(n, dtype=dt), x], dim=1)
    true_theta = torch.tensor([0.5, -1.25], dtype=dt)
    y = X @ true_theta + 0.5 * torch.randn(n, dtype=dt)
    print("first x:", x[:4], "first y:", y[:4])

    theta = torch.zeros(2, dtype=dt)
    current = log_posterior(theta, X, y)
    samples, accepted = [], 0
    for step in range(1500):
        proposal = theta + 0.15 * torch.randn(2, dtype=dt)
        proposed = log_posterior(proposal, X, y)
        if torch.rand(1, dtype=dt).log() < proposed - current:
            theta, current = proposal, proposed
            accepted += 1
        if step >= 500:
            samples.append(theta)
    samples = torch.stack(samples)
    print(f"acceptance rate {accepted / 1500:.4f}")
    print("chain at steps 500, 750, 1000:", samples[0].tolist(), samples[250].tolist(), samples[500].tolist())
    print("posterior mean:", samples.mean(0), "posterior sd:", samples.std(0))
    print("95% interval of the slope:", torch.quantile(samples[:, 1], torch.tensor([0.025, 0.975], dtype=dt)))

    ols = torch.linalg.lstsq(X, y.unsqueeze(1)).solution.squeeze(1)
    print("least squares:", ols)
    boot = []
    for b in range(200):
        idx = torch.randint(0, n, (n,))
        boot.append(torch.linalg.lstsq(X[idx], y[idx].unsqueeze(1)).solution.squeeze(1))
    boot = torch.stack(boot)
    print("bootstrap sd:", boot.std(0), "first resample:", idx[:8].tolist())

    group = torch.rand(n, dtype=dt) < 0.5 + 0.1 * x     # a treatment assigned at random, leaning on x
    observed = y[group].mean() - y[~group].mean()
    count = 0
    for _ in range(300):
        perm = torch.randperm(n)
        shuffled = group[perm]
        count += int((y[shuffled].mean() - y[~shuffled].mean()).abs() >= observed.abs())
    print(f"permutation test: observed {observed.item():.6f} p-value {count / 300:.4f}")

    u = torch.rand(20000, dtype=dt)
    estimate = (4 / (1 + u ** 2)).mean()
    print(f"Monte Carlo pi: {estimate.item():.6f} error {abs(estimate.item() - math.pi):.6f}")

    posterior = Normal(samples.mean(0), samples.std(0))
    print("log_prob of the truth:", posterior.log_prob(true_theta).sum().item())
    draws = posterior.sample((5,))
    x_new = torch.tensor([1.0, 1.5], dtype=dt)
    print("predictive draws at x=1.5:", draws @ x_new)
    noisy = Normal(draws @ x_new, 0.5).sample()
    print("with observation noise:", noisy.tolist())
