"""Differentiable simulation in float32, as physics-informed ML notebooks write it: a classical Runge-Kutta 4
integrator for a damped pendulum whose damping and length are fitted by backpropagating through every solver
step (torch.autograd.grad and Adam), a velocity-Verlet n-body simulation whose forces are the negative gradient of
the potential (create_graph=False) with energy bookkeeping and a gradient of the final spread w.r.t. the masses,
and a differentiable soft sort / soft rank (pairwise sigmoids with a temperature) used as a Spearman-style loss.
"""
import math

import numpy as np
import torch


def pendulum(state, params):
    theta, omega = state[..., 0], state[..., 1]
    damping, length = params[0], params[1]
    return torch.stack([omega, -damping * omega - (9.81 / length) * torch.sin(theta)], dim=-1)


def rk4(f, y0, params, dt, steps):
    ys = [y0]
    y = y0
    for _ in range(steps):
        k1 = f(y, params)
        k2 = f(y + 0.5 * dt * k1, params)
        k3 = f(y + 0.5 * dt * k2, params)
        k4 = f(y + dt * k3, params)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return torch.stack(ys)


def potential(pos, masses, soft=0.1):
    diff = pos.unsqueeze(0) - pos.unsqueeze(1)
    dist = torch.sqrt((diff ** 2).sum(-1) + soft ** 2)
    mm = masses.unsqueeze(0) * masses.unsqueeze(1)
    iu = torch.triu_indices(len(masses), len(masses), offset=1)
    return -(mm / dist)[iu[0], iu[1]].sum()


def forces(pos, masses):
    p = pos.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(potential(p, masses.detach()), p)
    return -g


def soft_rank(x, tau):
    diff = x.unsqueeze(-1) - x.unsqueeze(-2)
    return torch.sigmoid(diff / tau).sum(-1) + 0.5


def soft_sort(x, tau):
    ranks = soft_rank(x, tau)
    n = x.shape[-1]
    targets = torch.arange(1, n + 1, dtype=x.dtype)
    weights = torch.softmax(-(ranks.unsqueeze(-2) - targets.unsqueeze(-1)).abs() / tau, dim=-1)
    return weights @ x


def main():
    rng = np.random.default_rng(31)
    torch.set_printoptions(precision=5)

    true = torch.tensor([0.3, 1.5])
    y0 = torch.tensor([[1.0, 0.0], [0.5, 0.5]])
    with torch.no_grad():
        obs = rk4(pendulum, y0, true, 0.05, 40)
    print("trajectory", obs.shape, obs[-1])
    params = torch.tensor([0.1, 1.0], requires_grad=True)
    traj = rk4(pendulum, y0, params, 0.05, 40)
    loss = (traj - obs).square().mean()
    (g,) = torch.autograd.grad(loss, params)
    print("initial loss", round(loss.item(), 6), "grad", g)
    opt = torch.optim.Adam([params], lr=0.05)
    for it in range(30):
        opt.zero_grad()
        loss = (rk4(pendulum, y0, params, 0.05, 40) - obs).square().mean()
        loss.backward()
        opt.step()
        if it % 10 == 9:
            print(f"fit {it + 1}: loss {loss.item():.6f} params {params.detach().tolist()}")
    energy = lambda s: 0.5 * s[..., 1] ** 2 + 9.81 / 1.5 * (1 - torch.cos(s[..., 0]))
    print("energy decay", energy(obs[0]), energy(obs[-1]))

    n = 4
    masses = torch.tensor(rng.uniform(0.5, 2.0, size=n), dtype=torch.float32, requires_grad=True)
    pos = torch.tensor(rng.normal(size=(n, 2)), dtype=torch.float32)
    vel = torch.zeros(n, 2)
    f0 = forces(pos, masses)
    print("net force", f0.sum(0).abs().max().item() < 1e-5, "forces", f0[0])
    dt = 0.01
    e_start = potential(pos, masses.detach()).item() + 0.5 * (masses.detach() * (vel ** 2).sum(-1)).sum().item()
    acc = f0 / masses.detach().unsqueeze(-1)
    for step in range(50):
        pos = pos + dt * vel + 0.5 * dt ** 2 * acc
        new_acc = forces(pos, masses) / masses.detach().unsqueeze(-1)
        vel = vel + 0.5 * dt * (acc + new_acc)
        acc = new_acc
    kin = 0.5 * (masses.detach() * (vel ** 2).sum(-1)).sum().item()
    pot = potential(pos, masses.detach()).item()
    print("energy", round(e_start, 5), round(kin + pot, 5), "drift small", abs(kin + pot - e_start) < 1e-3)
    print("final positions", pos)
    com = (masses.unsqueeze(-1) * pos).sum(0) / masses.sum()
    spread = ((pos - com) ** 2).sum(-1).mul(masses).sum()
    spread.backward()
    print("spread", round(spread.item(), 5), "d spread / d masses", masses.grad)

    x = torch.tensor([0.3, -1.2, 2.5, 0.9, 0.0], requires_grad=True)
    for tau in (1.0, 0.1, 0.01):
        print(f"tau {tau}: rank {soft_rank(x, tau).detach()} sort {soft_sort(x, tau).detach()}")
    print("hard", torch.argsort(torch.argsort(x)) + 1, torch.sort(x).values.detach())
    scores = torch.tensor(rng.normal(size=(3, 6)), dtype=torch.float32, requires_grad=True)
    labels = torch.tensor(rng.normal(size=(3, 6)), dtype=torch.float32)
    r_pred = soft_rank(scores, 0.5)
    r_true = soft_rank(labels, 1e-3)
    rp = r_pred - r_pred.mean(-1, keepdim=True)
    rt = r_true - r_true.mean(-1, keepdim=True)
    spearman = (rp * rt).sum(-1) / (rp.norm(dim=-1) * rt.norm(dim=-1))
    print("soft spearman", spearman.detach())
    (1 - spearman).mean().backward()
    print("score grad", scores.grad[0])
    opt = torch.optim.SGD([scores], lr=5.0)
    for _ in range(20):
        opt.zero_grad()
        r_pred = soft_rank(scores, 0.5)
        rp = r_pred - r_pred.mean(-1, keepdim=True)
        loss = (1 - (rp * rt).sum(-1) / (rp.norm(dim=-1) * rt.norm(dim=-1))).mean()
        loss.backward()
        opt.step()
    print("trained spearman loss", round(loss.item(), 5),
          "hard ranks agree", (scores.argsort(-1).argsort(-1) == labels.argsort(-1).argsort(-1)).float().mean().item())
    print("pi check", round(math.pi, 5), torch.pi if hasattr(torch, "pi") else math.pi)
