"""Soft actor-critic updates on a replay buffer of a 1-D point-mass task, written for PyTorch; tests run it as is
and with only its imports changed, and compare what both print. A tanh-squashed Gaussian policy through
TransformedDistribution(Normal, [TanhTransform, AffineTransform]) with rsample noise drawn up front, twin Q
networks and their deepcopy'd targets updated by Polyak averaging in place (mul_/add_ and lerp_ under no_grad),
a learned temperature log_alpha with its own optimizer, torch.min over the twin critics, requires_grad_ toggled
on the critics during the actor step, and gradient norms read back. Float64 and weights and transitions from a
seeded NumPy generator.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Normal, TransformedDistribution
from torch.distributions.transforms import AffineTransform, TanhTransform

MAX_ACTION = 2.0


def mlp(n_in, n_out, hidden=16):
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = mlp(2, 2)

    def forward(self, obs, eps):
        mu, log_std = self.net(obs).chunk(2, dim=-1)
        std = log_std.clamp(-5, 2).exp()
        dist = TransformedDistribution(Normal(mu, std),
                                       [TanhTransform(cache_size=1), AffineTransform(0.0, MAX_ACTION)])
        pre = mu + std * eps
        action = MAX_ACTION * torch.tanh(pre)
        return action, dist.log_prob(action).sum(-1), torch.tanh(mu) * MAX_ACTION


def init(module, rng, scale=0.3):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(scale * rng.standard_normal(tuple(p.shape))))
    return module


def main():
    rng = np.random.default_rng(43)
    actor = init(Actor().double(), rng)
    q1, q2 = init(mlp(3, 1).double(), rng), init(mlp(3, 1).double(), rng)
    q1_targ, q2_targ = copy.deepcopy(q1), copy.deepcopy(q2)
    for p in list(q1_targ.parameters()) + list(q2_targ.parameters()):
        p.requires_grad = False
    log_alpha = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt_actor = optim.Adam(actor.parameters(), lr=3e-3)
    opt_q = optim.Adam(list(q1.parameters()) + list(q2.parameters()), lr=3e-3)
    opt_alpha = optim.Adam([log_alpha], lr=1e-2)
    target_entropy, gamma, tau = -1.0, 0.95, 0.1

    n = 256
    obs = rng.uniform(-1, 1, (n, 2))
    act = rng.uniform(-MAX_ACTION, MAX_ACTION, (n, 1))
    nxt = np.clip(obs + 0.1 * np.concatenate([obs[:, 1:], act], 1), -1, 1)
    rew = -(nxt[:, :1] ** 2) - 0.01 * act ** 2
    done = (np.abs(nxt[:, :1]) < 0.05).astype(np.float64)
    buffer = [torch.from_numpy(a) for a in (obs, act, rew, nxt, done)]

    for step in range(12):
        idx = torch.from_numpy(rng.integers(0, n, 32))
        o, a, r, o2, d = (t[idx] for t in buffer)
        alpha = log_alpha.exp().detach()
        with torch.no_grad():
            a2, logp2, _ = actor(o2, torch.from_numpy(rng.standard_normal((32, 1))))
            sa2 = torch.cat([o2, a2], dim=-1)
            q_targ = torch.min(q1_targ(sa2), q2_targ(sa2)).squeeze(-1)
            backup = r.squeeze(-1) + gamma * (1 - d.squeeze(-1)) * (q_targ - alpha * logp2)
        sa = torch.cat([o, a], dim=-1)
        loss_q = F.mse_loss(q1(sa).squeeze(-1), backup) + F.mse_loss(q2(sa).squeeze(-1), backup)
        opt_q.zero_grad()
        loss_q.backward()
        q_norm = nn.utils.clip_grad_norm_(list(q1.parameters()) + list(q2.parameters()), 10.0)
        opt_q.step()

        for p in list(q1.parameters()) + list(q2.parameters()):
            p.requires_grad_(False)
        pi, logp, greedy = actor(o, torch.from_numpy(rng.standard_normal((32, 1))))
        spi = torch.cat([o, pi], dim=-1)
        loss_pi = (alpha * logp - torch.min(q1(spi), q2(spi)).squeeze(-1)).mean()
        opt_actor.zero_grad()
        loss_pi.backward()
        opt_actor.step()
        for p in list(q1.parameters()) + list(q2.parameters()):
            p.requires_grad_(True)
        critic_touched = any(p.grad is not None and p.grad.abs().sum() > 0 for p in q1.parameters())

        loss_alpha = -(log_alpha * (logp.detach() + target_entropy)).mean()
        opt_alpha.zero_grad()
        loss_alpha.backward()
        opt_alpha.step()

        with torch.no_grad():
            for p, pt in zip(q1.parameters(), q1_targ.parameters()):
                pt.mul_(1 - tau).add_(tau * p)
            for p, pt in zip(q2.parameters(), q2_targ.parameters()):
                pt.lerp_(p, tau)
        print(f"step {step} q {loss_q.item():.6f} |gq| {q_norm.item():.5f} pi {loss_pi.item():.6f} "
              f"alpha {log_alpha.exp().item():.6f} logp {logp.mean().item():.5f} critic grads kept {critic_touched}")
    with torch.no_grad():
        drift = sum((p - pt).abs().sum() for p, pt in zip(q1.parameters(), q1_targ.parameters()))
        test_obs = torch.tensor([[0.5, 0.0], [-0.5, 0.2], [0.0, 0.0]], dtype=torch.float64)
        _, _, greedy = actor(test_obs, torch.zeros(3, 1, dtype=torch.float64))
        print("target drift", drift.item(), "greedy", greedy.squeeze(-1))
        print("requires_grad", log_alpha.requires_grad, next(q1_targ.parameters()).requires_grad,
              next(q1.parameters()).requires_grad)


if __name__ == "__main__":
    main()
