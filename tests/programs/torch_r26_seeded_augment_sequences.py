"""A seeded augmentation and sampling pipeline whose every draw must come out in PyTorch's order: randperm of
short and long lengths, multinomial with and without replacement over rows, in-place fills (normal_ on a
transposed view, uniform_, bernoulli_ with a scalar and with a tensor of probabilities, float64 ones into a
float32 tensor and the other way, exponential_, geometric_, log_normal_, cauchy_, random_ on integer tensors),
randint and randn_like / rand_like / randint_like between them, a private torch.Generator interleaved with the
global stream, get_rng_state / set_rng_state to replay a segment, torch.random.fork_rng leaving the stream
untouched, F.dropout / nn.Dropout / dropout2d masks in training, random erasing and crop offsets as augmentation
code draws them, and a small model trained on the augmented batches so the draws feed its loss. Float32; every
random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def augment(batch, gen):
    n, c, h, w = batch.shape
    out = batch.clone()
    flips = torch.rand(n, generator=gen) < 0.5
    out[flips] = out[flips].flip(-1)
    tops = torch.randint(0, 3, (n,))
    lefts = torch.randint(0, 3, (n,), generator=gen)
    crops = torch.stack([out[i, :, t:t + h - 2, l:l + w - 2] for i, (t, l) in enumerate(zip(tops.tolist(), lefts.tolist()))])
    erase = torch.bernoulli(torch.full((n,), 0.5)).bool()
    for i in torch.nonzero(erase).flatten().tolist():
        y0, x0 = torch.randint(0, h - 4, (2,)).tolist()
        crops[i, :, y0:y0 + 2, x0:x0 + 2] = torch.randn(c, 2, 2)
    return crops, flips, tops, lefts, erase


def main():
    torch.manual_seed(2608)
    print(torch.randperm(7), torch.randperm(40)[:10], torch.randperm(5, dtype=torch.int32))
    probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25]])
    print(torch.multinomial(probs, 2), torch.multinomial(probs, 6, replacement=True))
    print(torch.multinomial(probs[0], 4), torch.multinomial(probs[2] * 7, 3, replacement=False))

    t = torch.empty(3, 5)
    t.t().normal_(2.0, 0.5)
    print(t)
    print(torch.empty(4).uniform_(-1, 1), torch.empty(6).bernoulli_(0.3), torch.empty(4).bernoulli_(torch.tensor([0.1, 0.9, 0.5, 0.0])))
    print(torch.empty(2, 3).bernoulli_(torch.rand(3, dtype=torch.float64)), torch.empty(3, dtype=torch.float64)
          .bernoulli_(torch.tensor([0.5, 0.5, 0.5])))
    print(torch.empty(4).exponential_(2.0), torch.empty(4).geometric_(0.3), torch.empty(3).log_normal_(0.0, 0.5))
    print(torch.empty(3).cauchy_(0.0, 1.0), torch.empty(5, dtype=torch.long).random_(3, 9),
          torch.empty(4, dtype=torch.int16).random_(100), torch.empty(3, dtype=torch.uint8).random_())
    base = torch.ones(2, 3)
    print(torch.randn_like(base), torch.rand_like(base, dtype=torch.float64), torch.randint_like(base, 10),
          torch.randint(-5, 5, (4,)), torch.randint(3, (2, 2), dtype=torch.int32))

    gen = torch.Generator().manual_seed(7)
    print(torch.rand(3, generator=gen), torch.rand(3), torch.randn(2, generator=gen), torch.randperm(6, generator=gen))
    state = torch.get_rng_state()
    first = torch.randn(5)
    torch.set_rng_state(state)
    again = torch.randn(5)
    print(torch.equal(first, again), first)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        inside = torch.rand(2)
    after = torch.rand(2)
    print(inside, after)
    gstate = gen.get_state()
    g1 = torch.randint(0, 100, (5,), generator=gen)
    gen.set_state(gstate)
    print(torch.equal(g1, torch.randint(0, 100, (5,), generator=gen)), g1, gen.initial_seed())

    x = torch.ones(2, 3, 2, 2)
    print(F.dropout(torch.ones(10), p=0.3), F.dropout(torch.ones(3, 3), p=0.5, training=False))
    print(F.dropout2d(x, p=0.5)[:, :, 0, 0], nn.Dropout(0.25)(torch.ones(8)), F.alpha_dropout(torch.ones(5), 0.4, True))

    images = torch.rand(6, 1, 8, 8)
    labels = torch.randint(0, 3, (6,))
    model = nn.Sequential(nn.Flatten(), nn.Linear(36, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    aug_gen = torch.Generator().manual_seed(123)
    for step in range(3):
        crops, flips, tops, lefts, erase = augment(images, aug_gen)
        print(step, flips.int().tolist(), tops.tolist(), lefts.tolist(), erase.int().tolist(), crops.shape)
        perm = torch.randperm(6)
        loss = F.cross_entropy(model(crops[perm]), labels[perm])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(step, perm.tolist(), f"{loss.item():.6f}")
    model.eval()
    print(model(images[:, :, 1:7, 1:7]).argmax(1), torch.rand(2), torch.initial_seed())


if __name__ == "__main__":
    main()
