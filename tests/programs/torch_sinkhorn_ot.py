"""Entropic optimal transport written for PyTorch the way OT / domain-adaptation code writes it; tests run it as is
and with only its imports changed, and compare what both print. Two weighted point clouds from a seeded NumPy
generator, squared-Euclidean costs by torch.cdist, log-domain Sinkhorn iterations (torch.logsumexp over the cost
matrix with dual potentials), the transport plan and its marginal errors, the debiased Sinkhorn divergence,
gradients of the OT cost with respect to the source points (a Wasserstein gradient flow with SGD on positions),
the unrolled versus envelope-theorem gradient (the plan held fixed), a free-support barycentre fitted with Adam,
and the exact 1-D Wasserstein distance by torch.sort. Float64.
"""
import numpy as np
import torch


def sinkhorn(a, b, C, eps, iters):
    log_a, log_b = a.log(), b.log()
    f = torch.zeros_like(a)
    g = torch.zeros_like(b)
    for _ in range(iters):
        f = -eps * torch.logsumexp((g[None, :] - C) / eps + log_b[None, :], dim=1)
        g = -eps * torch.logsumexp((f[:, None] - C) / eps + log_a[:, None], dim=0)
    log_plan = (f[:, None] + g[None, :] - C) / eps + log_a[:, None] + log_b[None, :]
    return f, g, log_plan.exp()


def ot_cost(x, y, a, b, eps=0.1, iters=60):
    C = torch.cdist(x, y) ** 2
    f, g, plan = sinkhorn(a, b, C, eps, iters)
    return (f * a).sum() + (g * b).sum(), plan


def sinkhorn_divergence(x, y, a, b, eps=0.1):
    xy, _ = ot_cost(x, y, a, b, eps)
    xx, _ = ot_cost(x, x, a, a, eps)
    yy, _ = ot_cost(y, y, b, b, eps)
    return xy - 0.5 * (xx + yy)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(41)
    x = torch.from_numpy(rng.standard_normal((12, 2)) * 0.5)
    y = torch.from_numpy(rng.standard_normal((9, 2)) * 0.3 + np.array([1.0, 0.5]))
    a = torch.from_numpy(rng.uniform(0.5, 1.5, 12))
    a = a / a.sum()
    b = torch.full((9,), 1.0 / 9)

    cost, plan = ot_cost(x, y, a, b)
    print("ot cost:", round(cost.item(), 8))
    print("marginal errors:", f"{(plan.sum(1) - a).abs().max().item():.3e}",
          f"{(plan.sum(0) - b).abs().max().item():.3e}")
    print("plan row 0:", [round(v, 8) for v in plan[0, :4].tolist()])
    print("plan entropy:", round(-(plan * plan.clamp_min(1e-300).log()).sum().item(), 8))

    xs = x.clone().requires_grad_(True)
    unrolled, _ = ot_cost(xs, y, a, b)
    g_unrolled, = torch.autograd.grad(unrolled, xs)
    _, plan = ot_cost(xs.detach(), y, a, b)
    env = (plan * torch.cdist(xs, y).pow(2)).sum()      # envelope theorem: the optimal plan held fixed
    g_env, = torch.autograd.grad(env, xs)
    print("unrolled grad[0]:", [round(v, 8) for v in g_unrolled[0].tolist()])
    print("envelope grad[0]:", [round(v, 8) for v in g_env[0].tolist()])
    print("grad agreement:", round(torch.nn.functional.cosine_similarity(g_unrolled.flatten(), g_env.flatten(),
                                                                       dim=0).item(), 8))

    flow = x.clone().requires_grad_(True)
    opt = torch.optim.SGD([flow], lr=2.0)
    for step in range(5):
        opt.zero_grad()
        div = sinkhorn_divergence(flow, y, a, b)
        (div / 1.0).backward()
        opt.step()
        print(f"flow step {step}: divergence {div.item():.8f} mean {[round(v, 6) for v in flow.mean(0).tolist()]}")

    z = torch.from_numpy(rng.standard_normal((6, 2)) * 0.1).requires_grad_(True)
    w = torch.full((6,), 1.0 / 6)
    opt = torch.optim.Adam([z], lr=0.1)
    for step in range(4):
        opt.zero_grad()
        loss = 0.5 * ot_cost(z, x, w, a, iters=30)[0] + 0.5 * ot_cost(z, y, w, b, iters=30)[0]
        loss.backward()
        opt.step()
        print(f"barycentre step {step}: loss {loss.item():.8f}")

    u = torch.from_numpy(rng.standard_normal(20)).requires_grad_(True)
    v = torch.from_numpy(rng.standard_normal(20) + 0.7)
    w1 = (torch.sort(u).values - torch.sort(v).values).abs().mean()
    w1.backward()
    print("1-D W1:", round(w1.item(), 8), "grad sum:", round(u.grad.sum().item(), 8))
