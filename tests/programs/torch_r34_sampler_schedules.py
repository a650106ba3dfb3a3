"""A data pipeline and learning-rate plan as a training script sets them up (float64): random_split with a seeded
generator and fractional lengths, ConcatDataset indexing, WeightedRandomSampler (with and without replacement),
SubsetRandomSampler and BatchSampler with seeded generators, default_collate of dicts and namedtuples, and a model
trained under OneCycleLR, CyclicLR, CosineAnnealingWarmRestarts and ReduceLROnPlateau, each resumed from its
state_dict mid-run."""
import collections

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR, ReduceLROnPlateau
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler, default_collate, random_split)

Pair = collections.namedtuple("Pair", ["x", "y"])


def main():
    torch.manual_seed(8)
    d = torch.float64
    xs, ys = torch.randn(20, 3, dtype=d), torch.randn(20, 1, dtype=d)
    full = TensorDataset(xs, ys)
    a, b, c = random_split(full, [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(1))
    print("split", len(a), len(b), len(c), a.indices[:5], c.indices)
    both = ConcatDataset([a, TensorDataset(xs[:4] * 10, ys[:4])])
    print("concat", len(both), both.cumulative_sizes, round(both[11][0][0].item(), 6), round(both[-1][0][1].item(), 6))
    w = torch.tensor([0.1, 0.1, 5.0, 0.1, 2.0, 0.1], dtype=d)
    print("weighted", list(WeightedRandomSampler(w, 10, generator=torch.Generator().manual_seed(3))))
    print("weighted no repl", list(WeightedRandomSampler(w, 4, replacement=False, generator=torch.Generator().manual_seed(3))))
    print("subset", list(SubsetRandomSampler([2, 4, 6, 8, 10], generator=torch.Generator().manual_seed(4))))
    print("batches", list(BatchSampler(SubsetRandomSampler(range(7), generator=torch.Generator().manual_seed(5)), 3, drop_last=False)))
    batch = default_collate([{"x": torch.ones(2, dtype=d) * i, "id": i, "name": f"s{i}"} for i in range(3)])
    print("collate dict", batch["x"].tolist(), batch["id"].tolist(), batch["name"])
    pairs = default_collate([Pair(torch.tensor([float(i)], dtype=d), i * 2) for i in range(3)])
    print("collate namedtuple", type(pairs).__name__, pairs.x.reshape(-1).tolist(), pairs.y.tolist())

    model = nn.Linear(3, 1).double()
    loader = DataLoader(full, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(6))
    plans = [("onecycle", lambda o: OneCycleLR(o, max_lr=0.2, total_steps=12, pct_start=0.3)),
             ("cyclic", lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2")),
             ("warm restarts", lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.001))]
    for name, make in plans:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = make(opt)
        lrs = []
        for epoch in range(3):
            for xb, yb in loader:
                loss = ((model(xb) - yb) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                if name != "warm restarts":
                    sched.step()
                lrs.append(round(opt.param_groups[0]["lr"], 8))
            if name == "warm restarts":
                sched.step()
            if epoch == 1:
                state = sched.state_dict()
                sched = make(opt)
                sched.load_state_dict(state)
        print(name, lrs[-6:], f"{loss.item():.10f}")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    plateau = ReduceLROnPlateau(opt, factor=0.5, patience=1, threshold=0.1, cooldown=1)
    for epoch, metric in enumerate([1.0, 0.95, 0.97, 0.96, 0.5, 0.49, 0.495, 0.48]):
        plateau.step(metric)
        if epoch == 3:
            state = plateau.state_dict()
            plateau = ReduceLROnPlateau(opt, factor=0.5, patience=1, threshold=0.1, cooldown=1)
            plateau.load_state_dict(state)
        print("plateau", epoch, opt.param_groups[0]["lr"], plateau.num_bad_epochs, plateau.cooldown_counter)


main()
