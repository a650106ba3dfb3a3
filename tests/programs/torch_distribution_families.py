"""Probability code beyond the Normal: Bayesian updates and variational objectives written with torch.distributions;
tests run it as is and with only its imports changed, and compare what both print. Dirichlet / Beta / Gamma /
Exponential / Poisson / Binomial / StudentT / Laplace / LogNormal / Weibull / Gumbel log_prob, mean, variance,
mode and entropy; kl_divergence within families (Beta, Dirichlet, Gamma, Categorical, Independent Normals) and
across them (Normal-Laplace, Gamma-Normal, Uniform-Beta, Beta-Uniform, Exponential-Gumbel, Normal-Gumbel,
Uniform-Gamma); TransformedDistribution chains (AffineTransform, ExpTransform, SigmoidTransform,
TanhTransform, ComposeTransform) with log_abs_det_jacobian and inverse; cdf / icdf; a reparametrised ELBO whose
noise comes from NumPy, and its gradients; a conjugate Beta-Bernoulli update. Float64, NumPy data.
"""
import numpy as np
import torch
from torch.distributions import (Beta, Binomial, Categorical, Dirichlet, Exponential, Gamma, Gumbel, Independent,
                                 Laplace, LogNormal, Normal, Poisson, StudentT, TransformedDistribution, Uniform,
                                 Weibull,
                                 kl_divergence)
from torch.distributions.transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform,
                                            TanhTransform)


