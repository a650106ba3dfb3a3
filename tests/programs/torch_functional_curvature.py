"""Curvature of a small neural network's loss with torch.autograd.functional, as optimisation research code
computes it: jvp and vjp with tuple inputs, hvp and vhp on a loss of several parameter tensors, jacobian with
vectorize=True and strategy='forward-mode', hessian with outer_jacobian_strategy='forward-mode', create_graph so
that a curvature quantity is itself differentiated, torch.autograd.grad with is_grads_batched to get Jacobian
rows at once, a Gauss-Newton vector product, and a few Newton-CG steps that use hvp inside a conjugate-gradient
solve. Float64 throughout, NumPy data.
"""
import numpy as np
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def main():
    rng = np.random.default_rng(1714)
    x = torch.from_numpy(rng.standard_normal((10, 3)))
    y = torch.from_numpy(rng.standard_normal(10))
    w1 = torch.from_numpy(0.5 * rng.standard_normal((3, 4)))
    w2 = torch.from_numpy(0.5 * rng.standard_normal(4))

    def predict(a, b):
        return torch.tanh(x @ a) @ b

    def loss(a, b):
        return 0.5 * ((predict(a, b) - y) ** 2).mean() + 0.01 * (a ** 2).sum()

    va, vb = torch.ones_like(w1) / 3, torch.linspace(-1, 1, 4, dtype=torch.float64)
    out, tangent = jvp(predict, (w1, w2), (va, vb))
    print("jvp", [round(v, 8) for v in tangent[:4].tolist()])
    out, (ga, gb) = vjp(predict, (w1, w2), torch.ones(10, dtype=torch.float64))
    print("vjp", [round(v, 8) for v in ga[0].tolist()], [round(v, 8) for v in gb.tolist()])
    value, (ha, hb) = hvp(loss, (w1, w2), (va, vb))
    print("loss", round(value.item(), 10))
    print("hvp a", [round(v, 8) for v in ha[1].tolist()])
    print("hvp b", [round(v, 8) for v in hb.tolist()])
    _, (ua, ub) = vhp(loss, (w1, w2), (va, vb))
    print("vhp equals hvp", torch.allclose(ua, ha), torch.allclose(ub, hb))

    jac_rev = jacobian(predict, (w1, w2))
    jac_vec = jacobian(predict, (w1, w2), vectorize=True)
    jac_fwd = jacobian(predict, (w1, w2), vectorize=True, strategy="forward-mode")
    print("jacobian shapes", [tuple(j.shape) for j in jac_rev])
    print("jacobian agree", torch.allclose(jac_rev[0], jac_vec[0]), torch.allclose(jac_rev[1], jac_fwd[1]))
    print("jacobian row", [round(v, 8) for v in jac_fwd[1][3].tolist()])

    def loss_flat(theta):
        return loss(theta[:12].reshape(3, 4), theta[12:])

    theta = torch.cat([w1.flatten(), w2])
    H = hessian(loss_flat, theta)
    H_fwd = hessian(loss_flat, theta, vectorize=True, outer_jacobian_strategy="forward-mode")
    print("hessian", tuple(H.shape), "symmetric", torch.allclose(H, H.T), "agree", torch.allclose(H, H_fwd))
    eigenvalues = torch.linalg.eigvalsh(H)
    print("hessian spectrum", [round(v, 8) for v in eigenvalues[[0, 1, -2, -1]].tolist()])
    print("trace", round(torch.trace(H).item(), 8))

    # differentiate a curvature quantity: d/dtheta of v^T H v
    t = theta.clone().requires_grad_(True)
    v = torch.from_numpy(rng.standard_normal(16))
    _, Hv = hvp(loss_flat, t, v, create_graph=True)
    (g,) = torch.autograd.grad((Hv * v).sum(), t)
    print("grad of vHv", [round(x_, 8) for x_ in g[:5].tolist()])

    # Jacobian rows with is_grads_batched
    t = theta.clone().requires_grad_(True)
    preds = predict(t[:12].reshape(3, 4), t[12:])
    (rows,) = torch.autograd.grad(preds, t, torch.eye(10, dtype=torch.float64), is_grads_batched=True)
    print("batched rows", tuple(rows.shape), [round(v, 8) for v in rows[2, 12:].tolist()])
    gauss_newton = rows.T @ rows / 10
    print("Gauss-Newton diag", [round(v, 8) for v in torch.diagonal(gauss_newton)[:4].tolist()])

    # Newton-CG: solve H d = -g with conjugate gradients using only Hessian-vector products
    theta = theta.clone()
    for step in range(4):
        t = theta.clone().requires_grad_(True)
        value = loss_flat(t)
        (grad,) = torch.autograd.grad(value, t)
        d = torch.zeros_like(theta)
        r = -grad.clone()
        p = r.clone()
        for _ in range(8):
            _, Hp = hvp(loss_flat, theta, p)
            curvature = p @ Hp
            if curvature <= 0:
                break
            alpha = (r @ r) / curvature
            d = d + alpha * p
            r_next = r - alpha * Hp
            if r_next.norm() < 1e-10:
                break
            p = r_next + (r_next @ r_next) / (r @ r) * p
            r = r_next
        theta = theta + d
        print(f"newton step {step} loss {value.item():.10f} |g| {grad.norm().item():.8f} |d| {d.norm().item():.8f}")
    print("final loss", round(loss_flat(theta).item(), 10))
