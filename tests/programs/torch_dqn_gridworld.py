"""DQN on a tiny deterministic grid world written for PyTorch in the style of the reinforcement-learning (DQN)
tutorial, without gym; tests run it as is and with only its imports changed, and compare what both print. A
replay memory of deques sampled by a seeded NumPy generator, epsilon-greedy actions from NumPy, a Linear+ReLU
Q-network, q.gather(1, actions.unsqueeze(1)).squeeze(1), the target r + gamma * max_a' Q_target(s', a') * (1 - done),
SmoothL1Loss, a target network refreshed with load_state_dict (and a soft update), clip_grad_value_, RMSprop and
AdamW, and a final greedy rollout. Float64, weights from NumPy.
"""
from collections import deque, namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

Transition = namedtuple("Transition", ("state", "action", "next_state", "reward", "done"))
ROWS, COLS = 3, 4
START, GOAL, PIT = (0, 0), (0, 3), (1, 3)
WALL = {(1, 1)}
MOVES = [(-1, 0), (0, 1), (1, 0), (0, -1)]   # up, right, down, left
ARROWS = "^>v<"


class GridWorld:
    """A 3x4 grid: +1 at the goal, -1 in the pit, -0.04 a step; walls and edges keep the agent in place."""

    def __init__(self):
        self.pos = START

    def reset(self):
        self.pos = START
        return self.observe()

    def observe(self):
        s = np.zeros(ROWS * COLS)
        s[self.pos[0] * COLS + self.pos[1]] = 1.0
        return s

    def step(self, action):
        r, c = self.pos[0] + MOVES[action][0], self.pos[1] + MOVES[action][1]
        if 0 <= r < ROWS and 0 <= c < COLS and (r, c) not in WALL:
            self.pos = (r, c)
        if self.pos == GOAL:
            return self.observe(), 1.0, True
        if self.pos == PIT:
            return self.observe(), -1.0, True
        return self.observe(), -0.04, False


class ReplayMemory:
    def __init__(self, capacity, rng):
        self.memory = deque([], maxlen=capacity)
        self.rng = rng

    def push(self, *args):
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        idx = self.rng.choice(len(self.memory), size=batch_size, replace=False)
        return [self.memory[i] for i in idx]

    def __len__(self):
        return len(self.memory)


class DQN(nn.Module):
    def __init__(self, n_obs, n_actions, hidden=32):
        super().__init__()
        self.layer1 = nn.Linear(n_obs, hidden)
        self.layer2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_actions)

    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = torch.relu(self.layer2(x))
        return self.head(x)


def init_from_numpy(model, rng):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(rng.normal(0.0, 0.3, size=(m.out_features, m.in_features))))
                m.bias.fill_(0.0)


def select_action(policy_net, state, eps, rng):
    if rng.random() > eps:
        with torch.no_grad():
            return policy_net(torch.tensor(state).unsqueeze(0)).max(1).indices.item()
    return int(rng.integers(4))