def main():
    rng = np.random.default_rng(113)
    conc = torch.tensor(rng.uniform(0.5, 3.0, size=(2, 4)), dtype=torch.float64, requires_grad=True)
    dirichlet = Dirichlet(conc)
    probs = torch.tensor(rng.dirichlet(np.ones(4), size=2), dtype=torch.float64)
    lp = dirichlet.log_prob(probs)
    print(lp, dirichlet.mean[0], dirichlet.variance[1], dirichlet.entropy())
    lp.sum().backward()
    print(conc.grad)
    prior = Dirichlet(torch.ones(4, dtype=torch.float64))
    print(kl_divergence(Dirichlet(conc.detach()), prior), kl_divergence(prior, Dirichlet(conc.detach()[0])))
    a = torch.tensor([2.0, 0.7, 5.0], dtype=torch.float64)
    b = torch.tensor([3.0, 0.7, 1.5], dtype=torch.float64)
    beta = Beta(a, b)
    x = torch.tensor([0.3, 0.05, 0.9], dtype=torch.float64)
    print(beta.log_prob(x), beta.mean, beta.variance, beta.entropy(), beta.mode)
    print(kl_divergence(beta, Beta(b, a)), kl_divergence(Beta(torch.tensor(1.0), torch.tensor(1.0)), Beta(torch.tensor(2.0), torch.tensor(2.0))))
    gamma = Gamma(torch.tensor([1.5, 4.0], dtype=torch.float64), torch.tensor([0.5, 2.0], dtype=torch.float64))
    print(gamma.log_prob(torch.tensor([2.0, 1.0], dtype=torch.float64)), gamma.mean, gamma.variance, gamma.entropy(),
          gamma.mode)
    print(kl_divergence(gamma, Gamma(torch.tensor(2.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))))
    expo = Exponential(torch.tensor([0.5, 3.0], dtype=torch.float64))
    t = torch.tensor([1.0, 0.2], dtype=torch.float64)
    print(expo.log_prob(t), expo.cdf(t), expo.icdf(torch.tensor([0.5, 0.9], dtype=torch.float64)), expo.entropy())
    print(kl_divergence(expo, Exponential(torch.tensor(1.0, dtype=torch.float64))))
    pois = Poisson(torch.tensor([0.5, 4.0, 10.0], dtype=torch.float64))
    k = torch.tensor([0.0, 3.0, 12.0], dtype=torch.float64)
    binom = Binomial(total_count=10, probs=torch.tensor([0.2, 0.5, 0.9], dtype=torch.float64))
    print(pois.log_prob(k), pois.mean, binom.log_prob(k.clamp(max=10)), binom.mean, binom.variance)
    student = StudentT(torch.tensor([3.0, 30.0], dtype=torch.float64), torch.tensor(0.5, dtype=torch.float64),
                       torch.tensor(2.0, dtype=torch.float64))
    lap = Laplace(torch.tensor(0.0, dtype=torch.float64), torch.tensor([1.0, 0.3], dtype=torch.float64))
    y = torch.tensor([1.5, -0.4], dtype=torch.float64)
    print(student.log_prob(y), student.variance, student.entropy(), lap.log_prob(y), lap.cdf(y), lap.icdf(lap.cdf(y)))
    lognorm = LogNormal(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([0.5, 0.25], dtype=torch.float64))
    weib = Weibull(torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([1.5, 0.8], dtype=torch.float64))
    gum = Gumbel(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64))
    z = torch.tensor([0.8, 2.5], dtype=torch.float64)
    print(lognorm.log_prob(z), lognorm.mean, lognorm.variance, lognorm.entropy())
    print(weib.log_prob(z), weib.mean, weib.cdf(z), gum.log_prob(z), gum.mean, gum.entropy(), gum.cdf(z))
    normal = Normal(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 0.5], dtype=torch.float64))
    print(kl_divergence(normal, Normal(torch.tensor(0.5, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64))),
          kl_divergence(normal, Laplace(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))))
    unif = Uniform(torch.tensor([0.0, 0.2], dtype=torch.float64), torch.tensor([1.0, 0.6], dtype=torch.float64))
    print(kl_divergence(gamma, normal), kl_divergence(unif, Beta(a[:2], b[:2])), kl_divergence(Beta(a[:2], b[:2]), unif),
          kl_divergence(expo, Gumbel(torch.tensor(0.5, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64))),
          kl_divergence(unif, gamma), kl_divergence(normal, Gumbel(torch.tensor(1.0, dtype=torch.float64), torch.tensor(1.5, dtype=torch.float64))))
    p = Categorical(logits=torch.tensor([[1.0, 0.0, -1.0], [0.2, 0.2, 3.0]], dtype=torch.float64))
    q = Categorical(probs=torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))
    print(kl_divergence(p, q), p.entropy(), p.log_prob(torch.tensor([2, 0])), p.probs[1])
    ind = Independent(normal, 1)
    print(ind.log_prob(z), kl_divergence(ind, Independent(Normal(torch.zeros(2, dtype=torch.float64),
                                                                  torch.ones(2, dtype=torch.float64)), 1)),
          ind.batch_shape, ind.event_shape)
    base = Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    logit_normal = TransformedDistribution(base, [AffineTransform(0.5, 2.0), SigmoidTransform()])
    u = torch.tensor([0.1, 0.5, 0.95], dtype=torch.float64)
    print(logit_normal.log_prob(u), logit_normal.cdf(u), logit_normal.icdf(torch.tensor([0.25, 0.75], dtype=torch.float64)))
    chain = ComposeTransform([AffineTransform(1.0, 3.0), ExpTransform()])
    v = torch.tensor([-0.5, 0.0, 0.7], dtype=torch.float64)
    out = chain(v)
    print(out, chain.inv(out), chain.log_abs_det_jacobian(v, out))
    squash = TransformedDistribution(Normal(torch.tensor([0.0, 0.5], dtype=torch.float64),
                                            torch.tensor([1.0, 0.3], dtype=torch.float64)), [TanhTransform()])
    act = torch.tensor([0.3, -0.6], dtype=torch.float64)
    print(squash.log_prob(act), TanhTransform().inv(act), TanhTransform().log_abs_det_jacobian(v, torch.tanh(v)))
    mu = torch.tensor([0.3, -0.2], dtype=torch.float64, requires_grad=True)
    log_sigma = torch.tensor([-0.5, 0.1], dtype=torch.float64, requires_grad=True)
    eps = torch.tensor(rng.standard_normal((64, 2)), dtype=torch.float64)
    data = torch.tensor(rng.normal(1.0, 0.7, size=(20, 2)), dtype=torch.float64)
    for _ in range(3):
        q_w = Normal(mu, log_sigma.exp())
        w = mu + log_sigma.exp() * eps
        lik = Normal(w.unsqueeze(1), 0.7).log_prob(data).sum((1, 2)).mean()
        kl = kl_divergence(q_w, Normal(torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64))).sum()
        elbo = lik - kl
        mu.grad = None
        log_sigma.grad = None
        (-elbo).backward()
        print(f"elbo {elbo.item():.6f}", mu.grad, log_sigma.grad, q_w.log_prob(w).sum().item())
        with torch.no_grad():
            mu -= 0.01 * mu.grad
            log_sigma -= 0.01 * log_sigma.grad
    flips = torch.tensor(rng.integers(0, 2, size=30), dtype=torch.float64)
    post = Beta(1.0 + flips.sum(), 1.0 + (1 - flips).sum())
    print(post.mean, post.variance, post.log_prob(torch.tensor(0.5, dtype=torch.float64)), kl_divergence(post, Beta(1.0, 1.0)))


if __name__ == "__main__":
    main()
