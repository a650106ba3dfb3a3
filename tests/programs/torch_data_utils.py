"""Data pipeline utilities written for PyTorch; tests run it as is and with only its imports changed, and compare
what both print. A map-style Dataset of variable-length sequences, a custom collate_fn padding with
pad_sequence and returning lengths, Subset, ConcatDataset (cumulative_sizes, negative indices), random_split with
a Generator (checked through what does not depend on the draws), WeightedRandomSampler, BatchSampler over a
SequentialSampler, DataLoader with drop_last and batch_sampler, an IterableDataset, default_collate on dicts
and tuples, and a TensorDataset. Then a packed-sequence LSTM trained on the padded batches. Float64.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
                              SequentialSampler, Subset, TensorDataset, WeightedRandomSampler, default_collate,
                              random_split)


class Sequences(Dataset):
    def __init__(self, rng, n, offset=0.0):
        self.items = [rng.standard_normal((rng.integers(2, 6), 3)) + offset for _ in range(n)]
        self.labels = [int(item[:, 0].sum() > 0) for item in self.items]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return torch.from_numpy(self.items[i]), self.labels[i]


class Counter(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield {"x": torch.tensor([float(i), i * 0.5], dtype=torch.float64), "id": i}


def pad_collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    return pad_sequence(list(seqs), batch_first=True, padding_value=0.0), lengths, torch.tensor(labels)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, batch_first=True, device="cpu", dtype=torch.float64)
        self.out = nn.Linear(6, 2, dtype=torch.float64)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        padded, out_lengths = pad_packed_sequence(out, batch_first=True)
        return self.out(h[-1]), padded, out_lengths


def main():
    rng = np.random.default_rng(17)
    a, b = Sequences(rng, 20), Sequences(rng, 12, offset=0.5)
    both = ConcatDataset([a, b])
    print("concat", len(both), both.cumulative_sizes, both[-1][1] == b[11][1], both[25][0].shape)
    sub = Subset(both, [0, 5, 21, 31])
    print("subset", len(sub), [y for _, y in sub], sub.indices)
    gen = torch.Generator().manual_seed(0)
    train, val, test = random_split(both, [0.5, 0.25, 0.25], generator=gen)
    print("split sizes", len(train), len(val), len(test),
          sorted(train.indices + val.indices + test.indices) == list(range(32)))
    loader = DataLoader(train, batch_size=5, shuffle=False, collate_fn=pad_collate, drop_last=True)
    print("batches", len(loader), [tuple(x.shape) for x, _, _ in loader][0][0])
    labels = torch.tensor([y for _, y in both])
    class_count = torch.bincount(labels)
    weights = (1.0 / class_count.double())[labels]
    sampler = WeightedRandomSampler(weights, num_samples=64, replacement=True)
    drawn = list(sampler)
    print("weighted", len(drawn), len(sampler), all(0 <= i < 32 for i in drawn), weights.dtype)
    bs = BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)
    print("batch sampler", list(bs), len(bs), len(BatchSampler(range(10), 4, drop_last=True)))
    rs = RandomSampler(range(7), generator=torch.Generator().manual_seed(1))
    print("random sampler", sorted(rs), len(rs))
    ids = DataLoader(Counter(7), batch_size=3)
    for batch in ids:
        print("iterable", batch["x"].shape, batch["id"], batch["x"].dtype)
    col = default_collate([(torch.ones(2), 1, 0.5), (torch.zeros(2), 2, 1.5)])
    print("collate", col[0], col[1], col[2], col[1].dtype, col[2].dtype)
    td = TensorDataset(torch.arange(6).view(3, 2), torch.tensor([1.0, 2.0, 3.0]))
    print("tensor dataset", td[1], len(DataLoader(td, batch_size=2)), len(DataLoader(td, batch_size=2, drop_last=True)))

    model = Tagger()
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.4, 0.4, tuple(p.shape))))
    opt = torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9)
    full = DataLoader(both, batch_size=8, batch_sampler=None, collate_fn=pad_collate)
    for epoch in range(3):
        total = 0.0
        for x, lengths, y in full:
            logits, padded, out_lengths = model(x, lengths)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch} loss {total / len(both):.8f}", padded.shape, out_lengths.tolist())
    custom = DataLoader(both, batch_sampler=BatchSampler(SequentialSampler(both), 10, drop_last=True),
                        collate_fn=pad_collate)
    print("custom batches", [len(y) for _, _, y in custom], padded[0, out_lengths[0]:].abs().sum().item())


if __name__ == "__main__":
    main()
