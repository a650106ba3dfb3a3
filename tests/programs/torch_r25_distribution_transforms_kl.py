"""Bijections and KL terms as variational-inference code uses torch.distributions: tests run it as is and with only
its imports changed, and compare what both print. StickBreakingTransform and CorrCholeskyTransform forward,
inverse and log-det, biject_to / transform_to on constraints (simplex, positive, interval, lower_cholesky,
greater_than), ComposeTransform with event dims, TransformedDistribution built from them (log_prob and its
gradients), PowerTransform / SoftplusTransform / TanhTransform caching, a KL pair registered by the user with
register_kl beside the built-in pairs (Gamma-Gamma, Beta-Beta, Dirichlet-Dirichlet, Laplace-Normal,
Exponential-Gamma, Independent Normals, LowRank-MVN), and a fitted mean-field posterior through reparameterized
samples. Float64, torch.manual_seed.
"""
import torch
from torch.distributions import (Beta, Dirichlet, Exponential, Gamma, Independent, Laplace, LogNormal,
                                 LowRankMultivariateNormal, MultivariateNormal, Normal, TransformedDistribution,
                                 Uniform, biject_to, constraints, kl_divergence, register_kl, transform_to)
from torch.distributions.transforms import (AffineTransform, ComposeTransform, CorrCholeskyTransform, ExpTransform,
                                            PowerTransform, SigmoidTransform, SoftplusTransform,
                                            StickBreakingTransform, TanhTransform)


class Shifted(Normal):
    pass


@register_kl(Shifted, Normal)
def _kl_shifted_normal(p, q):
    return kl_divergence(Normal(p.loc, p.scale), q) + 1.0


def main():
    torch.manual_seed(25)
    torch.set_default_dtype(torch.float64)
    try:
        run()
    finally:
        torch.set_default_dtype(torch.float32)


