"""Text generation from a tiny bigram language model as char-level tutorials write it: the model is trained a few
steps, then sampled with torch.multinomial (one draw, num_samples with and without replacement, batched rows,
temperature and top-k filtering), with a private torch.Generator for reproducible sampling interleaved with the
global stream (rand / randn / randint / randperm / normal_ / multinomial given generator=), the generator's
get_state / set_state replay and initial_seed, and the global stream's state saved and restored. Float64.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


TEXT = "the quick brown fox jumps over the lazy dog and the cat sat on the mat "


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(2024)
    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in TEXT])
    V = len(chars)
    print("vocab:", V, "data:", data[:10].tolist())

    model = nn.Embedding(V, V)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    for step in range(8):
        ix = torch.randint(0, len(data) - 1, (16,))
        logits = model(data[ix])
        loss = F.cross_entropy(logits, data[ix + 1])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 2 == 0:
            print(f"step {step}: loss {loss.item():.8f} batch {ix[:4].tolist()}")

    with torch.no_grad():
        probs = F.softmax(model.weight / 0.8, dim=-1)
    g = torch.Generator().manual_seed(7)
    print("generator seed:", g.initial_seed())
    idx = stoi["t"]
    out = []
    for _ in range(20):
        idx = torch.multinomial(probs[idx], 1, generator=g).item()
        out.append(itos[idx])
    print("sampled:", repr("".join(out)))

    row = probs[stoi["h"]]
    print("with replacement:", torch.multinomial(row, 8, replacement=True).tolist())
    print("without replacement:", torch.multinomial(row, 6, replacement=False).tolist())
    print("batched rows:", torch.multinomial(probs[:3], 4, replacement=True, generator=g).tolist())
    print("batched no replacement:", torch.multinomial(probs[3:5], 3).tolist())

    v, i = torch.topk(model.weight[stoi["e"]].detach(), 4)
    top = torch.full((V,), float("-inf"))
    top[i] = v
    top_probs = F.softmax(top, dim=-1)
    print("top-k draws:", torch.multinomial(top_probs, 10, replacement=True, generator=g).tolist())
    print("unnormalised weights:", torch.multinomial(torch.tensor([1.0, 0.0, 3.0, 6.0]), 3).tolist())

    state = g.get_state()
    a = torch.rand(3, generator=g)
    b = torch.randn(2, generator=g)
    c = torch.randint(0, 100, (4,), generator=g)
    p = torch.randperm(7, generator=g)
    e = torch.empty(3).normal_(2.0, 0.5, generator=g)
    print("gen rand:", a, "randn:", b)
    print("gen randint:", c.tolist(), "randperm:", p.tolist(), "normal_:", e)
    print("global between:", torch.rand(2), torch.randperm(5).tolist())
    g.set_state(state)
    print("replayed:", torch.equal(torch.rand(3, generator=g), a), torch.equal(torch.randn(2, generator=g), b))

    global_state = torch.get_rng_state()
    x1 = torch.randn(3)
    torch.set_rng_state(global_state)
    x2 = torch.randn(3)
    print("global replay:", torch.equal(x1, x2), x1)
    big = torch.randperm(40)
    print("randperm 40:", big[:12].tolist())
    print("exponential_:", torch.empty(3).exponential_(2.0))
    print("final global:", torch.rand(2), "generator:", torch.rand(2, generator=g))
