"""A data pipeline built from torch.utils.data's composition pieces, feeding a small classifier (float32):
ConcatDataset over TensorDatasets and a map-style dict dataset (cumulative_sizes, indexing across the seam),
ChainDataset over IterableDatasets, StackDataset with keywords, Subset, random_split with fractions and a
generator, WeightedRandomSampler with a seeded Generator (with and without replacement), SubsetRandomSampler,
BatchSampler(drop_last=True/False) given as batch_sampler=, SequentialSampler, default_collate of dicts,
namedtuples and nested lists, and a custom collate_fn, each printing its indices and batches."""
import collections

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import (TensorDataset, ConcatDataset, ChainDataset, StackDataset, Subset, Dataset,
                              IterableDataset, DataLoader, random_split, WeightedRandomSampler,
                              SubsetRandomSampler, BatchSampler, SequentialSampler, default_collate)

Pair = collections.namedtuple("Pair", ["feat", "label"])


class DictData(Dataset):
    def __init__(self, n, offset):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": torch.full((2,), float(i + self.offset)), "y": (i + self.offset) % 3}


class Counter(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))


def main():
    torch.manual_seed(7)
    a = TensorDataset(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 2]))
    b = TensorDataset(torch.arange(10.0, 18.0).view(4, 2), torch.tensor([2, 1, 0, 1]))
    cat = ConcatDataset([a, b])
    print("concat", len(cat), cat.cumulative_sizes, cat[2], cat[3], cat[-1])
    cat2 = ConcatDataset([DictData(3, 0), DictData(2, 100)])
    print("concat dict", cat2.cumulative_sizes, cat2[4])
    print("collate dicts", default_collate([cat2[i] for i in range(4)]))

    chain = ChainDataset([Counter(0, 3), Counter(10, 12)])
    print("chain", list(chain))
    print("chain loader", [t.tolist() for t in DataLoader(chain, batch_size=2)])

    stack = StackDataset(inp=torch.arange(5.0), tgt=torch.arange(5) * 2)
    print("stack", len(stack), stack[3])
    print("stack batches", list(DataLoader(stack, batch_size=3)))

    g = torch.Generator().manual_seed(42)
    parts = random_split(range(10), [0.5, 0.3, 0.2], generator=g)
    print("split", [list(p) for p in parts], [len(p) for p in parts])
    sub = Subset(cat, [6, 0, 4])
    print("subset", [s[1].item() for s in sub])

    weights = torch.tensor([0.1, 0.1, 0.5, 1.0, 2.0, 0.0, 0.3])
    g = torch.Generator().manual_seed(3)
    wr = WeightedRandomSampler(weights, num_samples=10, replacement=True, generator=g)
    print("weighted repl", list(wr), list(wr))
    wnr = WeightedRandomSampler(weights, num_samples=5, replacement=False, generator=g)
    print("weighted norepl", list(wnr))
    srs = SubsetRandomSampler([1, 3, 5, 6], generator=torch.Generator().manual_seed(9))
    print("subset random", list(srs), len(srs))
    for drop in [False, True]:
        print("batch sampler", drop, list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=drop)))
        print("batch sampler rand", drop, list(BatchSampler(srs, batch_size=3, drop_last=drop)))

    print("collate namedtuples", default_collate([Pair(torch.tensor([1.0, 2.0]), 1), Pair(torch.tensor([3.0, 4.0]), 0)]))
    print("collate nested", default_collate([[1, [2.5, torch.tensor(3)]], [4, [5.5, torch.tensor(6)]]]))
    print("collate tuple str", default_collate([("a", 1.0), ("b", 2.0)]))

    def collate(batch):
        xs = torch.stack([x for x, _ in batch])
        ys = torch.stack([y for _, y in batch])
        return xs / xs.norm(dim=1, keepdim=True).clamp_min(1e-6), ys

    torch.manual_seed(1)
    n = 40
    X = torch.randn(n, 2)
    Y = (X[:, 0] * X[:, 1] > 0).long() + (X[:, 0] > 1).long()
    full = ConcatDataset([TensorDataset(X[:25], Y[:25]), TensorDataset(X[25:], Y[25:])])
    train, val = random_split(full, [0.75, 0.25], generator=torch.Generator().manual_seed(0))
    counts = torch.bincount(Y[torch.tensor(train.indices)], minlength=3).float()
    sample_w = (1.0 / counts.clamp_min(1))[Y[torch.tensor(train.indices)]]
    sampler = WeightedRandomSampler(sample_w, num_samples=len(train), generator=torch.Generator().manual_seed(5))
    loader = DataLoader(train, batch_sampler=BatchSampler(sampler, batch_size=8, drop_last=True), collate_fn=collate)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(3):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
        with torch.no_grad():
            vx, vy = collate([val[i] for i in range(len(val))])
            acc = (model(vx).argmax(1) == vy).float().mean().item()
        print("epoch", epoch, len(loader), f"{total:.5f}", f"{acc:.4f}")
