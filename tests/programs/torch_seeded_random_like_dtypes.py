"""The "_like" and tensor-parameter random ops as data-augmentation and simulation code uses them, seeded by
torch.manual_seed alone, after changing dtypes: rand_like / randn_like / randint_like of float32, float64, float16,
bfloat16 and int64 tensors, torch.bernoulli of a probability tensor (and with p=, and into out), torch.poisson of
rates, torch.normal with tensor mean and/or tensor std and with sizes, Tensor.uniform_ / random_ / geometric_ /
log_normal_ / cauchy_ on several dtypes, and a noisy-label training loop whose batches come from a
DataLoader(shuffle=True) with its own generator over two epochs. Float32.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def main():
    torch.manual_seed(31)
    base = torch.zeros(2, 3)
    for dt in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
        t = base.to(dt)
        r = torch.rand_like(t)
        n = torch.randn_like(t)
        print(f"{dt}: rand_like {r[0].tolist()} randn_like {n.dtype} {n[1, 0].item():.4f}")
    ints = torch.arange(6).view(2, 3)
    ri = torch.randint_like(ints, 10)
    print("randint_like int64:", ri.tolist(), ri.dtype)
    print("randint_like low/high float:", torch.randint_like(base, 3, 9))
    print("randint_like half:", torch.randint_like(base.half(), 5).dtype)

    probs = torch.tensor([[0.1, 0.5, 0.9], [0.0, 1.0, 0.3]])
    print("bernoulli(probs):", torch.bernoulli(probs))
    print("bernoulli float64:", torch.bernoulli(probs.double()).dtype)
    print("bernoulli p=0.25:", torch.bernoulli(base, p=0.25))
    out = torch.empty(2, 3)
    torch.bernoulli(probs, out=out)
    print("bernoulli out:", out)
    rates = torch.tensor([0.5, 1.0, 4.0, 10.0])
    print("poisson:", torch.poisson(rates))
    print("poisson float64:", torch.poisson(rates.double() * 2))

    mean = torch.arange(4.0)
    std = torch.tensor([0.1, 0.5, 1.0, 2.0])
    print("normal(mean, std):", torch.normal(mean, std))
    print("normal(mean, 1.0):", torch.normal(mean, 1.0))
    print("normal(0.0, std):", torch.normal(0.0, std))
    print("normal(2, 3, size):", torch.normal(2.0, 3.0, size=(2, 2)))
    print("normal float64 mean:", torch.normal(mean.double(), std.double()).dtype)

    u = torch.empty(4).uniform_(-2, 2)
    print("uniform_:", u)
    print("random_ int64:", torch.empty(5, dtype=torch.int64).random_(0, 50).tolist())
    print("random_ float to:", torch.empty(4).random_(10))
    print("geometric_:", torch.empty(5).geometric_(0.3))
    print("log_normal_:", torch.empty(3, dtype=torch.float64).log_normal_(0.0, 0.5))
    print("cauchy_:", torch.empty(3).cauchy_(0.0, 1.0))

    X = torch.randn(24, 4)
    w = torch.tensor([1.0, -1.0, 0.5, 2.0])
    clean = (X @ w > 0).long()
    flip = torch.bernoulli(torch.full((24,), 0.1)).bool()
    y = torch.where(flip, 1 - clean, clean)
    print("flipped labels:", int(flip.sum()), "positives:", int(y.sum()))
    loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True,
                        generator=torch.Generator().manual_seed(3))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    for epoch in range(2):
        order = []
        for xb, yb in loader:
            noisy = xb + 0.05 * torch.randn_like(xb)
            loss = F.cross_entropy(model(noisy), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            order.append(round(loss.item(), 5))
        print(f"epoch {epoch} losses:", order)
    print("global stream after:", torch.rand(2))
