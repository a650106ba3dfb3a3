"""Maximum-likelihood fitting with the less common torch.distributions families, written for PyTorch and imported
through its submodule paths (torch.distributions.weibull, .von_mises, .lowrank_multivariate_normal, ...); tests
run it as is and with only its imports changed, and compare what both print. Unconstrained parameters mapped by
biject_to, Adam on the negative log-likelihood of fixed NumPy data, then entropies, cdf/icdf, KL divergences and
transforms of the fitted laws. Float64; no library random numbers."""
import numpy as np
import torch
import torch.optim as optim
from torch.distributions.constraint_registry import biject_to
from torch.distributions import constraints
from torch.distributions.continuous_bernoulli import ContinuousBernoulli
from torch.distributions.inverse_gamma import InverseGamma
from torch.distributions.kl import kl_divergence
from torch.distributions.kumaraswamy import Kumaraswamy
from torch.distributions.lkj_cholesky import LKJCholesky
from torch.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal
from torch.distributions.multivariate_normal import MultivariateNormal
from torch.distributions.negative_binomial import NegativeBinomial
from torch.distributions.pareto import Pareto
from torch.distributions.transforms import CorrCholeskyTransform, CumulativeDistributionTransform
from torch.distributions.von_mises import VonMises
from torch.distributions.weibull import Weibull
from torch.distributions.wishart import Wishart

RNG = np.random.default_rng(7)


def fit(name, make, data, shapes, constraint_list, steps=60, lr=0.05):
    raw = [torch.full(shape, 0.1, dtype=torch.float64, requires_grad=True) for shape in shapes]
    opt = optim.Adam(raw, lr=lr)
    for step in range(steps):
        opt.zero_grad()
        params = [biject_to(c)(r) for c, r in zip(constraint_list, raw)]
        loss = -make(*params).log_prob(data).mean()
        loss.backward()
        opt.step()
        if step % 20 == 0 or step == steps - 1:
            print(f"{name} step {step}: nll {loss.item():.8f}")
    params = [biject_to(c)(r).detach() for c, r in zip(constraint_list, raw)]
    print(f"{name} fitted: " + " | ".join(np.array2string(p.numpy(), precision=6) for p in params))
    return make(*params)


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


def main():
    weibull = fit("weibull", Weibull, torch.tensor(RNG.weibull(1.7, 300) * 2.0),
                  [(), ()], [constraints.positive, constraints.positive])
    vm = fit("vonmises", VonMises, torch.tensor(RNG.vonmises(0.8, 3.0, 300)),
             [(), ()], [constraints.real, constraints.positive])
    kum = fit("kumaraswamy", Kumaraswamy, torch.tensor(RNG.beta(2.0, 3.0, 300)),
              [(), ()], [constraints.positive, constraints.positive])
    nb = fit("negbin", lambda n, lg: NegativeBinomial(n, logits=lg),
             torch.tensor(RNG.negative_binomial(4, 0.4, 300).astype(np.float64)),
             [(), ()], [constraints.positive, constraints.real])
    ig = fit("invgamma", InverseGamma, torch.tensor(1.0 / RNG.gamma(3.0, 0.5, 300)),
             [(), ()], [constraints.positive, constraints.positive])
    cov = np.array([[2.0, 0.8, 0.3], [0.8, 1.0, 0.2], [0.3, 0.2, 0.5]])
    lowrank = fit("lowrank", LowRankMultivariateNormal,
                  torch.tensor(RNG.multivariate_normal([1.0, -1.0, 0.5], cov, 300)),
                  [(3,), (3, 1), (3,)], [constraints.real, constraints.real, constraints.positive], steps=80)
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    chols = torch.tensor(np.linalg.cholesky(corr + np.eye(3) * RNG.uniform(0.0, 0.5, (40, 1, 1))))
    chols = chols / chols.norm(dim=-1, keepdim=True)
    lkj = fit("lkj", lambda c: LKJCholesky(3, c), chols, [()], [constraints.positive])

    print("entropies:", [round(d.entropy().item(), 8) for d in (weibull, kum, ig, lowrank)])
    probe = f64([0.2, 0.5, 0.9])
    print("weibull cdf:", weibull.cdf(probe).numpy().round(8), "icdf:", weibull.icdf(probe).numpy().round(8))
    print("kumaraswamy cdf:", kum.cdf(probe).numpy().round(8), "mean/var:", round(kum.mean.item(), 8),
          round(kum.variance.item(), 8))
    print("vonmises variance:", round(vm.variance.item(), 8), "negbin mean/var:", round(nb.mean.item(), 6),
          round(nb.variance.item(), 6), "mode:", nb.mode.item())
    print("lkj log_prob of identity:", round(lkj.log_prob(torch.eye(3, dtype=torch.float64)).item(), 8))
    mvn = MultivariateNormal(torch.zeros(3, dtype=torch.float64), covariance_matrix=torch.tensor(cov))
    print("kl lowrank||mvn:", round(kl_divergence(lowrank, mvn).item(), 8),
          "kl mvn||lowrank:", round(kl_divergence(mvn, lowrank).item(), 8))
    p, q = ContinuousBernoulli(probs=f64([0.2, 0.7])), ContinuousBernoulli(logits=f64([0.3, -1.0]))
    print("kl cb:", kl_divergence(p, q).numpy().round(8), "cb mean:", p.mean.numpy().round(8))
    pareto = Pareto(f64([1.0, 2.0]), f64([3.0, 5.0]))
    print("kl pareto:", kl_divergence(pareto, Pareto(f64([0.5, 1.0]), f64([2.0, 2.0]))).numpy().round(8),
          "pareto entropy:", pareto.entropy().numpy().round(8))
    wishart = Wishart(f64(5.0), covariance_matrix=torch.tensor(cov))
    print("wishart log_prob of its mean:", round(wishart.log_prob(wishart.mean).item(), 8),
          "entropy:", round(wishart.entropy().item(), 8))
    t = CorrCholeskyTransform()
    x = f64([0.3, -0.4, 0.9])
    y = t(x)
    print("corr cholesky:", y.numpy().round(8).tolist(), "back:", t.inv(y).numpy().round(8).tolist(),
          "logdet:", round(t.log_abs_det_jacobian(x, y).item(), 8))
    cdf = CumulativeDistributionTransform(weibull)
    u = cdf(probe)
    print("cdf transform:", u.numpy().round(8), cdf.inv(u).numpy().round(8),
          cdf.log_abs_det_jacobian(probe, u).numpy().round(8))
    return {}
