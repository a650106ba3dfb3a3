"""Hand-written likelihoods from torch.special in float64, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. A probit regression through special.ndtr / log_ndtr, a censored
(Tobit) regression mixing log_ndtr and the normal density, a negative-binomial count model through gammaln and
xlogy/xlog1py, a von Mises fit of angles through i0e / i1e (the mean resultant length solved by Newton's method on
i1e/i0e), a Student-t fit through gammaln and digamma-checked gradients, and a table of the special functions
themselves (erf, erfc, erfcx, erfinv, ndtri, logit, expit, entr, sinc, polygamma, multigammaln, zeta, i0, i1,
bessel_j0, gammainc) with their autograd gradients where PyTorch has them. Data from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.optim as optim


def fit(params, nll, steps, lr):
    opt = optim.LBFGS(params, lr=lr, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = nll()
        loss.backward()
        return loss

    opt.step(closure)
    return nll().item()


def main():
    rng = np.random.default_rng(2024)
    x = torch.linspace(-0.95, 0.95, 9, dtype=torch.float64, requires_grad=True)
    table = {
        "erf": torch.special.erf(x), "erfc": torch.special.erfc(x), "erfcx": torch.special.erfcx(x),
        "erfinv": torch.special.erfinv(x), "ndtr": torch.special.ndtr(x), "ndtri": torch.special.ndtri((x + 1) / 2),
        "log_ndtr": torch.special.log_ndtr(x * 8), "logit": torch.special.logit((x + 1) / 2, eps=1e-6),
        "expit": torch.special.expit(x), "entr": torch.special.entr(x.abs()), "sinc": torch.special.sinc(x * 3),
        "i0": torch.special.i0(x * 4), "i0e": torch.special.i0e(x * 4), "i1": torch.special.i1(x * 4),
        "i1e": torch.special.i1e(x * 4), "xlog1py": torch.special.xlog1py(x, x),
        "xlogy": torch.special.xlogy(x.abs(), x.abs()),
        "gammaln": torch.special.gammaln(x + 2), "digamma": torch.special.digamma(x + 2),
        "polygamma2": torch.special.polygamma(2, x + 2), "multigammaln": torch.special.multigammaln(x + 3, 3),
        "log1p": torch.special.log1p(x), "expm1": torch.special.expm1(x), "exp2": torch.special.exp2(x),
    }
    for name, value in table.items():
        (grad,) = torch.autograd.grad(value.sum(), x)
        print(f"{name:12s}", " ".join(f"{v:.8f}" for v in value.tolist()),
              "| d", " ".join(f"{v:.6f}" for v in grad.tolist()))
    with torch.no_grad():
        print("zeta", torch.special.zeta(x.detach() + 3, torch.tensor(2.0, dtype=torch.float64)))
        print("bessel_j0", torch.special.bessel_j0(x.detach() * 5),
              "gammainc", torch.special.gammainc(x.detach() + 2, torch.tensor(1.5, dtype=torch.float64)))

    # probit regression
    n = 120
    feats = torch.from_numpy(np.c_[np.ones(n), rng.standard_normal((n, 2))])
    true_w = torch.tensor([0.3, 1.2, -0.8], dtype=torch.float64)
    labels = (feats @ true_w + torch.from_numpy(rng.standard_normal(n)) > 0).double()
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)

    def probit_nll():
        z = feats @ w
        return -(labels * torch.special.log_ndtr(z) + (1 - labels) * torch.special.log_ndtr(-z)).mean()

    print("probit nll", fit([w], probit_nll, 30, 1.0), "w", w.detach())

    # censored regression: values below zero are observed as zero
    latent = feats @ torch.tensor([0.5, 1.0, 0.7], dtype=torch.float64) + 0.6 * torch.from_numpy(rng.standard_normal(n))
    observed = latent.clamp(min=0.0)
    beta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)

    def tobit_nll():
        mu, sigma = feats @ beta, log_sigma.exp()
        censored = observed <= 0
        ll_c = torch.special.log_ndtr(-mu / sigma)
        ll_o = -0.5 * ((observed - mu) / sigma) ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)
        return -torch.where(censored, ll_c, ll_o).mean()

    print("tobit nll", fit([beta, log_sigma], tobit_nll, 40, 1.0), "beta", beta.detach(),
          "sigma", log_sigma.exp().item())

    # negative binomial counts
    counts = torch.from_numpy(rng.negative_binomial(3, 0.4, size=200).astype(np.float64))
    log_r = torch.zeros((), dtype=torch.float64, requires_grad=True)
    logit_p = torch.zeros((), dtype=torch.float64, requires_grad=True)

    def nb_nll():
        r, p = log_r.exp(), torch.special.expit(logit_p)
        ll = (torch.special.gammaln(counts + r) - torch.special.gammaln(r) - torch.special.gammaln(counts + 1)
              + torch.special.xlogy(r, p) + torch.special.xlog1py(counts, -p))
        return -ll.mean()

    print("negbin nll", fit([log_r, logit_p], nb_nll, 50, 1.0), "r", log_r.exp().item(),
          "p", torch.special.expit(logit_p).item())

    # von Mises angles
    angles = torch.from_numpy(rng.vonmises(0.7, 2.5, size=150))
    mean_dir = torch.atan2(angles.sin().mean(), angles.cos().mean())
    rbar = torch.sqrt(angles.sin().mean() ** 2 + angles.cos().mean() ** 2)
    kappa = torch.tensor(1.0, dtype=torch.float64)
    for it in range(6):
        a = torch.special.i1e(kappa) / torch.special.i0e(kappa)
        da = 1 - a / kappa - a ** 2
        kappa = kappa - (a - rbar) / da
        print(f"newton {it} kappa {kappa.item():.10f} A {a.item():.10f}")
    log_i0 = torch.log(torch.special.i0e(kappa)) + kappa
    nll = -(kappa * torch.cos(angles - mean_dir) - np.log(2 * np.pi) - log_i0).mean()
    print("von mises mu", mean_dir.item(), "nll", nll.item())

    # Student-t location/scale/dof
    data = torch.from_numpy(1.5 + 0.8 * rng.standard_t(4.0, size=300))
    loc = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_scale = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_df = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)

    def t_nll():
        df, scale = log_df.exp(), log_scale.exp()
        z = (data - loc) / scale
        ll = (torch.special.gammaln((df + 1) / 2) - torch.special.gammaln(df / 2) - 0.5 * torch.log(df * np.pi)
              - log_scale - (df + 1) / 2 * torch.log1p(z * z / df))
        return -ll.mean()

    print("student-t nll", fit([loc, log_scale, log_df], t_nll, 60, 1.0))
    print("loc", loc.item(), "scale", log_scale.exp().item(), "df", log_df.exp().item())
    t_nll().backward()
    df = log_df.exp().detach()
    print("grad at optimum", loc.grad.item(), log_scale.grad.item(), log_df.grad.item(),
          "digamma check", (torch.special.digamma((df + 1) / 2) - torch.special.digamma(df / 2)).item())


if __name__ == "__main__":
    main()
