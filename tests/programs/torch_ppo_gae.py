"""Proximal policy optimisation (PPO) updates with generalised advantage estimation, written for PyTorch the way
compact PPO implementations write them; tests run it as is and with only its imports changed, and compare what both
print. A fixed rollout of a 1-D reaching task (states, actions, rewards, dones drawn by a seeded NumPy generator),
an actor-critic with a shared trunk, a Categorical head over discrete moves and a diagonal Normal head over a
continuous push (Independent), GAE computed backwards with masks, normalised advantages, the clipped surrogate,
a clipped value loss, an entropy bonus, approximate KL and clip fraction for early stopping, minibatch indices
from NumPy, clip_grad_norm_ and Adam(eps=1e-5) with a linearly annealed learning rate. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.distributions import Categorical, Independent, Normal


class ActorCritic(nn.Module):
    def __init__(self, obs=3, moves=3, hidden=16):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(obs, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.logits = nn.Linear(hidden, moves)
        self.mu = nn.Linear(hidden, 1)
        self.log_std = nn.Parameter(torch.full((1,), -0.5))
        self.value = nn.Linear(hidden, 1)

    def forward(self, s):
        h = self.trunk(s)
        move = Categorical(logits=self.logits(h))
        push = Independent(Normal(self.mu(h), self.log_std.exp().expand_as(self.mu(h))), 1)
        return move, push, self.value(h).squeeze(-1)


def gae(rewards, values, dones, last_value, gamma=0.99, lam=0.95):
    advantages = torch.zeros_like(rewards)
    running = 0.0
    for t in reversed(range(len(rewards))):
        next_value = last_value if t == len(rewards) - 1 else values[t + 1]
        mask = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * mask - values[t]
        running = delta + gamma * lam * mask * running
        advantages[t] = running
    return advantages, advantages + values


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(47)
    T = 32
    states = torch.from_numpy(rng.normal(0, 1, (T, 3)))
    moves = torch.from_numpy(rng.integers(0, 3, T))
    pushes = torch.from_numpy(rng.normal(0, 0.5, (T, 1)))
    rewards = torch.from_numpy(-np.abs(rng.normal(0, 1, T)))
    dones = torch.from_numpy((rng.random(T) < 0.1).astype(np.float64))
    model = ActorCritic()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)))
                           for k, v in model.state_dict().items()})

    with torch.no_grad():
        move_d, push_d, values = model(states)
        old_logp = move_d.log_prob(moves) + push_d.log_prob(pushes)
        last_value = model(torch.zeros(1, 3))[2][0]
    print("policy heads:", push_d, move_d.batch_shape, push_d.event_shape)
    advantages, returns = gae(rewards, values, dones, last_value)
    print("advantages:", [round(v, 6) for v in advantages[:5].tolist()],
          "returns mean:", round(returns.mean().item(), 6))
    print("old log-prob:", [round(v, 6) for v in old_logp[:4].tolist()], "entropy:",
          round(move_d.entropy().mean().item(), 6), round(push_d.entropy().mean().item(), 6))

    opt = torch.optim.Adam(model.parameters(), lr=3e-3, eps=1e-5)
    clip, epochs, batch = 0.2, 4, 8
    for epoch in range(epochs):
        opt.param_groups[0]["lr"] = 3e-3 * (1.0 - epoch / epochs)
        order = torch.from_numpy(rng.permutation(T))
        kls, fracs, losses = [], [], []
        for start in range(0, T, batch):
            idx = order[start:start + batch]
            move_d, push_d, v = model(states[idx])
            logp = move_d.log_prob(moves[idx]) + push_d.log_prob(pushes[idx])
            ratio = (logp - old_logp[idx]).exp()
            adv = advantages[idx]
            adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            policy_loss = -torch.min(ratio * adv, ratio.clamp(1 - clip, 1 + clip) * adv).mean()
            v_clipped = values[idx] + (v - values[idx]).clamp(-clip, clip)
            value_loss = 0.5 * torch.max((v - returns[idx]) ** 2, (v_clipped - returns[idx]) ** 2).mean()
            entropy = move_d.entropy().mean() + push_d.entropy().mean()
            loss = policy_loss + 0.5 * value_loss - 0.01 * entropy
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
            with torch.no_grad():
                log_ratio = logp - old_logp[idx]
                kls.append(((ratio - 1) - log_ratio).mean().item())
                fracs.append(((ratio - 1.0).abs() > clip).double().mean().item())
                losses.append(loss.item())
        print(f"epoch {epoch}: loss {np.mean(losses):.6f} approx_kl {np.mean(kls):.8f} "
              f"clipfrac {np.mean(fracs):.4f} lr {opt.param_groups[0]['lr']:.6f}")
        print(f"  last minibatch: policy {policy_loss.item():.6f} value {value_loss.item():.6f} "
              f"entropy {entropy.item():.6f}")
        if np.mean(kls) > 0.05:
            print("early stop")
            break
    with torch.no_grad():
        move_d, push_d, v = model(states)
    print("final probs:", [round(p, 6) for p in move_d.probs[0].tolist()],
          "std:", round(model.log_std.exp().item(), 6))
    print("explained variance:", round(1 - ((returns - v).var() / returns.var()).item(), 6))
