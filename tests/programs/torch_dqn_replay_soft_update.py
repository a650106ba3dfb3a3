"""PyTorch's "Reinforcement Learning (DQN) Tutorial" as written, on a small deterministic stand-in for CartPole: the
Transition namedtuple and ReplayMemory over a deque with random.sample, the three-layer DQN, select_action with the
exponentially decaying epsilon threshold and policy_net(state).max(1).indices.view(1, 1), optimize_model with the
non-final mask built from tuple(map(...)) as a bool tensor, torch.cat of the batch fields, gather of the taken
actions, the target network's max(1).values under torch.no_grad, nn.SmoothL1Loss, optim.AdamW(amsgrad=True),
torch.nn.utils.clip_grad_value_, and the soft target update written through state_dict() and load_state_dict().
Float32; torch.manual_seed for the networks, Python's random seeded for replay and exploration.
"""
import math
import random
from collections import deque, namedtuple
from itertools import count

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

Transition = namedtuple("Transition", ("state", "action", "next_state", "reward"))


class ReplayMemory(object):
    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)

    def push(self, *args):
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)

    def __len__(self):
        return len(self.memory)


class DQN(nn.Module):
    def __init__(self, n_observations, n_actions):
        super(DQN, self).__init__()
        self.layer1 = nn.Linear(n_observations, 32)
        self.layer2 = nn.Linear(32, 32)
        self.layer3 = nn.Linear(32, n_actions)

    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.layer3(x)


class TinyPole:
    """A deterministic cart-pole-like system: the state drifts and an action pushes left or right."""

    def reset(self, k):
        self.s = [0.05 * ((k * 7) % 5 - 2), 0.0, 0.03 * ((k * 3) % 5 - 2), 0.0]
        return list(self.s), {}

    def step(self, action):
        x, v, th, w = self.s
        force = 1.0 if action == 1 else -1.0
        w = w + 0.05 * (9.8 * math.sin(th) - force * math.cos(th))
        th = th + 0.05 * w
        v = v + 0.05 * force
        x = x + 0.05 * v
        self.s = [x, v, th, w]
        terminated = abs(th) > 0.2 or abs(x) > 1.0
        return list(self.s), 1.0, terminated, False, {}


BATCH_SIZE, GAMMA, EPS_START, EPS_END, EPS_DECAY, TAU, LR = 16, 0.99, 0.9, 0.05, 200, 0.005, 1e-3


def main():
    torch.manual_seed(19)
    random.seed(19)
    env = TinyPole()
    n_actions, n_observations = 2, 4
    policy_net = DQN(n_observations, n_actions)
    target_net = DQN(n_observations, n_actions)
    target_net.load_state_dict(policy_net.state_dict())
    optimizer = optim.AdamW(policy_net.parameters(), lr=LR, amsgrad=True)
    memory = ReplayMemory(1000)
    steps_done = 0
    print("target equals policy", all(torch.equal(a, b) for a, b in zip(policy_net.parameters(), target_net.parameters())))

    def select_action(state):
        nonlocal steps_done
        sample = random.random()
        eps_threshold = EPS_END + (EPS_START - EPS_END) * math.exp(-1. * steps_done / EPS_DECAY)
        steps_done += 1
        if sample > eps_threshold:
            with torch.no_grad():
                return policy_net(state).max(1).indices.view(1, 1)
        return torch.tensor([[random.randrange(n_actions)]], dtype=torch.long)

    def optimize_model():
        if len(memory) < BATCH_SIZE:
            return None
        transitions = memory.sample(BATCH_SIZE)
        batch = Transition(*zip(*transitions))
        non_final_mask = torch.tensor(tuple(map(lambda s: s is not None, batch.next_state)), dtype=torch.bool)
        non_final_next_states = torch.cat([s for s in batch.next_state if s is not None])
        state_batch = torch.cat(batch.state)
        action_batch = torch.cat(batch.action)
        reward_batch = torch.cat(batch.reward)
        state_action_values = policy_net(state_batch).gather(1, action_batch)
        next_state_values = torch.zeros(BATCH_SIZE)
        with torch.no_grad():
            next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
        expected_state_action_values = (next_state_values * GAMMA) + reward_batch
        criterion = nn.SmoothL1Loss()
        loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
        optimizer.step()
        return loss.item()

    episode_durations = []
    for i_episode in range(6):
        state, info = env.reset(i_episode)
        state = torch.tensor(state, dtype=torch.float32).unsqueeze(0)
        losses = []
        for t in count():
            action = select_action(state)
            observation, reward, terminated, truncated, _ = env.step(action.item())
            reward = torch.tensor([reward])
            done = terminated or truncated or t >= 40
            next_state = None if terminated else torch.tensor(observation, dtype=torch.float32).unsqueeze(0)
            memory.push(state, action, next_state, reward)
            state = next_state
            loss = optimize_model()
            if loss is not None:
                losses.append(loss)
            target_net_state_dict = target_net.state_dict()
            policy_net_state_dict = policy_net.state_dict()
            for key in policy_net_state_dict:
                target_net_state_dict[key] = policy_net_state_dict[key] * TAU + target_net_state_dict[key] * (1 - TAU)
            target_net.load_state_dict(target_net_state_dict)
            if done:
                episode_durations.append(t + 1)
                break
        mean_loss = sum(losses) / len(losses) if losses else float("nan")
        print(f"episode {i_episode}: duration {t + 1}, memory {len(memory)}, steps {steps_done}, "
              f"mean loss {mean_loss:.6f}")
    durations_t = torch.tensor(episode_durations, dtype=torch.float)
    print("durations", durations_t, durations_t.mean().item())
    probe = torch.tensor([[0.0, 0.1, 0.05, -0.1], [0.2, -0.1, -0.1, 0.3]])
    with torch.no_grad():
        print("policy q", policy_net(probe))
        print("target q", target_net(probe))
        print("greedy", policy_net(probe).max(1))
    gap = sum((p - q).abs().sum() for p, q in zip(policy_net.parameters(), target_net.parameters()))
    print("policy-target gap", round(gap.item(), 4))
    print("amsgrad state keys", sorted(optimizer.state[policy_net.layer1.weight].keys()))
    print("max_exp_avg_sq mean", optimizer.state[policy_net.layer3.bias]["max_exp_avg_sq"].mean().item())
    print("param group", {k: v for k, v in optimizer.param_groups[0].items() if k in ("lr", "amsgrad", "weight_decay")})


if __name__ == "__main__":
    main()
