"""A data pipeline with worker processes, as torch.utils.data code writes one: tests run it as is and with only its
imports changed, and compare what both print. A map-style dataset that draws torch.rand, random and np.random in
__getitem__, read by DataLoader(num_workers=2) shuffled over two epochs (new workers and a new base seed each),
with persistent_workers=True and prefetch_factor=1 (the workers' generators go on from epoch to epoch), with a
generator= (the base seed and the shuffle drawn from it), and with batch_size=None; a worker_init_fn that reads
get_worker_info() and changes its worker's copy of the dataset; IterableDatasets that shard themselves with
get_worker_info (drop_last per worker) or not (every worker yields the whole stream); a TensorDataset read with
workers; num_workers=0, which draws the base seed too; and a small model with dropout trained on worker batches,
so that the main process's own draws must stay in PyTorch's order. Float32, torch.manual_seed.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info


class NoisySquares(Dataset):
    def __init__(self, n):
        self.n, self.offset = n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = get_worker_info()
        noise = torch.rand(2)
        return (noise + float(i * i + self.offset), i, random.randint(0, 999), int(np.random.randint(0, 999)),
                -1 if info is None else info.id)


class Shards(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for i in range(self.start + first, self.stop, step):
            yield torch.tensor([float(i), torch.rand(1).item()]), i


class Unsharded(IterableDataset):
    def __iter__(self):
        return iter(range(4))


def offset_by_worker(worker_id):
    info = get_worker_info()
    info.dataset.offset = 1000 * (worker_id + 1)


def rows(batch):
    return [v.tolist() if hasattr(v, "tolist") else v for v in batch]


def main():
    torch.manual_seed(0)
    loader = DataLoader(NoisySquares(7), batch_size=3, shuffle=True, num_workers=2)
    for epoch in range(2):
        for batch in loader:
            print("epoch", epoch, rows(batch))
    print("main process after", torch.rand(3).tolist(), random.random() < 2)

    persistent = DataLoader(NoisySquares(6), batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=1)
    for epoch in range(2):
        print("persistent epoch", epoch, [rows(b) for b in persistent])
    print("after persistent", torch.rand(2).tolist())

    generator = torch.Generator().manual_seed(7)
    seeded = DataLoader(NoisySquares(5), batch_size=2, shuffle=True, num_workers=2, generator=generator)
    print("generator", [rows(b) for b in seeded])
    print("generator after", torch.randint(0, 1000, (3,), generator=generator).tolist(), torch.rand(1).tolist())

    print("single examples", [rows(b) for b in DataLoader(NoisySquares(3), batch_size=None, num_workers=2)])
    initialised = DataLoader(NoisySquares(4), batch_size=2, num_workers=2, worker_init_fn=offset_by_worker)
    print("worker_init_fn", [rows(b) for b in initialised])

    for drop_last in (False, True):
        shards = DataLoader(Shards(0, 9), batch_size=2, num_workers=2, drop_last=drop_last)
        print("shards drop_last", drop_last, [rows(b) for b in shards])
    print("unsharded", [b.tolist() for b in DataLoader(Unsharded(), batch_size=3, num_workers=2)])

    x = torch.arange(12.0).reshape(6, 2)
    tensors = DataLoader(TensorDataset(x, torch.arange(6)), batch_size=4, shuffle=True, num_workers=2)
    print("tensor dataset", [rows(b) for b in tensors], torch.rand(1).tolist())
    print("no workers", [b.tolist() for b in DataLoader(range(5), batch_size=2)], torch.rand(1).tolist())

    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.3), nn.ReLU(), nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    train = DataLoader(NoisySquares(8), batch_size=4, shuffle=True, num_workers=2)
    for epoch in range(2):
        for noise, i, *_ in train:
            loss = ((model(noise / 50.0).squeeze(1) - i.float() / 8.0) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            print("train", epoch, round(loss.item(), 5))
    print("final draw", torch.rand(2).tolist())
