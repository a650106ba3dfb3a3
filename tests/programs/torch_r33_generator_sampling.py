"""Seeded sampling with explicit torch.Generator objects, as a data-augmentation and bandit script uses them
(float32): generators seeded apart from the global one, get_state / set_state replays, initial_seed, multinomial
with and without replacement (1-D and 2-D), bernoulli with a probability tensor and bernoulli_(p), poisson,
randperm / randint / rand / randn / normal with generator=, Tensor.uniform_ / normal_ / exponential_ /
geometric_ / cauchy_ / log_normal_ / random_ with a generator, and an epsilon-greedy bandit whose choices depend
on all of them."""
import torch


def main():
    torch.manual_seed(123)
    g = torch.Generator().manual_seed(7)
    print("initial_seed", g.initial_seed(), torch.initial_seed())
    state = g.get_state()
    a = torch.rand(4, generator=g)
    g.set_state(state)
    b = torch.rand(4, generator=g)
    print("replay", torch.equal(a, b), [round(v, 6) for v in a.tolist()], state.dtype, tuple(state.shape))
    print("randn", [round(v, 6) for v in torch.randn(2, 3, generator=g).reshape(-1).tolist()])
    print("randint", torch.randint(0, 10, (8,), generator=g).tolist(), torch.randint(5, (3,), generator=g).tolist())
    print("randperm", torch.randperm(10, generator=g).tolist())
    print("normal", [round(v, 6) for v in torch.normal(2.0, 0.5, (4,), generator=g).tolist()])
    means = torch.tensor([0.0, 10.0, -5.0])
    print("normal t", [round(v, 5) for v in torch.normal(means, torch.tensor([1.0, 0.1, 2.0]), generator=g).tolist()])
    probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
    print("multinomial repl", torch.multinomial(probs, 10, replacement=True, generator=g).tolist())
    print("multinomial norepl", torch.multinomial(probs, 4, generator=g).tolist())
    weights = torch.tensor([[1.0, 0.0, 3.0, 6.0], [5.0, 5.0, 0.0, 0.0]])
    print("multinomial 2d", torch.multinomial(weights, 2, generator=g).tolist(),
          torch.multinomial(weights, 5, replacement=True, generator=g).tolist())
    p = torch.tensor([[0.0, 0.5, 1.0], [0.25, 0.75, 0.9]])
    print("bernoulli", torch.bernoulli(p, generator=g).tolist(),
          torch.empty(6).bernoulli_(0.3, generator=g).tolist())
    print("poisson", torch.poisson(torch.tensor([0.5, 3.0, 10.0, 40.0]), generator=g).tolist())
    t = torch.empty(5)
    print("uniform_", [round(v, 6) for v in t.uniform_(-2, 2, generator=g).tolist()])
    print("normal_", [round(v, 6) for v in t.normal_(1.0, 3.0, generator=g).tolist()])
    print("exponential_", [round(v, 6) for v in t.exponential_(2.0, generator=g).tolist()])
    print("geometric_", t.geometric_(0.3, generator=g).tolist())
    print("cauchy_", [round(v, 5) for v in t.cauchy_(0.0, 1.0, generator=g).tolist()])
    print("log_normal_", [round(v, 6) for v in t.log_normal_(0.0, 0.5, generator=g).tolist()])
    print("random_", torch.empty(6, dtype=torch.int64).random_(0, 100, generator=g).tolist(),
          torch.empty(4).random_(10, generator=g).tolist())
    print("global after", [round(v, 6) for v in torch.rand(3).tolist()])

    # epsilon-greedy bandit: one generator for exploration, another for rewards
    explore, world = torch.Generator().manual_seed(1), torch.Generator().manual_seed(2)
    true_means = torch.tensor([0.2, 0.5, 0.8])
    values, counts = torch.zeros(3), torch.zeros(3)
    picks = []
    for step in range(24):
        if torch.rand(1, generator=explore).item() < 0.3:
            arm = torch.randint(0, 3, (1,), generator=explore).item()
        else:
            arm = int(torch.argmax(values + 1e-3 * torch.arange(3)))
        reward = torch.bernoulli(true_means[arm:arm + 1], generator=world).item()
        counts[arm] += 1
        values[arm] += (reward - values[arm]) / counts[arm]
        picks.append(arm)
    print("bandit picks", picks)
    print("bandit values", [round(v, 6) for v in values.tolist()], counts.tolist())

    # Thompson sampling draws from a softmax policy with multinomial, and a REINFORCE update
    torch.manual_seed(5)
    logits = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([logits], lr=0.5)
    for step in range(5):
        dist = torch.softmax(logits, dim=0)
        arms = torch.multinomial(dist.detach(), 6, replacement=True, generator=explore)
        rewards = torch.bernoulli(true_means[arms], generator=world)
        loss = -(torch.log(dist[arms]) * (rewards - rewards.mean())).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("reinforce", step, arms.tolist(), rewards.tolist(), f"{loss.item():.6f}",
              [round(v, 6) for v in logits.tolist()])


main()
