"""REINFORCE with torch.distributions on a one-step contextual bandit with a discrete arm and a continuous
action: a Categorical head (logits=), a diagonal Normal wrapped in Independent(..., 1), a MultivariateNormal
with a scale_tril built from the network, log_prob / entropy / sample with a seeded torch.manual_seed, a
moving-average baseline, and kl_divergence between old and new policies (Categorical-Categorical,
Independent Normal pairs, MultivariateNormal pairs) tracked per update. Float64; torch.manual_seed drives
every random number (weights are set from a seeded NumPy generator).
"""
import numpy as np
import torch
import torch.nn as nn
from torch.distributions import Categorical, Independent, MultivariateNormal, Normal, kl_divergence


class Policy(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.body = nn.Linear(3, 16)
        self.arm = nn.Linear(16, 4)
        self.mu = nn.Linear(16, 2)
        self.log_std = nn.Parameter(torch.full((2,), -0.5, dtype=torch.float64))
        self.tril = nn.Linear(16, 3)
        for p in [self.body.weight, self.arm.weight, self.mu.weight, self.tril.weight]:
            with torch.no_grad():
                p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.3))

    def forward(self, s):
        h = torch.tanh(self.body(s))
        cat = Categorical(logits=self.arm(h))
        diag = Independent(Normal(self.mu(h), self.log_std.exp()), 1)
        e = self.tril(h)
        L = torch.zeros(s.shape[0], 2, 2, dtype=s.dtype)
        L[:, 0, 0] = nn.functional.softplus(e[:, 0]) + 0.1
        L[:, 1, 0] = e[:, 1]
        L[:, 1, 1] = nn.functional.softplus(e[:, 2]) + 0.1
        mvn = MultivariateNormal(self.mu(h), scale_tril=L)
        return cat, diag, mvn


def reward(s, a, u):
    best = (s[:, 0] > 0).long() + 2 * (s[:, 1] > 0).long()
    return (a == best).double() - ((u - s[:, 1:]) ** 2).sum(1)


def main():
    torch.manual_seed(4)
    policy = Policy(np.random.default_rng(8)).double()
    opt = torch.optim.Adam(policy.parameters(), lr=0.03)
    states = torch.randn(32, 3, dtype=torch.float64)
    cat, diag, mvn = policy(states)
    print("batch/event shapes:", tuple(cat.batch_shape), tuple(diag.batch_shape), tuple(diag.event_shape), tuple(mvn.event_shape))
    print("entropies:", round(cat.entropy().mean().item(), 8), round(diag.entropy().mean().item(), 8), round(mvn.entropy().mean().item(), 8))
    print("probs row0:", [round(v, 8) for v in cat.probs[0].tolist()])
    print("covariance row0:", [round(v, 8) for v in mvn.covariance_matrix[0].flatten().tolist()])
    baseline = 0.0
    for it in range(8):
        s = torch.randn(32, 3, dtype=torch.float64)
        with torch.no_grad():
            old = policy(s)
        cat, diag, mvn = policy(s)
        a = cat.sample()
        u = diag.sample()
        v = mvn.rsample()
        r = reward(s, a, u)
        adv = r - baseline
        baseline = 0.9 * baseline + 0.1 * r.mean().item()
        loss = -(adv * (cat.log_prob(a) + diag.log_prob(u))).mean() + 0.1 * ((v - s[:, 1:]) ** 2).mean() - 0.01 * cat.entropy().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            new = policy(s)
            kls = [kl_divergence(o, n_).mean().item() for o, n_ in zip(old, new)]
        print(f"iter {it}: reward {r.mean().item():.8f} loss {loss.item():.8f} kl " + " ".join(f"{k:.3e}" for k in kls))
    print("arms drawn last:", a[:10].tolist())
    print("log_std:", [round(v, 8) for v in policy.log_std.tolist()])
    n = Normal(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64))
    print("normal cdf/icdf:", [round(x, 8) for x in n.cdf(torch.tensor([0.5, 0.5], dtype=torch.float64)).tolist()],
          [round(x, 8) for x in n.icdf(torch.tensor([0.9, 0.1], dtype=torch.float64)).tolist()])
