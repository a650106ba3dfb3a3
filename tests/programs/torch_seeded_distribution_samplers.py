"""Sampling from torch.distributions as a Bayesian-modelling notebook does, seeded by torch.manual_seed alone:
Normal.rsample with a reparameterised gradient, Categorical.sample with sample_shape, Bernoulli from logits,
Gamma / Beta / Dirichlet draws (rejection samplers whose consumption of the stream varies), MultivariateNormal
from a covariance and from a scale_tril, log_prob / entropy of what was drawn, a Monte-Carlo ELBO optimised a few
steps with Adam, and the global stream afterwards. Float64.
"""
import torch
from torch.distributions import (Bernoulli, Beta, Categorical, Dirichlet, Gamma, MultivariateNormal, Normal,
                                 kl_divergence)


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1234)
    loc = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
    scale = torch.tensor([1.0, 0.5, 2.0], requires_grad=True)
    q = Normal(loc, scale)
    z = q.rsample((4,))
    print("rsample shape:", tuple(z.shape), "has grad:", z.requires_grad)
    print("rsample[0]:", z[0])
    (z ** 2).mean().backward()
    print("grad loc:", loc.grad, "grad scale:", scale.grad)
    print("sample (no grad):", q.sample(), "log_prob:", q.log_prob(z[1]).detach())

    cat = Categorical(probs=torch.tensor([0.1, 0.2, 0.3, 0.4]))
    draws = cat.sample((2, 5))
    print("categorical:", draws.tolist(), "dtype:", draws.dtype)
    print("categorical log_prob:", cat.log_prob(draws[0]), "entropy:", cat.entropy().item())
    batch_cat = Categorical(logits=torch.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    print("batched categorical:", batch_cat.sample((3,)).tolist())

    bern = Bernoulli(logits=torch.tensor([-1.0, 0.0, 2.0]))
    b = bern.sample((3,))
    print("bernoulli:", b.tolist(), "log_prob sum:", bern.log_prob(b).sum().item())

    gamma = Gamma(torch.tensor([0.5, 2.0, 5.0]), torch.tensor([1.0, 2.0, 0.5]))
    g = gamma.sample((2,))
    print("gamma:", g)
    print("gamma log_prob:", gamma.log_prob(g))
    beta = Beta(torch.tensor([2.0, 0.5]), torch.tensor([3.0, 0.5]))
    bt = beta.sample((3,))
    print("beta:", bt)
    dirichlet = Dirichlet(torch.tensor([1.0, 2.0, 3.0]))
    d = dirichlet.sample((2,))
    print("dirichlet:", d, "rows sum:", d.sum(-1))
    print("dirichlet log_prob:", dirichlet.log_prob(d))

    cov = torch.tensor([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
    mvn = MultivariateNormal(torch.zeros(3), covariance_matrix=cov)
    m = mvn.sample((3,))
    print("mvn sample:", m)
    print("mvn log_prob:", mvn.log_prob(m), "entropy:", mvn.entropy().item())
    tril = torch.linalg.cholesky(cov)
    mvn2 = MultivariateNormal(torch.ones(3), scale_tril=tril)
    print("mvn scale_tril rsample:", mvn2.rsample())

    # a Monte-Carlo ELBO for a Normal posterior over a Normal-likelihood mean
    data = torch.randn(20) * 0.7 + 1.5
    mu = torch.zeros(1, requires_grad=True)
    log_sigma = torch.zeros(1, requires_grad=True)
    prior = Normal(torch.zeros(1), torch.ones(1))
    opt = torch.optim.Adam([mu, log_sigma], lr=0.1)
    for step in range(6):
        opt.zero_grad()
        post = Normal(mu, log_sigma.exp())
        theta = post.rsample((8,))
        ll = Normal(theta, 0.7).log_prob(data).sum(-1).mean()
        elbo = ll - kl_divergence(post, prior).sum()
        (-elbo).backward()
        opt.step()
        print(f"elbo step {step}: {elbo.item():.8f}")
    print("posterior:", mu.item(), log_sigma.exp().item())
    print("global stream after:", torch.rand(3))