def run():
    sb = StickBreakingTransform()
    u = torch.tensor([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]], requires_grad=True)
    s = sb(u)
    print("stick-breaking", s, s.sum(-1))
    print("inverse", sb.inv(s.detach()), sb.log_abs_det_jacobian(u, s))
    s[:, 0].sum().backward()
    print("grad", u.grad)

    cc = CorrCholeskyTransform()
    v = torch.tensor([0.5, -0.3, 0.9], requires_grad=True)
    L = cc(v)
    print("corr cholesky", L, (L @ L.T).diagonal())
    print("corr inv", cc.inv(L.detach()), cc.log_abs_det_jacobian(v, L))
    cc.log_abs_det_jacobian(v, L).backward()
    print("corr grad", v.grad)

    for name, con in [("simplex", constraints.simplex), ("positive", constraints.positive),
                      ("interval", constraints.interval(-1.0, 3.0)), ("greater_than", constraints.greater_than(2.0)),
                      ("unit_interval", constraints.unit_interval)]:
        t = biject_to(con)
        z = torch.tensor([0.4, -0.7, 1.1])
        y = t(z)
        print(name, type(t).__name__, t, y, t.inv(y), t.log_abs_det_jacobian(z, y).sum())
    t = transform_to(constraints.lower_cholesky)
    m = t(torch.tensor([[0.2, 5.0], [-0.6, -1.0]]))
    print("lower_cholesky", m, type(t).__name__)
    print("simplex transform_to", type(transform_to(constraints.simplex)).__name__,
          constraints.simplex.check(torch.tensor([0.2, 0.8])), constraints.positive.check(torch.tensor([-1.0, 2.0])))

    chain = ComposeTransform([AffineTransform(0.5, 2.0), SigmoidTransform(), AffineTransform(-1.0, 4.0)])
    base = Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.5]))
    td = TransformedDistribution(base, chain)
    y = torch.tensor([0.5, 1.5])
    print("compose", chain.event_dim, td.log_prob(y), td.event_shape, chain.inv(y), chain.codomain)
    loc = torch.tensor([0.2, -0.1], requires_grad=True)
    scale = torch.tensor([0.8, 1.3], requires_grad=True)
    TransformedDistribution(Normal(loc, scale), [ExpTransform(), PowerTransform(torch.tensor(0.5))]).log_prob(
        torch.tensor([1.2, 0.7])).sum().backward()
    print("log_prob grads", loc.grad, scale.grad)
    lognormal = LogNormal(torch.tensor(0.3), torch.tensor(0.6))
    print("lognormal vs transformed", lognormal.log_prob(torch.tensor(2.0)),
          TransformedDistribution(Normal(0.3, 0.6), ExpTransform()).log_prob(torch.tensor(2.0)))

    cached = TanhTransform(cache_size=1)
    a = torch.tensor([0.3, 2.5])
    b = cached(a)
    print("tanh cache", cached.inv(b) is a, cached.log_abs_det_jacobian(a, b))
    sp = SoftplusTransform()
    print("softplus", sp(a), sp.inv(sp(a)), sp.log_abs_det_jacobian(a, sp(a)))
    print("sign / bijective", SigmoidTransform().sign, AffineTransform(0.0, -2.0).sign, sb.bijective, cc.domain,
          type(cc.codomain).__name__)

    p = Shifted(torch.tensor(0.0), torch.tensor(1.0))
    print("registered kl", kl_divergence(p, Normal(1.0, 2.0)), kl_divergence(Normal(0.0, 1.0), Normal(1.0, 2.0)))
    print("gamma", kl_divergence(Gamma(torch.tensor([2.0, 0.5]), torch.tensor([1.0, 3.0])),
                                 Gamma(torch.tensor([1.5, 1.0]), torch.tensor([2.0, 2.0]))))
    print("beta", kl_divergence(Beta(torch.tensor(2.0), torch.tensor(3.0)), Beta(torch.tensor(1.0),
                                                                                 torch.tensor(1.5))))
    print("dirichlet", kl_divergence(Dirichlet(torch.tensor([1.0, 2.0, 3.0])), Dirichlet(torch.tensor([2.0, 2.0,
                                                                                                       2.0]))))
    print("laplace-normal", kl_divergence(Laplace(0.5, 1.5), Normal(0.0, 2.0)))
    print("exp-gamma", kl_divergence(Exponential(torch.tensor(2.0)), Gamma(torch.tensor(2.0), torch.tensor(3.0))))
    print("uniform-normal", kl_divergence(Uniform(-1.0, 2.0), Normal(0.0, 1.0)))
    ind_p = Independent(Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1)
    ind_q = Independent(Normal(torch.full((2, 3), 0.5), torch.full((2, 3), 2.0)), 1)
    print("independent", kl_divergence(ind_p, ind_q))
    cov_factor = torch.tensor([[1.0], [0.5], [-0.3]])
    lr = LowRankMultivariateNormal(torch.zeros(3), cov_factor, torch.tensor([1.0, 0.5, 2.0]))
    mvn = MultivariateNormal(torch.tensor([0.1, 0.2, 0.3]), covariance_matrix=torch.eye(3) * 1.5)
    print("lowrank-mvn", kl_divergence(lr, mvn), kl_divergence(mvn, lr))

    mu = torch.zeros(3, requires_grad=True)
    raw = torch.zeros(3, requires_grad=True)
    prior = Normal(torch.tensor([1.0, -2.0, 0.5]), torch.tensor([0.5, 1.0, 2.0]))
    data = torch.tensor([1.2, -1.5, 0.9])
    opt = torch.optim.Adam([mu, raw], lr=0.1)
    for step in range(30):
        q = Normal(mu, torch.nn.functional.softplus(raw))
        z = q.rsample((8,))
        elbo = Normal(z, 1.0).log_prob(data).sum(-1).mean() - kl_divergence(q, prior).sum()
        opt.zero_grad()
        (-elbo).backward()
        opt.step()
        if step % 10 == 9:
            print("elbo", step, round(elbo.item(), 6), mu.detach(), torch.nn.functional.softplus(raw).detach())