def optimize(policy_net, target_net, memory, optimizer, criterion, batch_size, gamma):
    batch = Transition(*zip(*memory.sample(batch_size)))
    states = torch.tensor(np.stack(batch.state))
    actions = torch.tensor(batch.action, dtype=torch.int64)
    rewards = torch.tensor(batch.reward)
    next_states = torch.from_numpy(np.stack(batch.next_state))
    dones = torch.tensor(batch.done, dtype=torch.float64)
    q = policy_net(states).gather(1, actions.unsqueeze(1)).squeeze(1)
    with torch.no_grad():
        target = rewards + gamma * target_net(next_states).max(1).values * (1 - dones)
    loss = criterion(q, target)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(policy_net.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def optimize_masked(policy_net, target_net, memory, optimizer, criterion, batch_size, gamma):
    """The tutorial's form: terminal next states are None, masked out; double DQN picks a' with the policy net."""
    batch = Transition(*zip(*memory.sample(batch_size)))
    non_final_mask = torch.tensor(tuple(map(lambda s: s is not None, batch.next_state)), dtype=torch.bool)
    non_final_next = torch.cat([torch.tensor(s).unsqueeze(0) for s in batch.next_state if s is not None])
    state_batch = torch.cat([torch.tensor(s).view(1, -1) for s in batch.state])
    action_batch = torch.tensor([[a] for a in batch.action], dtype=torch.long)
    reward_batch = torch.tensor(batch.reward)
    state_action_values = policy_net(state_batch).gather(1, action_batch)
    next_state_values = torch.zeros(batch_size)
    with torch.no_grad():
        best = policy_net(non_final_next).argmax(1, keepdim=True)
        next_state_values[non_final_mask] = target_net(non_final_next).gather(1, best).squeeze(1)
    expected = (next_state_values * gamma) + reward_batch
    loss = criterion(state_action_values, expected.unsqueeze(1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(policy_net.parameters(), clip_value=100)
    optimizer.step()
    return loss.item()


def q_table(net):
    cells = torch.eye(ROWS * COLS)
    with torch.no_grad():
        return net(cells)


def rollout(net, env, limit=10):
    state, path, total = env.reset(), [env.pos], 0.0
    for _ in range(limit):
        with torch.no_grad():
            action = int(torch.argmax(net(torch.as_tensor(state)), dim=-1))
        state, reward, done = env.step(action)
        path.append(env.pos)
        total += reward
        if done:
            break
    return path, total


def train(name, make_optimizer, rng, episodes=30, batch_size=16, gamma=0.9, target_every=20, tau=None):
    env = GridWorld()
    policy_net = DQN(ROWS * COLS, 4).double()
    init_from_numpy(policy_net, rng)
    target_net = DQN(ROWS * COLS, 4).double()
    target_net.load_state_dict(policy_net.state_dict())
    target_net.eval()
    optimizer = make_optimizer(policy_net.parameters())
    memory = ReplayMemory(500, rng)
    criterion = nn.SmoothL1Loss() if tau is None else nn.HuberLoss(delta=0.5)
    step_fn = optimize if tau is None else optimize_masked
    steps, losses = 0, []
    for episode in range(episodes):
        state = env.reset()
        eps = max(0.05, 0.9 * 0.9 ** episode)
        for t in range(20):
            action = select_action(policy_net, state, eps, rng)
            next_state, reward, done = env.step(action)
            memory.push(state, action, None if done and tau else next_state, reward, done)
            state = next_state
            steps += 1
            if len(memory) >= batch_size:
                losses.append(step_fn(policy_net, target_net, memory, optimizer, criterion, batch_size, gamma))
            if tau is not None:
                target_sd, policy_sd = target_net.state_dict(), policy_net.state_dict()
                for key in policy_sd:
                    target_sd[key] = policy_sd[key] * tau + target_sd[key] * (1 - tau)
                target_net.load_state_dict(target_sd)
            elif steps % target_every == 0:
                target_net.load_state_dict(policy_net.state_dict())
            if done:
                break
        if episode % 6 == 5:
            recent = losses[-10:]
            print(f"{name} episode {episode} steps {steps} eps {eps:.4f} memory {len(memory)} "
                  f"mean TD loss {np.mean(recent):.10f}")
    return policy_net, target_net, losses, env


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    policy_net, target_net, losses, env = train(
        "rmsprop", lambda p: optim.RMSprop(p, lr=0.005, alpha=0.95, eps=1e-6), rng)
    print("updates", len(losses), "first", [round(v, 10) for v in losses[:3]], "last", round(losses[-1], 10))
    table = q_table(policy_net)
    print("Q table", table.shape, table.dtype)
    for r in range(ROWS):
        print("  ".join(f"{v:+.6f}" for v in table.max(dim=1).values[r * COLS:(r + 1) * COLS].tolist()))
    greedy = table.argmax(1).view(ROWS, COLS)
    print("policy", ["".join(ARROWS[a] for a in row) for row in greedy.tolist()])
    path, total = rollout(policy_net, env)
    print("rollout", path, f"return {total:.4f}")

    with torch.no_grad():
        for tp, pp in zip(target_net.parameters(), policy_net.parameters()):
            tp.mul_(0.5).add_(0.5 * pp)
    print("soft target", f"{sum(p.sum().item() for p in target_net.parameters()):.10f}")
    sd = target_net.state_dict()
    print("state_dict", list(sd.keys()), sd["head.bias"])

    policy2, _, losses2, env2 = train(
        "adamw", lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.01, amsgrad=True), rng, episodes=18,
        tau=0.05)
    print("adamw updates", len(losses2), f"total {sum(losses2):.10f}")
    q = policy2(torch.as_tensor(env2.reset()).unsqueeze(0))
    best = q.max(1)
    print("start Q", q.detach().numpy().round(8).tolist(), best.values, best.indices)
    print("margin", q.max() - q.min(), q.amax(dim=1), q.softmax(-1).argmax(dim=-1))
    chosen = q.gather(1, best.indices.unsqueeze(1)).squeeze(1)
    print("chosen", chosen, q.mean(dim=1), q.sum(1), q.view(-1)[:2], q.t().shape)
    path, total = rollout(policy2, env2)
    print("rollout", path, f"return {total:.4f}")


if __name__ == "__main__":
    main()
