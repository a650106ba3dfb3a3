"""A reproducible data pipeline as PyTorch's "Reproducibility" notes and many course notebooks set it up: a
torch.Generator().manual_seed(42) passed to random_split (fractions and lengths) and a second one to the
training DataLoader, a WeightedRandomSampler for an imbalanced data set (weights from inverse class counts), a
SubsetRandomSampler for k-fold-style validation, torch.randperm for a hand-made split, a logistic-regression
model trained with SGD whose per-epoch losses depend on all of it, and a check that re-seeding the generator
replays the same batches while the global stream moves on. Float32; every random number comes from
torch.manual_seed or a seeded torch.Generator.
"""
import torch
import torch.nn as nn
from torch.utils.data import (DataLoader, RandomSampler, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler, random_split)


def main():
    torch.manual_seed(0)
    n = 100
    X = torch.randn(n, 5)
    true_w = torch.tensor([1.5, -2.0, 0.5, 0.0, 1.0])
    y = (X @ true_w + 0.3 * torch.randn(n) > 1.2).float()
    print("positives:", int(y.sum().item()), "of", n)
    dataset = TensorDataset(X, y)

    g = torch.Generator().manual_seed(42)
    train_set, val_set, test_set = random_split(dataset, [0.7, 0.2, 0.1], generator=g)
    print("split sizes:", len(train_set), len(val_set), len(test_set), "test indices:", test_set.indices)
    a, b = random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(42))
    print("lengths split:", list(a), list(b))

    loader_gen = torch.Generator()
    loader_gen.manual_seed(7)
    train_loader = DataLoader(train_set, batch_size=16, shuffle=True, generator=loader_gen)
    print("first epoch batch sizes:", [len(xb) for xb, _ in train_loader])

    model = nn.Linear(5, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.5)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(5):
        total = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb).squeeze(1), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        with torch.no_grad():
            xv = torch.stack([val_set[i][0] for i in range(len(val_set))])
            yv = torch.stack([val_set[i][1] for i in range(len(val_set))])
            val_acc = ((model(xv).squeeze(1) > 0).float() == yv).float().mean().item()
        print(f"epoch {epoch}: loss {total / len(train_set):.4f} val acc {val_acc:.4f}")
    print("weights:", model.weight.data)

    labels = y.long()
    class_count = torch.bincount(labels)
    sample_weights = (1.0 / class_count.float())[labels]
    sampler = WeightedRandomSampler(sample_weights, num_samples=40, replacement=True)
    drawn = list(sampler)
    print("weighted sampler:", drawn[:10], "balance:", torch.bincount(labels[drawn], minlength=2).tolist())
    balanced = DataLoader(dataset, batch_size=20, sampler=sampler)
    print("balanced batches' positives:", [int(yb.sum().item()) for _, yb in balanced])

    perm = torch.randperm(n)
    fold_val, fold_train = perm[:20].tolist(), perm[20:].tolist()
    fold_loader = DataLoader(dataset, batch_size=32, sampler=SubsetRandomSampler(fold_train))
    print("fold validation:", sorted(fold_val)[:8], "first train batch:", next(iter(fold_loader))[1][:10].tolist())

    rs = RandomSampler(range(12), generator=torch.Generator().manual_seed(3))
    print("random sampler:", list(rs), list(rs))

    loader_gen.manual_seed(7)
    replay = [yb[:6].tolist() for _, yb in DataLoader(train_set, batch_size=16, shuffle=True, generator=loader_gen)]
    loader_gen.manual_seed(7)
    again = [yb[:6].tolist() for _, yb in DataLoader(train_set, batch_size=16, shuffle=True, generator=loader_gen)]
    print("re-seeded loader replays:", replay == again, replay[0])
    print("global stream:", torch.rand(4))
