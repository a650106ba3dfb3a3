"""RNG state handling as reproducibility code writes it, float32: torch.manual_seed and initial_seed,
get_rng_state / set_rng_state to replay a stretch of draws (the state's dtype and size), torch.random.fork_rng
around a noisy evaluation so the training stream does not move, private torch.Generator objects with manual_seed,
seed-free initial_seed, get_state / set_state and clone_state, generator= on rand / randn / randint / randperm /
multinomial / bernoulli / normal_ / uniform_ / exponential_ / random_, and a dropout-regularised training step
replayed exactly from a saved state.
"""
import torch


def main():
    torch.manual_seed(2024)
    print("initial_seed", torch.initial_seed(), torch.random.initial_seed())
    state = torch.get_rng_state()
    print("state", state.dtype, state.shape, state.device.type)
    a = torch.rand(4)
    b = torch.randn(3)
    torch.set_rng_state(state)
    print("replay rand", torch.equal(torch.rand(4), a), "replay randn", torch.equal(torch.randn(3), b))
    print("draws", a, b)

    before = torch.get_rng_state()
    with torch.random.fork_rng():
        torch.manual_seed(99)
        noisy = torch.randn(2)
    print("fork_rng inner", noisy, "outer untouched", torch.equal(before, torch.get_rng_state()))
    with torch.random.fork_rng(enabled=False):
        torch.rand(1)
    print("fork_rng disabled moves the stream", not torch.equal(before, torch.get_rng_state()))

    g = torch.Generator()
    g.manual_seed(31)
    print("generator seed", g.initial_seed(), g.device)
    gs = g.get_state()
    x1 = torch.randn(2, 3, generator=g)
    i1 = torch.randint(0, 10, (6,), generator=g)
    p1 = torch.randperm(7, generator=g)
    g.set_state(gs)
    print("generator replay", torch.equal(x1, torch.randn(2, 3, generator=g)),
          torch.equal(i1, torch.randint(0, 10, (6,), generator=g)), torch.equal(p1, torch.randperm(7, generator=g)))
    print("randn", x1)
    print("randint", i1.tolist(), i1.dtype, "randperm", p1.tolist())
    print("randint low only", torch.randint(5, (4,), generator=g).tolist(),
          torch.randint(-3, 3, (2, 2), generator=g, dtype=torch.int32).tolist())
    probs = torch.tensor([0.1, 0.6, 0.3])
    print("multinomial", torch.multinomial(probs, 8, replacement=True, generator=g).tolist(),
          torch.multinomial(probs.expand(2, 3), 2, generator=g).tolist())
    print("bernoulli", torch.bernoulli(torch.full((6,), 0.4), generator=g).tolist())
    buf = torch.empty(5)
    print("normal_", buf.normal_(2.0, 0.5, generator=g))
    print("uniform_", buf.uniform_(-1, 1, generator=g))
    print("exponential_", buf.exponential_(2.0, generator=g))
    print("random_", torch.empty(6).random_(0, 4, generator=g).tolist())
    print("rand_like uses global", torch.rand_like(buf).shape)

    h = torch.Generator().manual_seed(31)
    print("fresh generator same stream", torch.equal(torch.randn(2, 3, generator=h), x1))
    c = h.clone_state()
    print("clone_state continues", torch.equal(torch.randint(0, 10, (6,), generator=h),
                                               torch.randint(0, 10, (6,), generator=c)))
    unseeded = torch.Generator()
    print("default generator seed", unseeded.initial_seed())

    torch.manual_seed(5)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(8, 1))
    x = torch.randn(6, 4)
    snapshot = torch.get_rng_state()
    params = [p.detach().clone() for p in net.parameters()]
    losses = []
    for replay in range(2):
        torch.set_rng_state(snapshot)
        with torch.no_grad():
            for p, q in zip(net.parameters(), params):
                p.copy_(q)
        opt = torch.optim.SGD(net.parameters(), lr=0.05)
        for _ in range(3):
            opt.zero_grad()
            loss = net(x).square().mean()
            loss.backward()
            opt.step()
        losses.append(loss.item())
    print("replayed training", losses[0] == losses[1], round(losses[0], 6))
    print("last layer", net[3].weight.data)
    print("next global draw", torch.rand(3))
