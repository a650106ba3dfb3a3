"""Variational inference with torch.distributions beyond the Normal, in float64: a MixtureSameFamily of
Independent Normals as the target, a LowRankMultivariateNormal variational family fitted by reparameterised
ELBO steps (Adam), a TransformedDistribution onto (0, 1) with ComposeTransform([AffineTransform, SigmoidTransform])
and its log_prob / sample / log_abs_det_jacobian, a StickBreakingTransform onto the simplex with its inverse,
kl_divergence between several pairs (Independent, LowRank vs MultivariateNormal, Categorical, Beta, Gamma,
Poisson), entropy / cdf / icdf / mean / variance, expand with batch shapes, and enumerate_support of discrete
distributions (expand=True and False).
"""
import torch
from torch.distributions import (Bernoulli, Beta, Binomial, Categorical, Gamma, Independent, Laplace,
                                 LowRankMultivariateNormal, MixtureSameFamily, MultivariateNormal, Normal,
                                 OneHotCategorical, Poisson, TransformedDistribution, Uniform, kl_divergence)
from torch.distributions.transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform,
                                            StickBreakingTransform)


def main():
    torch.manual_seed(0)
    dt = torch.float64
    mix = Categorical(logits=torch.tensor([0.2, -0.1, 0.5], dtype=dt))
    comp = Independent(Normal(torch.tensor([[-1.0, 0.5], [1.5, 1.0], [0.0, -1.5]], dtype=dt),
                              torch.tensor([[0.6, 0.8], [0.5, 0.4], [0.7, 0.5]], dtype=dt)), 1)
    target = MixtureSameFamily(mix, comp)
    print("mixture", target.batch_shape, target.event_shape, target.mean, target.variance)
    pts = torch.tensor([[0.0, 0.0], [1.5, 1.0], [-1.0, -1.0]], dtype=dt)
    print("mixture log_prob", target.log_prob(pts))
    print("mixture sample", target.sample((3,)))

    loc = torch.zeros(2, dtype=dt, requires_grad=True)
    factor = torch.full((2, 1), 0.1, dtype=dt, requires_grad=True)
    log_diag = torch.full((2,), -0.5, dtype=dt, requires_grad=True)
    opt = torch.optim.Adam([loc, factor, log_diag], lr=0.05)
    for step in range(6):
        opt.zero_grad()
        q = LowRankMultivariateNormal(loc, factor, log_diag.exp())
        z = q.rsample((64,))
        elbo = (target.log_prob(z) - q.log_prob(z)).mean()
        (-elbo).backward()
        opt.step()
        print(f"step {step} elbo {elbo.item():.10f} entropy {q.entropy().item():.10f} loc {loc.tolist()}")
    q = LowRankMultivariateNormal(loc.detach(), factor.detach(), log_diag.detach().exp())
    full = MultivariateNormal(torch.zeros(2, dtype=dt), torch.eye(2, dtype=dt))
    print("lowrank covariance", q.covariance_matrix, q.precision_matrix.diagonal())
    print("kl lowrank||mvn", kl_divergence(q, full).item())

    base = Normal(torch.tensor([0.0, 1.0], dtype=dt), torch.tensor([1.0, 0.5], dtype=dt))
    squash = ComposeTransform([AffineTransform(loc=0.5, scale=2.0), SigmoidTransform()])
    td = TransformedDistribution(base, [squash])
    u = td.sample((4,))
    print("transformed sample in (0,1)", bool(((u > 0) & (u < 1)).all()), u[0])
    y = torch.tensor([0.3, 0.8], dtype=dt)
    print("transformed log_prob", td.log_prob(y), "support", td.support)
    x = squash.inv(y)
    print("inverse", x, squash.log_abs_det_jacobian(x, y))
    lognormal = TransformedDistribution(base, ExpTransform())
    print("lognormal cdf", lognormal.cdf(torch.tensor([1.0, 2.0], dtype=dt)),
          "icdf", lognormal.icdf(torch.tensor([0.25, 0.5], dtype=dt)))

    sb = StickBreakingTransform()
    v = torch.tensor([[0.2, -0.3, 1.0], [0.4, 0.1, -0.7]], dtype=dt, requires_grad=True)
    simplex = sb(v)
    print("stick breaking", simplex, simplex.sum(-1))
    print("stick inverse", sb.inv(simplex), sb.log_abs_det_jacobian(v, simplex))
    sb.log_abs_det_jacobian(v, simplex).sum().backward()
    print("d logdet / dv", v.grad)

    p = Normal(torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt))
    r = Normal(torch.tensor([0.5, -0.5, 1.0], dtype=dt), torch.tensor([1.5, 0.5, 1.0], dtype=dt))
    print("kl independent", kl_divergence(Independent(r, 1), Independent(p, 1)).item(), kl_divergence(r, p))
    print("kl categorical", kl_divergence(Categorical(probs=torch.tensor([0.2, 0.3, 0.5], dtype=dt)),
                                          Categorical(logits=torch.zeros(3, dtype=dt))).item())
    print("kl beta", kl_divergence(Beta(torch.tensor(2.0, dtype=dt), torch.tensor(3.0, dtype=dt)),
                                   Beta(torch.tensor(1.0, dtype=dt), torch.tensor(1.0, dtype=dt))).item())
    print("kl gamma", kl_divergence(Gamma(torch.tensor(2.0, dtype=dt), torch.tensor(1.5, dtype=dt)),
                                    Gamma(torch.tensor(3.0, dtype=dt), torch.tensor(2.0, dtype=dt))).item())
    print("kl poisson", kl_divergence(Poisson(torch.tensor([1.0, 4.0], dtype=dt)),
                                      Poisson(torch.tensor([2.0, 3.0], dtype=dt))))
    print("kl uniform-normal", kl_divergence(Uniform(torch.tensor(-1.0, dtype=dt), torch.tensor(2.0, dtype=dt)),
                                             Normal(torch.tensor(0.0, dtype=dt), torch.tensor(1.0, dtype=dt))).item())

    lap = Laplace(torch.tensor([0.0, 1.0], dtype=dt), torch.tensor([1.0, 2.0], dtype=dt))
    print("laplace entropy", lap.entropy(), "cdf", lap.cdf(torch.tensor([0.5, 0.5], dtype=dt)),
          "icdf", lap.icdf(torch.tensor([0.1, 0.9], dtype=dt)))
    ex = lap.expand(torch.Size([3, 2]))
    print("expand", ex.batch_shape, ex.sample().shape, ex.log_prob(torch.zeros(3, 2, dtype=dt))[2])
    print("beta mean/var", Beta(torch.tensor([2.0], dtype=dt), torch.tensor([5.0], dtype=dt)).mean,
          Beta(torch.tensor([2.0], dtype=dt), torch.tensor([5.0], dtype=dt)).variance)

    bern = Bernoulli(probs=torch.tensor([0.3, 0.9], dtype=dt))
    print("bernoulli support", bern.enumerate_support(), bern.enumerate_support(expand=False).shape)
    binom = Binomial(3, torch.tensor([0.5, 0.2], dtype=dt))
    sup = binom.enumerate_support()
    print("binomial support", sup.squeeze(-1), binom.log_prob(sup).exp().sum(0))
    cat = Categorical(probs=torch.tensor([[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]], dtype=dt))
    print("categorical support", cat.enumerate_support(expand=False).shape, cat.log_prob(cat.enumerate_support()))
    oh = OneHotCategorical(probs=torch.tensor([0.2, 0.8], dtype=dt))
    print("one-hot support", oh.enumerate_support(), oh.entropy().item())


if __name__ == "__main__":
    main()
