"""REINFORCE in the style of PyTorch's examples/reinforcement_learning/reinforce.py and Spinning Up's vanilla
policy gradient, seeded by torch.manual_seed(543): a policy network with nn.Dropout (training mode) over a small
corridor world written in torch (start state from torch.randint, slip noise from torch.rand), actions sampled
from torch.distributions.Categorical, log_prob kept for the update, discounted returns normalised by their
std + eps, and a second agent with a Gaussian policy (torch.distributions.Normal, a learned log-std) on a
one-step continuous bandit, with entropy and its rsample path. Float32; every random number comes from
torch.manual_seed (Categorical and Normal draw as PyTorch's).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical, Normal

N_STATES, GOAL = 7, 6
eps = 1e-6


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(N_STATES, 16)
        self.dropout = nn.Dropout(p=0.3)
        self.affine2 = nn.Linear(16, 2)
        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


def select_action(policy, state):
    state = F.one_hot(torch.tensor([state]), N_STATES).float()
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def env_step(state, action):
    move = 1 if action == 1 else -1
    if torch.rand(1).item() < 0.1:        # the floor is slippery
        move = -move
    state = min(max(state + move, 0), GOAL)
    return state, (1.0 if state == GOAL else -0.05), state == GOAL


def finish_episode(policy, optimizer, gamma=0.95):
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]
    return policy_loss.item()


def main():
    torch.manual_seed(543)
    policy = Policy()
    optimizer = optim.Adam(policy.parameters(), lr=2e-2)
    running_reward = 0.0
    for i_episode in range(1, 13):
        state, ep_reward, actions = torch.randint(0, 3, (1,)).item(), 0.0, []
        for t in range(1, 30):
            action = select_action(policy, state)
            actions.append(action)
            state, reward, done = env_step(state, action)
            policy.rewards.append(reward)
            ep_reward += reward
            if done:
                break
        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        loss = finish_episode(policy, optimizer)
        if i_episode % 3 == 0:
            print('Episode {}\tLength: {}\tLast reward: {:.2f}\tAverage reward: {:.4f}\tloss {:.4f}'.format(
                i_episode, t, ep_reward, running_reward, loss))
            print('  actions:', ''.join(str(a) for a in actions[:20]))
    policy.eval()
    with torch.no_grad():
        print("greedy policy, P(right) per state:", policy(torch.eye(N_STATES))[:, 1])

    # a Gaussian policy on a one-step bandit: the reward peaks at action 1.5
    mu_net = nn.Linear(2, 1)
    log_std = nn.Parameter(torch.zeros(1))
    opt = optim.SGD(list(mu_net.parameters()) + [log_std], lr=0.05)
    contexts = torch.randn(64, 2)
    for it in range(5):
        dist = Normal(mu_net(contexts).squeeze(-1), log_std.exp())
        actions = dist.sample()
        rewards = -(actions - 1.5) ** 2
        advantage = rewards - rewards.mean()
        loss = -(dist.log_prob(actions) * advantage).mean() - 0.01 * dist.entropy().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"gaussian iter {it}: mean reward {rewards.mean().item():.4f} first actions "
              f"{[round(a, 4) for a in actions[:3].tolist()]} std {log_std.exp().item():.4f}")
    z = Normal(torch.zeros(3), torch.ones(3) * 0.5).rsample((2,))
    print("rsample:", z)
    print("Categorical counts:", torch.bincount(Categorical(logits=torch.tensor([0.0, 1.0, 2.0])).sample((200,)),
                                                minlength=3).tolist())
