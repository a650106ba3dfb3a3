"""A damped Newton optimiser written with torch.autograd.functional: the Rosenbrock valley and a small logistic
regression are minimised with Hessians from `hessian` (reverse-over-reverse, `vectorize=True`, and
`outer_jacobian_strategy='forward-mode'`), Newton directions checked against `hvp`/`vhp` products, the residual
Jacobian of a curve fit taken by `jacobian` in both strategies (Gauss-Newton steps), and `vjp`/`jvp` with
`create_graph=True` differentiated once more. Float64 throughout; the data come from torch.manual_seed.
"""
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def newton(f, x, steps, damping, **hess_kwargs):
    for k in range(steps):
        g = torch.autograd.functional.jacobian(f, x)
        h = hessian(f, x, **hess_kwargs)
        d = torch.linalg.solve(h + damping * torch.eye(x.numel(), dtype=x.dtype), g)
        x = x - d
        print(f"  newton {k}: f {f(x).item():.10f} |g| {g.norm().item():.8e} x {x.tolist()}")
    return x


def main():
    torch.manual_seed(0)
    x0 = torch.tensor([-1.2, 1.0], dtype=torch.float64)
    print("rosenbrock reverse")
    xr = newton(rosenbrock, x0, 4, 1e-3)
    print("rosenbrock vectorized")
    xv = newton(rosenbrock, x0, 4, 1e-3, vectorize=True)
    print("rosenbrock forward-mode")
    xf = newton(rosenbrock, x0, 4, 1e-3, vectorize=True, outer_jacobian_strategy="forward-mode")
    print("same path", torch.allclose(xr, xv), torch.allclose(xr, xf))

    v = torch.tensor([0.3, -0.7], dtype=torch.float64)
    fx, hv = hvp(rosenbrock, x0, v)
    fx2, vh = vhp(rosenbrock, x0, v)
    print("hvp", fx.item(), hv, "vhp", vh, torch.allclose(hv, vh))
    print("H @ v", hessian(rosenbrock, x0) @ v)

    X = torch.randn(40, 3, dtype=torch.float64)
    w_true = torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64)
    y = (torch.sigmoid(X @ w_true) > torch.rand(40, dtype=torch.float64)).double()

    def nll(w):
        logits = X @ w
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, y) + 0.01 * w.pow(2).sum()

    w = torch.zeros(3, dtype=torch.float64)
    for k in range(5):
        g = jacobian(nll, w)
        h = hessian(nll, w, vectorize=True)
        w = w - torch.linalg.solve(h, g)
        print(f"logistic {k}: loss {nll(w).item():.12f} w {[round(v, 8) for v in w.tolist()]}")
    ev = torch.linalg.eigvalsh(hessian(nll, w))
    print("hessian eigenvalues", ev)

    t = torch.linspace(0, 2, 25, dtype=torch.float64)
    obs = 2.0 * torch.exp(-1.3 * t) + 0.3 + 0.01 * torch.randn(25, dtype=torch.float64)

    def residual(p):
        return p[0] * torch.exp(-p[1] * t) + p[2] - obs

    p = torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64)
    for k in range(4):
        jr = jacobian(residual, p)
        jf = jacobian(residual, p, vectorize=True, strategy="forward-mode")
        r = residual(p)
        step = torch.linalg.lstsq(jr, -r.unsqueeze(1)).solution.squeeze(1)
        p = p + step
        print(f"gauss-newton {k}: sse {residual(p).pow(2).sum().item():.10e} p {[round(v, 8) for v in p.tolist()]}"
              f" same J {torch.allclose(jr, jf)} J shape {tuple(jr.shape)}")

    a = torch.tensor([0.5, -0.25, 1.0], dtype=torch.float64, requires_grad=True)
    u = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)

    def cubic(z):
        return z.pow(3) * torch.sin(z)

    out, vj = vjp(cubic, a, u, create_graph=True)
    print("vjp", vj, vj.requires_grad, vj.grad_fn is not None)
    vj.sum().backward()
    print("d/da sum(vjp)", a.grad)
    a.grad = None
    out, jv = jvp(cubic, a, u, create_graph=True)
    print("jvp", jv, jv.requires_grad)
    (jv * jv).sum().backward()
    print("d/da |jvp|^2", a.grad)
    h3 = hessian(lambda z: cubic(z).sum(), a, create_graph=True)
    print("hessian diag", torch.diagonal(h3), h3.requires_grad)
    a.grad = None
    torch.diagonal(h3).sum().backward()
    print("third derivative", a.grad)
    jac_pair = jacobian(lambda m, n: (m * n).sum(0), (X[:4, :2], X[4:8, :2]))
    print("tuple jacobian", len(jac_pair), len(jac_pair[0]), jac_pair[0][1].shape, jac_pair[1][0][0])


if __name__ == "__main__":
    main()
