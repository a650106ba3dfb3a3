"""A streaming data pipeline, float32: an IterableDataset that shards itself with get_worker_info (None in the
main process), a DataLoader over it with batch_size and a collate_fn padding variable-length sequences with
pad_sequence(padding_side='left'), RandomSampler(replacement=True, num_samples=) and SequentialSampler with a
seeded generator, Subset of a TensorDataset, DataLoader(drop_last=True, generator=), default_convert of NumPy
values, and a small GRU classifier trained on the batches for a few steps."""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import (DataLoader, IterableDataset, RandomSampler, SequentialSampler, Subset, TensorDataset,
                              default_collate, default_convert, get_worker_info)


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        rng = np.random.default_rng(5)
        lengths = rng.integers(2, 6, self.n)
        for i in range(start, self.n, step):
            seq = torch.tensor(rng.standard_normal((int(lengths[i]), 3)), dtype=torch.float32)
            yield seq, int(seq[:, 0].sum() > 0)


def collate(batch):
    seqs, labels = zip(*batch)
    return pad_sequence(list(seqs), batch_first=True, padding_side="left"), torch.tensor(labels)


def main():
    torch.manual_seed(6)
    print("worker info", get_worker_info())
    loader = DataLoader(Stream(14), batch_size=4, collate_fn=collate)
    shapes = [(tuple(x.shape), y.tolist()) for x, y in loader]
    print("stream", len(shapes), shapes[:2], shapes[-1])
    x0, _ = next(iter(loader))
    print("left padded", x0[:, :, 0].numpy().round(4))

    g = torch.Generator().manual_seed(42)
    print("random w/ repl", list(RandomSampler(range(10), replacement=True, num_samples=7, generator=g)))
    print("random", list(RandomSampler(range(6), generator=torch.Generator().manual_seed(1))))
    print("sequential", list(SequentialSampler(range(4))))
    data = TensorDataset(torch.arange(20.0).reshape(10, 2), torch.arange(10))
    sub = Subset(data, [9, 3, 5, 1, 7])
    print("subset", len(sub), sub[1][0].tolist(), sub[1][1].item())
    dl = DataLoader(sub, batch_size=2, shuffle=True, drop_last=True, generator=torch.Generator().manual_seed(3))
    print("subset batches", [b[1].tolist() for b in dl], len(dl))
    conv = default_convert({"a": np.arange(3), "b": [np.float64(1.5), np.int32(2)], "c": "text"})
    print("convert", type(conv["a"]).__name__, conv["a"].dtype, [type(v).__name__ for v in conv["b"]], conv["c"])
    col = default_collate([{"x": np.ones(2), "y": 1.0}, {"x": np.zeros(2), "y": 2.0}])
    print("collate", col["x"].dtype, col["y"].dtype, col["y"].tolist())

    torch.manual_seed(0)
    gru = nn.GRU(3, 5, batch_first=True)
    head = nn.Linear(5, 2)
    opt = torch.optim.Adam(list(gru.parameters()) + list(head.parameters()), lr=0.05)
    for epoch in range(2):
        total = 0.0
        for x, y in loader:
            opt.zero_grad()
            out, h = gru(x)
            loss = nn.functional.cross_entropy(head(h[-1]), y)
            loss.backward()
            opt.step()
            total += loss.item()
        print("epoch", epoch, round(total, 5), round(gru.weight_hh_l0.grad.norm().item(), 5))
