"""torch.utils.data in depth, float32, as a data-loading tutorial walks through it: a TensorDataset and a custom
Dataset returning namedtuples, Subset of a Subset, ConcatDataset indexing across parts, ChainDataset of
IterableDatasets (one splitting its range by hand), random_split with fractions and a seeded Generator (sizes and
the remainder rule), SubsetRandomSampler and RandomSampler(replacement, num_samples) with generators,
BatchSampler with and without drop_last, SequentialSampler, default_collate on dicts, namedtuples, nested tuples,
NumPy arrays and Python numbers, a DataLoader with collate_fn, drop_last and a batch_sampler, and a linear model
trained over it.
"""
import collections

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
                              default_collate, random_split)

Sample = collections.namedtuple("Sample", ["features", "target"])


class Points(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return Sample(torch.from_numpy(self.x[i]), float(self.y[i]))


class Counter(IterableDataset):
    def __init__(self, start, stop, scale):
        self.start, self.stop, self.scale = start, stop, scale

    def __iter__(self):
        for k in range(self.start, self.stop):
            yield torch.tensor([k * self.scale, -k * self.scale], dtype=torch.float32)


def main():
    rng = np.random.default_rng(123)
    x = rng.normal(size=(20, 3)).astype(np.float32)
    y = (x @ np.array([1.5, -2.0, 0.5], dtype=np.float32) + 0.3).astype(np.float32)

    pts = Points(x, y)
    first = pts[0]
    print("namedtuple sample", type(first).__name__, first.features, round(first.target, 5))
    td = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    print("tensor dataset", len(td), td[3][0].shape, td.tensors[1].shape)

    inner = Subset(pts, list(range(2, 18)))
    outer = Subset(inner, [0, 5, 10, 15])
    print("subset of subset", len(outer), outer.indices, outer[1].features)
    cat = ConcatDataset([outer, Subset(pts, [19, 18]), inner])
    print("concat", len(cat), cat.cumulative_sizes, cat[4].features[0].item(), cat[-1].features[2].item())

    chain = ChainDataset([Counter(0, 3, 1.0), Counter(10, 12, 0.5)])
    print("chain", [t.tolist() for t in chain])
    print("iterable loader", [b.shape for b in DataLoader(Counter(0, 7, 2.0), batch_size=3)])
    print("iterable loader drop_last", [b[:, 0].tolist() for b in DataLoader(Counter(0, 7, 2.0), batch_size=3,
                                                                               drop_last=True)])

    g = torch.Generator().manual_seed(7)
    parts = random_split(pts, [0.5, 0.3, 0.2], generator=g)
    print("fractions", [len(p) for p in parts])
    odd = random_split(range(11), [0.34, 0.33, 0.33], generator=torch.Generator().manual_seed(1))
    print("remainder rule", [len(p) for p in odd], sorted(odd[0].indices + odd[1].indices + odd[2].indices) == list(range(11)))
    again = random_split(pts, [10, 6, 4], generator=torch.Generator().manual_seed(7))
    print("lengths equal fractions", [list(a.indices) == list(b.indices) for a, b in zip(parts, again)])
    print("split indices", list(parts[2].indices))

    sub_sampler = SubsetRandomSampler([1, 4, 9, 16], generator=torch.Generator().manual_seed(3))
    print("subset random", list(sub_sampler), len(sub_sampler))
    rs = RandomSampler(range(6), replacement=True, num_samples=9, generator=torch.Generator().manual_seed(5))
    print("random with replacement", list(rs), len(rs))
    rperm = RandomSampler(range(6), generator=torch.Generator().manual_seed(5))
    print("random permutation", list(rperm))
    print("batches keep", list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)))
    print("batches drop", list(BatchSampler(range(7), 3, True)), len(BatchSampler(range(7), 3, True)))

    dicts = [{"x": torch.tensor([i, i + 1.0]), "n": i, "w": 0.5 * i, "tag": f"s{i}"} for i in range(3)]
    coll = default_collate(dicts)
    print("dict collate", coll["x"], coll["n"], coll["n"].dtype, coll["w"].dtype, coll["tag"])
    nt = default_collate([pts[0], pts[1], pts[2]])
    print("namedtuple collate", type(nt).__name__, nt.features.shape, nt.target.dtype)
    nested = default_collate([(np.arange(2), (1, 2.5)), (np.arange(2) + 3, (4, 5.5))])
    print("nested", nested[0], nested[1][0], nested[1][1])
    print("numpy float collate", default_collate([np.float32(1.5), np.float32(2.0)]).dtype,
          default_collate([np.array([1.0, 2.0]), np.array([3.0, 4.0])]).dtype)

    def collate(batch):
        feats = torch.stack([s.features for s in batch])
        targets = torch.tensor([s.target for s in batch])
        return feats, targets, len(batch)

    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    train = DataLoader(parts[0], batch_size=4, shuffle=True, collate_fn=collate, drop_last=True,
                       generator=torch.Generator().manual_seed(11))
    print("train batches", len(train))
    for epoch in range(4):
        total = 0.0
        for feats, targets, k in train:
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(feats).squeeze(1), targets)
            loss.backward()
            opt.step()
            total += loss.item() * k
        print(f"epoch {epoch}: loss {total / 8:.6f}")
    val = DataLoader(parts[1], batch_sampler=BatchSampler(SequentialSampler(parts[1]), 4, False))
    with torch.no_grad():
        errs = [(model(b.features).squeeze(1) - b.target).abs() for b in val]
    print("val batch sizes", [len(e) for e in errs], "mae", torch.cat(errs).mean().item())
    print("weights", model.weight.data, model.bias.data)
