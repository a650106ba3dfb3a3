"""Elementwise math beyond the basics, as scientific code and loss functions use it; tests run it as is and with
only its imports changed, and compare what both print, values and gradients. frexp / ldexp, nextafter, copysign
and signbit with signed zeros, logaddexp / logaddexp2 at extreme values, hypot, erfinv and its gradient,
sinc at zero, i0 / special.i0e / i1, lerp with scalar and tensor weights, float_power, lgamma / digamma /
polygamma / mvlgamma with gradients, special.xlog1py / entr / log_ndtr / ndtr / ndtri / erfcx, expm1 / log1p
for tiny inputs, heaviside, and a numerically stable softplus / log-sigmoid by hand against F.softplus.
Float64, NumPy data.
"""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(117)
    v = torch.tensor([0.0, -0.0, 1.0, -3.5, 1024.0, 1e-310, 0.15625], dtype=torch.float64)
    m, e = torch.frexp(v)
    print(m, e, torch.ldexp(m, e), torch.ldexp(torch.tensor([1.0, 3.0]), torch.tensor([10, -2])))
    one = torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64)
    print(torch.nextafter(one, torch.tensor([2.0, 0.0, 1.0], dtype=torch.float64)) - one,
          torch.nextafter(torch.tensor([1.0]), torch.tensor([2.0])) - 1)
    s = torch.tensor([2.0, -2.0, 0.0, -0.0, 3.0], dtype=torch.float64)
    print(torch.copysign(s, torch.tensor([-1.0, 1.0, -0.0, 1.0, -2.0], dtype=torch.float64)), torch.signbit(s),
          torch.copysign(torch.tensor([1.0, 2.0]), -1.0), 1 / torch.copysign(torch.tensor(0.0), -1.0))
    a = torch.tensor([-1000.0, 0.0, 500.0, 1e-3, -50.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([-1000.5, 0.0, 520.0, -1e-3, 30.0], dtype=torch.float64, requires_grad=True)
    lae = torch.logaddexp(a, b)
    lae2 = torch.logaddexp2(a, b)
    (lae.sum() + lae2.sum()).backward()
    print(lae, lae2, a.grad, b.grad)
    h1 = torch.tensor([3.0, 1e200, 0.0, -5.0], dtype=torch.float64, requires_grad=True)
    h2 = torch.tensor([4.0, 1e200, 2.0, 12.0], dtype=torch.float64)
    hyp = torch.hypot(h1, h2)
    hyp[[0, 2, 3]].sum().backward()
    print(hyp, h1.grad)
    p = torch.tensor([-0.999, -0.5, 0.0, 0.3, 0.9], dtype=torch.float64, requires_grad=True)
    z = torch.erfinv(p)
    z.sum().backward()
    print(z, p.grad, (torch.erf(z) - p.detach()).abs().max() < 1e-15)
    x = torch.tensor([0.0, 0.5, -1.0, 2.0, 1e-8], dtype=torch.float64, requires_grad=True)
    sc = torch.sinc(x)
    sc.sum().backward()
    print(sc, x.grad)
    r = torch.tensor([0.0, 0.5, 3.0, 20.0, -4.0], dtype=torch.float64)
    print(torch.i0(r), torch.special.i0e(r), torch.special.i1(r), torch.special.i1e(r))
    start = torch.tensor(rng.standard_normal(4), dtype=torch.float64, requires_grad=True)
    end = torch.tensor(rng.standard_normal(4), dtype=torch.float64, requires_grad=True)
    wt = torch.tensor([0.0, 0.25, 0.75, 1.5], dtype=torch.float64, requires_grad=True)
    l1 = torch.lerp(start, end, 0.3)
    l2 = start.lerp(end, wt)
    (l1.sum() + (l2 ** 2).sum()).backward()
    print(l1, l2, start.grad, end.grad, wt.grad)
    print(torch.float_power(torch.tensor([2, -3, 4]), 2), torch.float_power(torch.tensor([2.0], dtype=torch.float32), -0.5).dtype,
          torch.float_power(torch.tensor([4.0, 9.0]), torch.tensor([0.5, 1.5])))
    g = torch.tensor([0.5, 1.0, 2.5, 10.0, 100.5], dtype=torch.float64, requires_grad=True)
    lg, dg, pg = torch.lgamma(g), torch.digamma(g), torch.polygamma(1, g)
    (lg.sum() + dg.sum() + torch.special.multigammaln(g[2:], 3).sum()).backward()
    print(lg, dg, pg, torch.polygamma(2, g.detach()), g.grad)
    print(torch.mvlgamma(torch.tensor([2.5, 4.0], dtype=torch.float64), p=2), torch.special.gammaln(g.detach()[:2]),
          torch.lgamma(torch.tensor([-0.5, -1.5, 0.0], dtype=torch.float64)))
    q = torch.tensor([1e-12, 0.01, 0.5, 0.99, 1 - 1e-12], dtype=torch.float64)
    t = torch.tensor([-40.0, -5.0, 0.0, 2.0, 9.0], dtype=torch.float64, requires_grad=True)
    ln = torch.special.log_ndtr(t)
    ln.sum().backward()
    print(torch.special.ndtri(q), torch.special.ndtr(t.detach()), ln, t.grad)
    print(torch.special.erfcx(torch.tensor([-2.0, 0.0, 5.0, 30.0], dtype=torch.float64)),
          torch.special.xlog1py(torch.tensor([0.0, 2.0, 3.0], dtype=torch.float64), torch.tensor([-1.0, 0.5, -0.5], dtype=torch.float64)),
          torch.special.entr(torch.tensor([0.0, 0.3, 1.0, -1.0], dtype=torch.float64)))
    tiny = torch.tensor([1e-20, 1e-10, -1e-12, 0.5], dtype=torch.float64)
    print(torch.expm1(tiny), torch.exp(tiny) - 1, torch.log1p(tiny), torch.log(1 + tiny))
    print(torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5])),
          torch.heaviside(torch.tensor([0.0, 0.0]), torch.tensor([7.0, -1.0])))
    xx = torch.tensor([-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0], dtype=torch.float64, requires_grad=True)
    manual = torch.clamp(xx, min=0) + torch.log1p(torch.exp(-xx.abs()))
    logsig = -F.softplus(-xx)
    (manual.sum() + logsig.sum()).backward()
    print(manual, F.softplus(xx.detach()), F.logsigmoid(xx.detach()), xx.grad)


if __name__ == "__main__":
    main()
