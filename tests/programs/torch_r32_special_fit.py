"""Likelihoods and features built from torch.special, float64: a Beta regression through gammaln / digamma /
polygamma, a censored-normal likelihood through log_ndtr / ndtr / ndtri, a Poisson-Gamma model through xlogy /
xlog1py / multigammaln, entr and sinc features, logit with eps, erfcx tails, scaled Bessel terms (i0e, i1e) of a
von Mises fit, each with gradients (some second-order through create_graph), and orthogonal polynomial features
(chebyshev_polynomial_t, hermite_polynomial_h, legendre_polynomial_p, laguerre_polynomial_l) and
spherical_bessel_j0 / bessel_j0 values, trained a few LBFGS and Adam steps."""
import math

import torch


def main():
    torch.manual_seed(21)
    dt = torch.float64
    n = 40
    x = torch.randn(n, 2, dtype=dt)
    y = torch.sigmoid(0.8 * x[:, 0] - 0.5 * x[:, 1]) * 0.9 + 0.05

    w = torch.zeros(2, dtype=dt, requires_grad=True)
    log_phi = torch.tensor(1.0, dtype=dt, requires_grad=True)

    def beta_nll():
        mu = torch.special.expit(x @ w)
        phi = log_phi.exp()
        a, b = mu * phi, (1 - mu) * phi
        ll = (torch.special.gammaln(phi) - torch.special.gammaln(a) - torch.special.gammaln(b)
              + (a - 1) * torch.log(y) + (b - 1) * torch.special.log1p(-y))
        return -ll.mean()

    opt = torch.optim.LBFGS([w, log_phi], lr=0.5, max_iter=8, line_search_fn="strong_wolfe")
    for step in range(3):
        def closure():
            opt.zero_grad()
            loss = beta_nll()
            loss.backward()
            return loss
        loss = opt.step(closure)
        print("beta", step, round(loss.item(), 8), w.detach().numpy().round(6), round(log_phi.item(), 6))
    a = torch.tensor([0.7, 2.5, 9.0], dtype=dt, requires_grad=True)
    d = torch.special.digamma(a)
    (g,) = torch.autograd.grad(d.sum(), a, create_graph=True)
    print("digamma", d.detach().numpy().round(8), g.detach().numpy().round(8), g.grad_fn.name())
    print("trigamma check", torch.allclose(g, torch.special.polygamma(1, a)))
    g.sum().backward()
    print("tetragamma", a.grad.numpy().round(8), torch.special.polygamma(2, a).detach().numpy().round(8))

    mu = torch.tensor(0.3, dtype=dt, requires_grad=True)
    log_s = torch.tensor(0.0, dtype=dt, requires_grad=True)
    obs = torch.randn(30, dtype=dt) * 1.3 + 0.5
    cens = obs.clamp(max=1.0)
    censored = obs > 1.0
    adam = torch.optim.Adam([mu, log_s], lr=0.1)
    for step in range(4):
        adam.zero_grad()
        s = log_s.exp()
        z = (cens - mu) / s
        ll = torch.where(censored, torch.special.log_ndtr(-z), -0.5 * z ** 2 - log_s - 0.5 * math.log(2 * math.pi))
        loss = -ll.sum()
        loss.backward()
        adam.step()
        print("censored", step, round(loss.item(), 8), round(mu.grad.item(), 8), round(log_s.grad.item(), 8))
    p = torch.tensor([0.01, 0.3, 0.5, 0.975], dtype=dt, requires_grad=True)
    q = torch.special.ndtri(p)
    q.sum().backward()
    print("ndtri", q.detach().numpy().round(8), p.grad.numpy().round(6), torch.special.ndtr(q).detach().numpy().round(8))

    k = torch.tensor([0.0, 1.0, 3.0, 7.0], dtype=dt)
    rate = torch.tensor([0.5, 1.2, 2.0, 5.0], dtype=dt, requires_grad=True)
    ll = torch.special.xlogy(k, rate) - rate - torch.special.gammaln(k + 1)
    u = torch.tensor([0.0, 0.2, -0.5, 1.5], dtype=dt, requires_grad=True)
    extra = torch.special.xlog1py(k, u).sum() + torch.special.multigammaln(rate + 2, 3).sum()
    (ll.sum() + extra).backward()
    print("poisson", ll.detach().numpy().round(8), rate.grad.numpy().round(8), u.grad.numpy().round(8))

    pr = torch.softmax(torch.randn(3, 5, dtype=dt), -1).requires_grad_()
    ent = torch.special.entr(pr).sum(-1)
    t = torch.linspace(-3, 3, 7, dtype=dt, requires_grad=True)
    sc = torch.special.sinc(t)
    lg = torch.special.logit(torch.tensor([0.0, 1e-4, 0.5, 1.0], dtype=dt, requires_grad=True), eps=1e-3)
    ex = torch.special.erfcx(torch.tensor([-1.0, 0.5, 5.0, 30.0], dtype=dt, requires_grad=True))
    (ent.sum() + sc.sum() + lg.sum() + ex.sum()).backward()
    print("entr", ent.detach().numpy().round(8), pr.grad[0].numpy().round(6))
    print("sinc", sc.detach().numpy().round(8), t.grad.numpy().round(8))
    print("logit/erfcx", lg.detach().numpy().round(6), ex.detach().numpy().round(8), ex.grad_fn.name())

    theta = torch.tensor([0.1, 0.5, 1.0, 2.8, -2.9, 0.3], dtype=dt)
    kappa_raw = torch.tensor(0.0, dtype=dt, requires_grad=True)
    loc = torch.tensor(0.0, dtype=dt, requires_grad=True)
    sgd = torch.optim.SGD([kappa_raw, loc], lr=0.2)
    for step in range(4):
        sgd.zero_grad()
        kappa = torch.nn.functional.softplus(kappa_raw) + 0.1
        log_i0 = torch.log(torch.special.i0e(kappa)) + kappa
        nll = -(kappa * torch.cos(theta - loc) - math.log(2 * math.pi) - log_i0).mean()
        nll.backward()
        sgd.step()
        print("vonmises", step, round(nll.item(), 8), round(kappa.item(), 8),
              round(torch.special.i1e(kappa).item() / torch.special.i0e(kappa).item(), 8))

    s = torch.linspace(-1, 1, 5, dtype=dt)
    print("cheb", torch.special.chebyshev_polynomial_t(s, 3).numpy().round(8))
    print("herm", torch.special.hermite_polynomial_h(s, 4).numpy().round(8))
    print("leg", torch.special.legendre_polynomial_p(s, 3).numpy().round(8))
    print("lag", torch.special.laguerre_polynomial_l(s + 1, 2).numpy().round(8))
    r = torch.tensor([0.0, 0.5, 2.0, 10.0], dtype=dt)
    print("bessel", torch.special.spherical_bessel_j0(r).numpy().round(8), torch.special.bessel_j0(r).numpy().round(8))
    feats = torch.stack([torch.special.chebyshev_polynomial_t(x[:, 0].tanh(), k) for k in range(4)], 1)
    coef = torch.zeros(4, dtype=dt, requires_grad=True)
    opt2 = torch.optim.Adam([coef], lr=0.1)
    for step in range(3):
        opt2.zero_grad()
        loss = ((feats @ coef - y) ** 2).mean()
        loss.backward()
        opt2.step()
        print("poly fit", step, round(loss.item(), 10), coef.detach().numpy().round(6))
