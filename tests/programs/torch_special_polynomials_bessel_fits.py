"""Special functions the way scientific fitting code uses them, with gradients; tests run it as is and with only
its imports changed, and compare what both print. A Chebyshev least-squares fit from a chebyshev_polynomial_t
design matrix (and the U / V / W kinds, shifted kinds, Hermite, Laguerre and Legendre families with tensor
degrees), a von Mises concentration fitted through i0e / i1e, a negative-binomial regression through gammaln and
its digamma gradient, polygamma of orders 1-3 with gradients, zeta with a tensor shift, gammainc / gammaincc,
the Bessel, modified Bessel and Airy families, xlogy / xlog1py / entr / logit(eps) / sinc / erfcx / log_ndtr /
ndtri gradients at their corner points, and special.softmax / log_softmax / logsumexp / round. Float64.
"""
import math

import numpy as np
import torch


def chebyshev_fit(x, y, degree):
    n = torch.arange(degree + 1, dtype=x.dtype)
    design = torch.special.chebyshev_polynomial_t(x.unsqueeze(-1), n)
    coef = torch.linalg.lstsq(design, y.unsqueeze(-1)).solution.squeeze(-1)
    return coef, design @ coef


def von_mises_nll(kappa, mu, angles):
    # log I0(k) = log(i0e(k)) + k keeps large concentrations finite
    log_norm = math.log(2 * math.pi) + torch.log(torch.special.i0e(kappa)) + kappa
    return (log_norm - kappa * torch.cos(angles - mu)).mean()


def negbin_nll(log_mu, log_r, counts):
    mu, r = log_mu.exp(), log_r.exp()
    ll = (torch.special.gammaln(counts + r) - torch.special.gammaln(r) - torch.special.gammaln(counts + 1)
          + r * torch.log(r / (r + mu)) + torch.special.xlogy(counts, mu / (r + mu)))
    return -ll.mean()


def main():
    rng = np.random.default_rng(2401)
    x = torch.from_numpy(np.sort(rng.uniform(-1, 1, 40)))
    y = torch.exp(x) * torch.sin(3 * x) + 0.01 * torch.from_numpy(rng.standard_normal(40))
    coef, fitted = chebyshev_fit(x, y, 6)
    print("chebyshev coef", coef)
    print("chebyshev rms", ((fitted - y) ** 2).mean().sqrt().item())
    grid = torch.linspace(-0.9, 0.9, 5, dtype=torch.float64)
    for name in ("chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
                 "hermite_polynomial_h", "hermite_polynomial_he", "legendre_polynomial_p"):
        print(name, getattr(torch.special, name)(grid, 3))
    print("laguerre", torch.special.laguerre_polynomial_l(grid + 1, torch.tensor([0, 1, 2, 4, 5])))
    print("shifted", torch.special.shifted_chebyshev_polynomial_t(grid.abs(), 4),
          torch.special.shifted_chebyshev_polynomial_u(grid.abs(), torch.tensor(2)))
    print("degree table", torch.special.legendre_polynomial_p(torch.tensor([0.5], dtype=torch.float64),
                                                              torch.arange(6).double()))

    angles = torch.from_numpy(rng.vonmises(0.7, 4.0, 200))
    log_kappa = torch.zeros((), dtype=torch.float64, requires_grad=True)
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([log_kappa, mu], lr=0.1)
    for step in range(60):
        opt.zero_grad()
        loss = von_mises_nll(log_kappa.exp(), mu, angles)
        loss.backward()
        opt.step()
    print("von mises", round(loss.item(), 10), log_kappa.exp().item(), mu.item())
    k = torch.tensor([0.1, 2.0, 50.0, 700.0], dtype=torch.float64, requires_grad=True)
    r = torch.special.i1e(k) / torch.special.i0e(k)
    r.sum().backward()
    print("mean resultant length", r, k.grad)

    counts = torch.from_numpy(rng.negative_binomial(3, 0.4, 80).astype(np.float64))
    log_mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_r = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_mu, log_r], lr=1, max_iter=50, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = negbin_nll(log_mu, log_r, counts)
        loss.backward()
        return loss
    opt.step(closure)
    print("negbin", negbin_nll(log_mu, log_r, counts).item(), log_mu.exp().item(), log_r.exp().item())

    z = torch.tensor([0.3, 1.5, 4.0], dtype=torch.float64, requires_grad=True)
    polys = [torch.special.polygamma(n, z) for n in (1, 2, 3)]
    torch.stack(polys).sum().backward()
    print("polygamma", torch.stack(polys), z.grad)
    q = torch.tensor([1.0, 2.5, 10.0], dtype=torch.float64)
    print("zeta", torch.special.zeta(torch.tensor([2.0, 3.0, 4.5], dtype=torch.float64), q),
          torch.special.zeta(2.0, q))
    a = torch.tensor([0.5, 2.0, 7.0], dtype=torch.float64)
    t = torch.tensor([1.0, 1.0, 9.0], dtype=torch.float64)
    print("gammainc", torch.special.gammainc(a, t), torch.special.gammaincc(a, t))
    w = torch.tensor([0.2, 1.0, 5.0, 12.0], dtype=torch.float64)
    print("bessel j", torch.special.bessel_j0(w), torch.special.bessel_j1(w))
    print("bessel y", torch.special.bessel_y0(w), torch.special.bessel_y1(w))
    print("modified", torch.special.modified_bessel_i0(w), torch.special.modified_bessel_i1(w),
          torch.special.modified_bessel_k0(w), torch.special.modified_bessel_k1(w))
    print("scaled k", torch.special.scaled_modified_bessel_k0(w), torch.special.scaled_modified_bessel_k1(w))
    print("airy / spherical j0", torch.special.airy_ai(w - 3), torch.special.spherical_bessel_j0(w))

    p = torch.tensor([0.0, 1e-12, 0.3, 0.999, 1.0], dtype=torch.float64, requires_grad=True)
    u = torch.tensor([0.0, 0.5, -0.5, 2.0, 1.0], dtype=torch.float64, requires_grad=True)
    out = (torch.special.xlogy(p, p + 0.5) + torch.special.xlog1py(u, p) + torch.special.entr(p)
           + torch.special.logit(p, eps=1e-6) + torch.special.sinc(u))
    out.sum().backward()
    print("corner values", out)
    print("corner grads", p.grad, u.grad)
    v = torch.tensor([-30.0, -5.0, 0.0, 3.0, 40.0], dtype=torch.float64, requires_grad=True)
    corner = torch.special.erfcx(v) + torch.special.log_ndtr(v) + torch.special.ndtri(torch.sigmoid(v))
    corner.sum().backward()
    print("erfcx/log_ndtr/ndtri", corner, v.grad)
    m = torch.tensor([[2.0, 3.5], [4.0, 6.0]], dtype=torch.float64, requires_grad=True)
    mg = torch.special.multigammaln(m, 3)
    mg.sum().backward()
    print("multigammaln", mg, m.grad)
    logits = torch.tensor([[1.0, -2.0, 0.5], [float("-inf"), 0.0, 3.0]], dtype=torch.float32)
    print("softmax", torch.special.softmax(logits, 1, dtype=torch.float64),
          torch.special.log_softmax(logits, dim=0), torch.special.logsumexp(logits, 1))
    print("round", torch.special.round(torch.tensor([0.5, 1.5, 2.5, -0.5, 2.675], dtype=torch.float64)),
          torch.special.psi(torch.tensor([1.0, 0.5], dtype=torch.float64)),
          torch.special.exp2(torch.tensor([3, -1])))


if __name__ == "__main__":
    main()
