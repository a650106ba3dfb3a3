"""REINFORCE on a small grid world, written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. A policy network with torch.distributions.Categorical (log_prob, entropy, probs/logits),
actions drawn from the policy's probabilities by a seeded NumPy generator (so both libraries take the same path),
discounted returns with a baseline, entropy bonus, a MultivariateNormal head and Uniform exploration noise, clip_grad_value_, parameters_to_vector / vector_to_parameters
for a target copy with Polyak averaging, a Normal policy head for a continuous action, state_dict round trips
through copy.deepcopy, and model.apply with nn.init. Float64.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, MultivariateNormal, Normal, Uniform, kl_divergence
from torch.nn.utils import parameters_to_vector, vector_to_parameters

MOVES = np.array([[0, 1], [1, 0], [0, -1], [-1, 0]])
SIZE, GOAL = 4, (3, 3)


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(SIZE * SIZE, 24), nn.Tanh())
        self.pi = nn.Linear(24, 4)
        self.v = nn.Linear(24, 1)
        self.mu = nn.Linear(24, 1)
        self.log_std = nn.Parameter(torch.zeros(1, dtype=torch.float64))

    def forward(self, state):
        h = self.body(state)
        return Categorical(logits=self.pi(h)), self.v(h).squeeze(-1), Normal(self.mu(h).squeeze(-1), self.log_std.exp())


def one_hot(pos):
    s = torch.zeros(SIZE * SIZE, dtype=torch.float64)
    s[pos[0] * SIZE + pos[1]] = 1.0
    return s


def init_fn(rng):
    def init(m):
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(rng.standard_normal(tuple(m.weight.shape)) * 0.3))
            nn.init.constant_(m.bias, 0.01)
    return init


def episode(policy, rng, max_steps=12):
    pos, log_probs, values, entropies, rewards, cont = (0, 0), [], [], [], [], []
    for _ in range(max_steps):
        dist, value, normal = policy(one_hot(pos))
        action = int(rng.choice(4, p=dist.probs.detach().numpy()))
        log_probs.append(dist.log_prob(torch.tensor(action)))
        entropies.append(dist.entropy())
        values.append(value)
        cont.append(normal.log_prob(torch.tensor(0.25, dtype=torch.float64)))
        new = np.clip(np.array(pos) + MOVES[action], 0, SIZE - 1)
        pos = (int(new[0]), int(new[1]))
        rewards.append(1.0 if pos == GOAL else -0.05)
        if pos == GOAL:
            break
    return torch.stack(log_probs), torch.stack(values), torch.stack(entropies), rewards, torch.stack(cont)


def discounted(rewards, gamma=0.9):
    out, running = [], 0.0
    for r in reversed(rewards):
        running = r + gamma * running
        out.insert(0, running)
    return torch.tensor(out, dtype=torch.float64)


def main():
    rng = np.random.default_rng(2)
    policy = Policy().double()
    policy.apply(init_fn(rng))
    target = copy.deepcopy(policy)
    opt = torch.optim.Adam(policy.parameters(), lr=0.02)
    vec = parameters_to_vector(policy.parameters())
    print("params", vec.shape, vec.dtype, round(vec.abs().sum().item(), 8))
    for ep in range(10):
        log_probs, values, entropies, rewards, cont = episode(policy, rng)
        returns = discounted(rewards)
        advantage = returns - values.detach()
        loss = -(log_probs * advantage).sum() + F.smooth_l1_loss(values, returns) - 0.01 * entropies.sum() \
            - 0.1 * cont.mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(policy.parameters(), clip_value=0.5)
        opt.step()
        with torch.no_grad():
            mixed = 0.9 * parameters_to_vector(target.parameters()) + 0.1 * parameters_to_vector(policy.parameters())
            vector_to_parameters(mixed, target.parameters())
        print(f"episode {ep} steps {len(rewards)} return {returns[0].item():.6f} loss {loss.item():.6f} "
              f"entropy {entropies.mean().item():.6f}")
    dist, value, normal = target(one_hot((2, 3)))
    print("target probs", dist.probs, "logits sum", dist.logits.exp().sum().item())
    print("normal", normal.mean.item(), normal.stddev.item(), normal.entropy().item(), normal.variance.item())
    batch = Categorical(probs=torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], dtype=torch.float64))
    print("batched", batch.batch_shape, batch.event_shape, batch.sample().shape, batch.sample((5,)).shape,
          batch.log_prob(torch.tensor([2, 0])), batch.entropy(), batch.mode)
    h = target.body(one_hot((1, 1)))
    tril = torch.tensor([[0.5, 0.0], [0.1, 0.3]], dtype=torch.float64)
    mvn = MultivariateNormal(torch.cat([target.mu(h), target.v(h)]), scale_tril=tril)
    prior = MultivariateNormal(torch.zeros(2, dtype=torch.float64), covariance_matrix=torch.eye(2, dtype=torch.float64))
    act = torch.from_numpy(rng.standard_normal(2))
    print(f"mvn {mvn.log_prob(act).item():.10f} {mvn.entropy().item():.10f} {kl_divergence(mvn, prior).item():.10f}",
          mvn.covariance_matrix, mvn.batch_shape, mvn.event_shape, mvn.rsample((4,)).shape)
    noise = Uniform(torch.tensor([-1.0, 0.0], dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64))
    print("uniform", noise.log_prob(torch.tensor([0.5, 1.5], dtype=torch.float64)), noise.entropy(), noise.variance,
          noise.sample((3,)).shape, kl_divergence(noise, Uniform(-2.0, 3.0)))
    restored = Policy().double()
    result = restored.load_state_dict(copy.deepcopy(target.state_dict()))
    same = all(torch.equal(a, b) for a, b in zip(restored.parameters(), target.parameters()))
    print("restored", same, list(target.state_dict().keys())[:3], result)


if __name__ == "__main__":
    main()
