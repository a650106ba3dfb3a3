"""Distribution plumbing a probabilistic-programming script leans on (float64): a user distribution with its own
KL registered through register_kl (and the registry's pick for a subclass), kl_divergence across families,
constraints mapped with biject_to / transform_to (positive, interval, simplex, lower_cholesky, unit_interval),
their log-det-Jacobians, TransformedDistribution chains with ComposeTransform, inverse transforms and cache_size,
Independent and MixtureSameFamily with rsample gradients and a short reparameterised fit."""
import torch
from torch.distributions import (Beta, Categorical, Dirichlet, Exponential, Gamma, Independent, LogNormal,
                                 MixtureSameFamily, MultivariateNormal, Normal, TransformedDistribution, Uniform,
                                 constraints, kl_divergence, register_kl)
from torch.distributions.transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform,
                                            StickBreakingTransform, TanhTransform)
from torch.distributions import biject_to, transform_to


def r(t, digits=8):
    return [round(v, digits) for v in torch.as_tensor(t).detach().reshape(-1).tolist()]


class Shifted(Normal):
    pass


@register_kl(Shifted, Normal)
def _kl_shifted(p, q):
    return kl_divergence(Normal(p.loc, p.scale), q) + 1.0


def main():
    torch.manual_seed(7)
    d = torch.float64
    p, q = Normal(torch.tensor([0.0, 1.0], dtype=d), torch.tensor([1.0, 2.0], dtype=d)), Normal(torch.tensor(0.5, dtype=d), torch.tensor(1.5, dtype=d))
    print("kl normal", r(kl_divergence(p, q)))
    print("kl registered", r(kl_divergence(Shifted(p.loc, p.scale), q)))
    print("kl gamma/exp", r(kl_divergence(Gamma(torch.tensor(2.0, dtype=d), torch.tensor(3.0, dtype=d)), Exponential(torch.tensor(1.5, dtype=d)))))
    print("kl beta", r(kl_divergence(Beta(torch.tensor([2.0, 0.5], dtype=d), torch.tensor(3.0, dtype=d)), Beta(torch.tensor(1.0, dtype=d), torch.tensor(1.0, dtype=d)))))
    print("kl dirichlet", r(kl_divergence(Dirichlet(torch.tensor([1.0, 2.0, 3.0], dtype=d)), Dirichlet(torch.ones(3, dtype=d)))))
    print("kl categorical", r(kl_divergence(Categorical(logits=torch.tensor([0.0, 1.0, 2.0], dtype=d)), Categorical(probs=torch.tensor([0.2, 0.3, 0.5], dtype=d)))))
    mvn = MultivariateNormal(torch.zeros(2, dtype=d), scale_tril=torch.tensor([[1.0, 0.0], [0.5, 2.0]], dtype=d))
    print("kl mvn", r(kl_divergence(mvn, MultivariateNormal(torch.ones(2, dtype=d), torch.eye(2, dtype=d) * 2))))
    print("kl independent", r(kl_divergence(Independent(p, 1), Independent(Normal(torch.zeros(2, dtype=d), torch.ones(2, dtype=d)), 1))))

    u = torch.tensor([-1.5, 0.0, 2.0], dtype=d, requires_grad=True)
    for name, c in [("positive", constraints.positive), ("interval", constraints.interval(-2.0, 3.0)),
                    ("unit", constraints.unit_interval), ("greater", constraints.greater_than(1.0))]:
        t = biject_to(c)
        v = t(u)
        ladj = t.log_abs_det_jacobian(u, v)
        (g,) = torch.autograd.grad(ladj.sum() + v.sum(), u)
        print("biject", name, r(v), r(ladj), r(g), r(t.inv(v) - u, 10), c.check(v).tolist())
    s = biject_to(constraints.simplex)
    v = s(u)
    print("simplex", r(v), r(s.log_abs_det_jacobian(u, v)), r(s.inv(v)), s.forward_shape((3,)))
    print("transform_to simplex", r(transform_to(constraints.simplex)(u)))
    lc = transform_to(constraints.lower_cholesky)(torch.tensor([[0.3, 9.0], [-0.4, -1.0]], dtype=d))
    print("lower_cholesky", r(lc), constraints.lower_cholesky.check(lc).item())

    base = Normal(torch.zeros(2, dtype=d), torch.ones(2, dtype=d))
    chain = ComposeTransform([AffineTransform(torch.tensor(0.5, dtype=d), torch.tensor(2.0, dtype=d)), TanhTransform(cache_size=1), AffineTransform(1.0, 3.0)])
    td = TransformedDistribution(base, chain)
    z = td.rsample((3,))
    print("chain", r(z), r(td.log_prob(z)), td.support.lower_bound if hasattr(td.support, "lower_bound") else td.support)
    print("chain inverse", r(chain.inv(z) - chain.inv(chain(chain.inv(z))), 8), chain.inv.inv is chain)
    logit_normal = TransformedDistribution(Normal(torch.tensor(0.0, dtype=d), torch.tensor(1.0, dtype=d)), [SigmoidTransform()])
    print("logit-normal", r(logit_normal.log_prob(torch.tensor([0.1, 0.5, 0.9], dtype=d))))
    ln = LogNormal(torch.tensor(0.2, dtype=d), torch.tensor(0.7, dtype=d))
    via = TransformedDistribution(Normal(torch.tensor(0.2, dtype=d), torch.tensor(0.7, dtype=d)), ExpTransform())
    pts = torch.tensor([0.5, 1.0, 3.0], dtype=d)
    print("lognormal", r(ln.log_prob(pts) - via.log_prob(pts), 10), r(ln.mean), r(ln.variance), r(ln.entropy()))
    sb = StickBreakingTransform()
    print("stick", r(sb(torch.tensor([[0.0, 0.0], [1.0, -1.0]], dtype=d))), r(sb.log_abs_det_jacobian(torch.zeros(2, dtype=d), sb(torch.zeros(2, dtype=d)))))

    logits = torch.zeros(3, dtype=d, requires_grad=True)
    locs = torch.tensor([-2.0, 0.0, 2.0], dtype=d, requires_grad=True)
    log_scales = torch.zeros(3, dtype=d, requires_grad=True)
    data = torch.cat([torch.randn(30, dtype=d) * 0.5 - 1.0, torch.randn(20, dtype=d) * 0.3 + 1.5])
    opt = torch.optim.Adam([logits, locs, log_scales], lr=0.05)
    for it in range(6):
        mix = MixtureSameFamily(Categorical(logits=logits), Normal(locs, log_scales.exp()))
        nll = -mix.log_prob(data).mean()
        opt.zero_grad()
        nll.backward()
        opt.step()
        print("mixture", it, f"{nll.item():.10f}", r(locs.grad, 7))
    print("mixture stats", r(mix.mean), r(mix.variance), r(mix.cdf(torch.tensor([0.0, 1.0], dtype=d))))
    ind = Independent(Normal(locs, log_scales.exp()), 1)
    eps = ind.rsample((4,))
    (gl,) = torch.autograd.grad(ind.log_prob(eps).sum() + eps.pow(2).sum(), locs)
    print("independent", ind.batch_shape, ind.event_shape, r(gl))
    uni = Uniform(torch.tensor(0.0, dtype=d), locs[2].detach() + 1)
    print("uniform", r(uni.log_prob(torch.tensor([0.5, 2.0], dtype=d))), r(uni.cdf(torch.tensor(1.0, dtype=d))), r(uni.icdf(torch.tensor(0.25, dtype=d))))


main()
