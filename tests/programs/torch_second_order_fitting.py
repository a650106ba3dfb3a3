"""Second-order optimisation written for PyTorch the way numerical and scientific code does it; tests run it as is and
with only its imports changed, and compare what both print. Newton-Raphson for L2-regularised logistic regression
with torch.autograd.functional.hessian / jacobian and torch.linalg.solve (and cholesky_ex to check definiteness),
Gauss-Newton / Levenberg-Marquardt curve fitting with a Jacobian from jacobian(vectorize=True,
strategy='forward-mode') solved by torch.linalg.lstsq, Hessian-free truncated Newton with a few conjugate-gradient
steps on damped Gauss-Newton products from jvp / vjp (curvature from vhp and hvp) over a network flattened by
parameters_to_vector / vector_to_parameters, and LBFGS with a strong-Wolfe line search driven by a closure. Float64,
data and weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from torch.nn.utils import parameters_to_vector, vector_to_parameters


def logistic_loss(w, X, y, lam=0.1):
    return F.binary_cross_entropy_with_logits(X @ w, y) + 0.5 * lam * (w * w).sum()


def newton_logistic(X, y):
    w = torch.zeros(X.shape[1])
    for it in range(5):
        g = jacobian(lambda v: logistic_loss(v, X, y), w)
        H = hessian(lambda v: logistic_loss(v, X, y), w)
        L, info = torch.linalg.cholesky_ex(H)
        w = w - torch.linalg.solve(H, g)
        print(f"newton {it}: loss {logistic_loss(w, X, y).item():.10f} |g| {g.norm().item():.3e} "
              f"pd {info.item() == 0} logdet {2 * L.diagonal().log().sum().item():.6f}")
    return w


def model_fn(params, t):
    a, b, c = params
    return a * torch.exp(-b * t) + c


def levenberg_marquardt(t, obs, params):
    damping = 1e-2
    for it in range(6):
        r = model_fn(params, t) - obs
        J = jacobian(lambda p: model_fn(p, t), params, vectorize=True, strategy="forward-mode")
        A = torch.cat([J, damping ** 0.5 * torch.eye(3)])
        rhs = torch.cat([-r, torch.zeros(3)])
        step = torch.linalg.lstsq(A, rhs.unsqueeze(1)).solution.squeeze(1)
        new = params + step
        if (model_fn(new, t) - obs).pow(2).sum() < r.pow(2).sum():
            params, damping = new, damping * 0.3
        else:
            damping *= 10
        print(f"lm {it}: params {[round(v, 6) for v in params.tolist()]} damping {damping:.2e}")
    return params


def conjugate_gradient(Av, b, iters=10, tol=1e-10):
    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rs = r.dot(r)
    for _ in range(iters):
        Ap = Av(p)
        alpha = rs / p.dot(Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rs_new = r.dot(r)
        if rs_new.sqrt() < tol:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(8)
    X = torch.from_numpy(rng.standard_normal((40, 3)))
    y = torch.from_numpy((rng.random(40) < 1 / (1 + np.exp(-X.numpy() @ [1.5, -2.0, 0.5]))).astype(np.float64))
    w = newton_logistic(X, y)
    print("newton weights:", [round(v, 8) for v in w.tolist()])

    t = torch.linspace(0, 4, 25)
    obs = 2.0 * torch.exp(-1.3 * t) + 0.5 + torch.from_numpy(rng.normal(0, 0.02, 25))
    levenberg_marquardt(t, obs, torch.tensor([1.0, 0.5, 0.0]))

    net = nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Linear(6, 1))
    net.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape))) for k, v in net.state_dict().items()})
    xs = torch.from_numpy(rng.uniform(-1, 1, (30, 2)))
    ys = torch.sin(2 * xs[:, :1]) * xs[:, 1:]
    theta = parameters_to_vector(net.parameters()).detach()
    print("flat params:", theta.shape, round(theta.norm().item(), 6))

    def loss_of(vec):
        vector_to_parameters(vec, net.parameters())
        return F.mse_loss(net(xs), ys)

    def outputs(vec):
        w1, b1, w2, b2 = vec[:12].view(6, 2), vec[12:18], vec[18:24].view(1, 6), vec[24:]
        return F.linear(torch.tanh(F.linear(xs, w1, b1)), w2, b2)

    def functional_loss(vec):
        return F.mse_loss(outputs(vec), ys)

    def gauss_newton(vec, v):
        _, Jv = jvp(outputs, vec, v)
        return vjp(outputs, vec, 2 * Jv / len(xs))[1] + 0.1 * v

    for it in range(4):
        loss, g = torch.func.grad_and_value(functional_loss)(theta)[::-1]
        step = conjugate_gradient(lambda v: gauss_newton(theta, v), -g, iters=5)
        _, vh = vhp(functional_loss, theta, step)
        print(f"hessian-free {it}: loss {loss.item():.8f} curvature {step.dot(vh).item():.6f} "
              f"hvp agrees {torch.allclose(vh, hvp(functional_loss, theta, step)[1])}")
        theta = theta + step
    with torch.no_grad():
        print("vector_to_parameters loss:", round(loss_of(theta).item(), 8), round(net[2].bias.item(), 6))

    net.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape))) for k, v in net.state_dict().items()})
    opt = torch.optim.LBFGS(net.parameters(), lr=1, max_iter=20, history_size=5, line_search_fn="strong_wolfe")
    calls = []

    def closure():
        opt.zero_grad()
        loss = F.mse_loss(net(xs), ys)
        loss.backward()
        calls.append(loss.item())
        return loss

    for epoch in range(3):
        loss = opt.step(closure)
        print(f"lbfgs {epoch}: loss {loss.item():.8f} evaluations {len(calls)} now {calls[-1]:.8f}")
    state = opt.state[opt._params[0]]
    print("lbfgs state:", state["n_iter"], state["func_evals"], len(state["old_dirs"]))
