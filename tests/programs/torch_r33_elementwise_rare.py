"""The rarely printed elementwise functions in a likelihood fit (float64): xlogy / xlog1py at zero, logit with
eps, float_power, copysign's gradient through both operands, sinc at zero, heaviside, hypot, logaddexp /
logaddexp2, frexp / ldexp, nextafter, signbit, igamma / igammac, lgamma / digamma, addcdiv / addcmul with value,
true_divide, lerp with a tensor weight, atan2 and erfcx; each one's value, grad_fn node and gradients, then a
Beta-binomial model fitted by Adam through several of them."""
import torch


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def show(label, fn, *values):
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = fn(*xs)
    grads = torch.autograd.grad(out.sum(), xs, allow_unused=True)
    print(label, out.grad_fn.name(), r(out), *[None if g is None else r(g) for g in grads])


def main():
    show("xlogy", torch.xlogy, [0.0, 2.0, 3.0], [0.0, 0.5, 4.0])
    show("xlog1py", torch.special.xlog1py, [0.0, 2.0, 1.5], [-1.0, 0.5, 4.0])
    show("logit eps", lambda x: torch.logit(x, eps=0.1), [0.0, 0.05, 0.5, 0.95, 1.0])
    show("logit", torch.logit, [0.2, 0.5, 0.7])
    show("float_power", torch.float_power, [1.5, 2.0, 0.5], [2.0, -1.0, 3.5])
    show("copysign", torch.copysign, [1.5, -2.0, 3.0, -0.5], [-1.0, 2.0, 0.5, -3.0])
    show("sinc", torch.sinc, [0.0, 0.25, 1.5, -0.5])
    show("hypot", torch.hypot, [3.0, 0.5, -1.0], [4.0, 1.5, 2.0])
    show("logaddexp", torch.logaddexp, [1.0, -30.0, 5.0], [1.0, 2.0, -5.0])
    show("logaddexp2", torch.logaddexp2, [1.0, -3.0, 5.0], [2.0, 2.0, 5.0])
    show("lerp t", lambda a, b, w: torch.lerp(a, b, w), [0.0, 1.0, 2.0], [4.0, -1.0, 3.0], [0.25, 0.5, 0.9])
    show("lerp s", lambda a, b: torch.lerp(a, b, 0.3), [0.0, 1.0, 2.0], [4.0, -1.0, 3.0])
    show("atan2", torch.atan2, [1.0, -1.0, 0.5, -2.0], [1.0, -1.0, -2.0, 0.5])
    show("addcdiv", lambda a, b, c: torch.addcdiv(a, b, c, value=-0.5), [1.0, 2.0], [3.0, 4.0], [2.0, -8.0])
    show("addcmul", lambda a, b, c: torch.addcmul(a, b, c, value=2.5), [1.0, 2.0], [3.0, 4.0], [2.0, -8.0])
    show("true_divide", torch.true_divide, [1.0, -3.0], [4.0, 2.0])
    show("lgamma", torch.lgamma, [0.5, 1.0, 2.5, 10.0])
    show("digamma", torch.digamma, [0.5, 1.0, 2.5, 10.0])
    show("igamma", lambda x: torch.igamma(torch.tensor([0.5, 2.0, 3.0], dtype=torch.float64), x), [0.3, 2.0, 5.0])
    show("igammac", lambda x: torch.igammac(torch.tensor([0.5, 2.0, 3.0], dtype=torch.float64), x), [0.3, 2.0, 5.0])
    show("erfcx", torch.special.erfcx, [-1.0, 0.0, 2.0, 30.0])
    show("log_ndtr", torch.special.log_ndtr, [-10.0, 0.0, 3.0])
    show("heaviside", lambda x: torch.heaviside(x.detach(), torch.tensor([0.5], dtype=torch.float64)) * x,
         [-1.0, 0.0, 2.0])

    x = torch.tensor([0.0, 1.0, -3.5, 1024.0, 1e-310, 6.0], dtype=torch.float64)
    m, e = torch.frexp(x)
    print("frexp", r(m), e.tolist(), e.dtype)
    print("ldexp", r(torch.ldexp(m, e)), r(torch.ldexp(torch.tensor([1.5]), torch.tensor([3]))))
    print("nextafter", (torch.nextafter(torch.tensor([1.0], dtype=torch.float64),
                                        torch.tensor([2.0], dtype=torch.float64)) - 1).item(),
          torch.nextafter(torch.tensor([1.0]), torch.tensor([0.0])).item())
    print("signbit", torch.signbit(torch.tensor([-0.0, 0.0, -1.0, float("nan")])).tolist())

    # Beta-binomial counts: log-likelihood through lgamma, with the mean parameterised by logit / sigmoid
    counts = torch.tensor([3.0, 7.0, 1.0, 9.0, 5.0, 0.0, 10.0, 4.0], dtype=torch.float64)
    n = torch.full_like(counts, 10.0)
    raw_mean = torch.zeros((), dtype=torch.float64, requires_grad=True)
    raw_conc = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([raw_mean, raw_conc], lr=0.2)

    def lbeta(a, b):
        return torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)

    for step in range(8):
        mu = torch.sigmoid(raw_mean)
        conc = torch.logaddexp(raw_conc, torch.zeros((), dtype=torch.float64))
        a, b = mu * conc, (1 - mu) * conc
        log_choose = torch.lgamma(n + 1) - torch.lgamma(counts + 1) - torch.lgamma(n - counts + 1)
        ll = log_choose + lbeta(counts + a, n - counts + b) - lbeta(a, b)
        loss = -ll.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("betabin", step, round(loss.item(), 10), round(raw_mean.grad.item(), 10), round(raw_conc.grad.item(), 10))
    print("fit", round(torch.sigmoid(raw_mean).item(), 8), round(torch.logit(torch.sigmoid(raw_mean)).item(), 8))


main()
