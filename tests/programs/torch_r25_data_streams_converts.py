"""A data pipeline mixing map-style and iterable datasets, as torch.utils.data code writes one: tests run it as is
and with only its imports changed, and compare what both print. default_convert and default_collate on NumPy
arrays, namedtuples, dicts and nested lists; an IterableDataset chained with ChainDataset and batched by a
DataLoader; DataLoader(batch_size=None) (no batching, only conversion); random_split by fractions with a seeded
generator (the remainder spread round-robin); SubsetRandomSampler and RandomSampler(num_samples=,
replacement=True) with generators; BatchSampler(drop_last) handed to DataLoader(batch_sampler=); ConcatDataset
with its cumulative sizes and the + operator; a collate_fn that pads; get_worker_info() in the main process;
and a linear model trained on the batches. Float32, torch.manual_seed and torch.Generator.
"""
import collections

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
                              default_collate, default_convert, get_worker_info, random_split)

Point = collections.namedtuple("Point", ["x", "y"])


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.array([i, i * 0.5], dtype=np.float32), "y": float(i * i), "id": i}


class Counter(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        info = get_worker_info()
        for i in range(self.start, self.stop):
            yield torch.tensor([float(i), 1.0]), torch.tensor(2.0 * i + (0 if info is None else 100))


def pad_collate(batch):
    lengths = torch.tensor([len(s) for s in batch])
    out = torch.zeros(len(batch), int(lengths.max()))
    for i, s in enumerate(batch):
        out[i, :len(s)] = torch.as_tensor(s)
    return out, lengths


def main():
    torch.manual_seed(2505)
    conv = default_convert({"a": np.arange(3), "b": [np.float32(1.5), np.ones(2)], "c": "text"})
    print("convert", conv["a"], conv["a"].dtype, conv["b"][1].dtype, conv["c"])
    print("convert point", default_convert(Point(np.zeros(2), 3)))
    col = default_collate([Point(np.array([1.0, 2.0]), 1), Point(np.array([3.0, 4.0]), 2)])
    print("collate point", type(col).__name__, col.x, col.x.dtype, col.y)
    nested = default_collate([{"a": [1, 2], "b": (0.5, torch.tensor([1]))}, {"a": [3, 4], "b": (1.5,
                                                                                                 torch.tensor([2]))}])
    print("collate nested", nested["a"], nested["b"][0], nested["b"][0].dtype, nested["b"][1])
    loader = DataLoader(Squares(5), batch_size=2)
    for batch in loader:
        print("squares", batch["x"], batch["y"], batch["y"].dtype, batch["id"])
    unbatched = DataLoader(Squares(3), batch_size=None)
    item = next(iter(unbatched))
    print("batch_size None", item["x"], type(item["y"]).__name__, len(unbatched))

    chain = ChainDataset([Counter(0, 3), Counter(10, 12)])
    print("chain", [int(x[0].item()) for x, _ in chain])
    for xb, yb in DataLoader(chain, batch_size=2):
        print("chain batch", xb[:, 0], yb)

    data = TensorDataset(torch.arange(11, dtype=torch.float32).unsqueeze(1), torch.arange(11) % 3)
    parts = random_split(data, [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(42))
    print("random_split", [len(p) for p in parts], [p.indices for p in parts])
    parts2 = random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(7))
    print("random_split ints", list(parts2[0]), type(parts2[0]).__name__)
    g = torch.Generator().manual_seed(5)
    print("subset sampler", list(SubsetRandomSampler([10, 20, 30, 40], generator=g)))
    print("random sampler", list(RandomSampler(range(6), replacement=True, num_samples=8,
                                               generator=torch.Generator().manual_seed(3))))
    print("random sampler no repl", list(RandomSampler(range(6), num_samples=9,
                                                       generator=torch.Generator().manual_seed(3))))
    bs = BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=True)
    print("batch sampler", list(bs), len(bs), len(BatchSampler(range(7), 3, False)))
    loader = DataLoader(data, batch_sampler=BatchSampler(RandomSampler(data, generator=torch.Generator().manual_seed(
        1)), batch_size=4, drop_last=False))
    print("batch_sampler loader", [b[1].tolist() for b in loader])

    cat = ConcatDataset([data, Subset(data, [0, 1])]) + TensorDataset(torch.zeros(2, 1), torch.zeros(2,
                                                                                                      dtype=torch.long))
    print("concat", len(cat), cat.cumulative_sizes, cat[12], cat[-1][1])
    print("pad collate", DataLoader([[1.0, 2.0], [3.0], [4.0, 5.0, 6.0]], batch_size=3, collate_fn=pad_collate)
          .__iter__().__next__())
    print("worker info", get_worker_info())

    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    train = ChainDataset([Counter(0, 6), Counter(6, 9)])
    for epoch in range(3):
        total = 0.0
        for xb, yb in DataLoader(train, batch_size=4):
            loss = ((model(xb / 10).squeeze(1) - yb / 10) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print("epoch", epoch, round(total, 6), model.weight.detach(), model.bias.detach())
    shuffled = DataLoader(data, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(11),
                          drop_last=True)
    print("shuffled", [b[0].squeeze(1).tolist() for b in shuffled], len(shuffled))
