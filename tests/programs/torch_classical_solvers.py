"""Classical numerical algorithms written in PyTorch, float64, as a scientific-computing course writes them:
conjugate gradient on a sparse-ish SPD system (with the gradient of the solution's energy taken by autograd
through every iteration), Newton's method on the Rosenbrock function with torch.func.hessian and grad,
power iteration and Rayleigh quotients with deflation, Gauss-Newton and Levenberg-Marquardt curve fits with
torch.func.jacrev, a damped bisection for a root of a monotone function, and Richardson extrapolation of a
finite-difference derivative checked against autograd.
"""
import numpy as np
import torch
from torch.func import grad, hessian, jacrev


def conjugate_gradient(A, b, iters, tol=1e-12):
    x = torch.zeros_like(b)
    r = b - A @ x
    p = r.clone()
    rs = r @ r
    history = []
    for _ in range(iters):
        Ap = A @ p
        alpha = rs / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rs_new = r @ r
        history.append(rs_new.sqrt().item())
        if rs_new.sqrt() < tol:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x, history


def rosenbrock(z):
    return (1 - z[0]) ** 2 + 100 * (z[1] - z[0] ** 2) ** 2


def model(theta, t):
    return theta[0] * torch.exp(-theta[1] * t) + theta[2]


def main():
    rng = np.random.default_rng(77)
    torch.set_printoptions(precision=8)

    n = 6
    M = torch.tensor(rng.normal(size=(n, n)))
    A = (M @ M.T + n * torch.eye(n, dtype=torch.float64)).requires_grad_()
    b = torch.tensor(rng.normal(size=n), requires_grad=True)
    x, hist = conjugate_gradient(A, b, iters=n)
    print("cg iterations", len(hist), "residuals", [f"{h:.3e}" for h in hist[:4]])
    print("cg solution", x)
    print("matches solve", torch.allclose(x, torch.linalg.solve(A, b)))
    energy = 0.5 * x @ A @ x - b @ x
    energy.backward()
    print("energy", energy.item())
    print("d energy / d b", b.grad)
    print("d energy / d A row 0", A.grad[0])

    z = torch.tensor([-1.2, 1.0], dtype=torch.float64)
    g_fn, h_fn = grad(rosenbrock), hessian(rosenbrock)
    for step in range(6):
        g, H = g_fn(z), h_fn(z)
        z = z - torch.linalg.solve(H, g)
        print(f"newton {step}: z={z.tolist()} f={rosenbrock(z).item():.6e}")
    print("hessian at optimum", h_fn(torch.ones(2, dtype=torch.float64)))

    S = torch.tensor(rng.normal(size=(5, 5)))
    S = S @ S.T
    v = torch.ones(5, dtype=torch.float64) / 5 ** 0.5
    for _ in range(200):
        v = S @ v
        v = v / v.norm()
    lam1 = v @ S @ v
    S2 = S - lam1 * torch.outer(v, v)
    w = torch.ones(5, dtype=torch.float64)
    for _ in range(300):
        w = S2 @ w
        w = w / torch.linalg.vector_norm(w)
    lam2 = w @ S2 @ w
    top = torch.linalg.eigvalsh(S).flip(0)[:2]
    print("power iteration", lam1.item(), lam2.item())
    print("eigvalsh", top, "abs cos", abs((v @ w).item()) < 1e-6)

    t = torch.linspace(0, 4, 25, dtype=torch.float64)
    y = 2.5 * torch.exp(-1.3 * t) + 0.4 + torch.tensor(rng.normal(scale=0.01, size=25))
    residual = lambda th: model(th, t) - y
    theta = torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64)
    for it in range(4):
        J = jacrev(residual)(theta)
        r = residual(theta)
        theta = theta - torch.linalg.lstsq(J, r.unsqueeze(1)).solution.squeeze(1)
        print(f"gauss-newton {it}: {theta.tolist()} cost {0.5 * residual(theta).square().sum().item():.8f}")
    theta, lam = torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64), 1e-2
    for it in range(8):
        J, r = jacrev(residual)(theta), residual(theta)
        JtJ = J.T @ J
        step = torch.linalg.solve(JtJ + lam * torch.diag(JtJ.diagonal()), J.T @ r)
        cand = theta - step
        if residual(cand).square().sum() < r.square().sum():
            theta, lam = cand, lam / 3
        else:
            lam = lam * 5
    print("levenberg-marquardt", theta, f"lambda {lam:.4e}")
    cov = torch.linalg.inv(jacrev(residual)(theta).T @ jacrev(residual)(theta))
    print("parameter std", cov.diagonal().sqrt() * residual(theta).std(correction=3))

    f = lambda s: s ** 3 + 2 * s - 5 + torch.sin(s)
    lo, hi = torch.tensor(0.0, dtype=torch.float64), torch.tensor(3.0, dtype=torch.float64)
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = torch.where(f(mid) > 0, lo, mid), torch.where(f(mid) > 0, mid, hi)
    print("bisection root", ((lo + hi) / 2).item())

    s0 = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    exact, = torch.autograd.grad(f(s0), s0)
    d = lambda h: (f(s0.detach() + h) - f(s0.detach() - h)) / (2 * h)
    rich = (4 * d(0.05) - d(0.1)) / 3
    print("richardson", rich.item(), "autograd", exact.item(), "error", f"{abs(rich - exact).item():.3e}")
