"""An imbalanced-classification training loop as people write it from the data-loading tutorial: a Dataset
subclass, torch.utils.data.random_split with a seeded generator, a WeightedRandomSampler giving each sample the
inverse frequency of its class, a custom collate_fn that pads variable-length feature rows and returns a dict,
pin_memory=False and num_workers=0, and a small MLP trained with SGD + momentum. Float32; every random number
comes from torch.manual_seed or a seeded torch.Generator.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler, random_split

MAX_LEN = 6


class Ragged(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(7)
        self.labels = (torch.rand(n, generator=g) < 0.2).long()
        self.lengths = torch.randint(2, MAX_LEN + 1, (n,), generator=g)
        self.rows = [torch.randn(int(k), generator=g) + 1.5 * self.labels[i].item()
                     for i, k in enumerate(self.lengths)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i], self.labels[i]


def pad_collate(batch):
    rows, labels = zip(*batch)
    lengths = torch.tensor([len(r) for r in rows])
    padded = torch.zeros(len(rows), MAX_LEN)
    for i, r in enumerate(rows):
        padded[i, :len(r)] = r
    mask = torch.arange(MAX_LEN)[None, :] < lengths[:, None]
    return {"x": padded, "mask": mask, "y": torch.stack(labels), "lengths": lengths}


class MaskedMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(MAX_LEN + 1, 16)
        self.out = nn.Linear(16, 2)

    def forward(self, x, mask):
        mean = (x * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True)
        return self.out(torch.tanh(self.inp(torch.cat([x, mean], dim=1))))


def main():
    torch.manual_seed(0)
    data = Ragged(120)
    print("class counts:", torch.bincount(data.labels).tolist(), "mean length:", round(data.lengths.float().mean().item(), 4))
    train, val = random_split(data, [0.75, 0.25], generator=torch.Generator().manual_seed(42))
    print("split sizes:", len(train), len(val), "first train indices:", train.indices[:6])
    train_labels = data.labels[torch.tensor(train.indices)]
    counts = torch.bincount(train_labels, minlength=2).float()
    weights = (1.0 / counts)[train_labels]
    print("class weights:", [round(w, 6) for w in (1.0 / counts).tolist()], "sum:", round(weights.sum().item(), 5))
    sampler = WeightedRandomSampler(weights, num_samples=len(train), replacement=True,
                                    generator=torch.Generator().manual_seed(3))
    drawn = list(iter(sampler))
    print("sampler draws:", drawn[:10], "positives drawn:", int(train_labels[torch.tensor(drawn)].sum()))
    loader = DataLoader(train, batch_size=16, sampler=sampler, collate_fn=pad_collate, pin_memory=False,
                        num_workers=0)
    first = next(iter(loader))
    print("batch keys:", sorted(first), "x:", tuple(first["x"].shape), first["mask"].dtype, first["y"].dtype)
    print("first lengths:", first["lengths"].tolist(), "mask row0:", first["mask"][0].int().tolist())
    model = MaskedMLP()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(4):
        total, seen, pos = 0.0, 0, 0
        for batch in loader:
            opt.zero_grad()
            logits = model(batch["x"], batch["mask"])
            loss = F.cross_entropy(logits, batch["y"])
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["y"])
            seen += len(batch["y"])
            pos += int(batch["y"].sum())
        print(f"epoch {epoch}: loss {total / seen:.5f} positives seen {pos}/{seen}")
    val_loader = DataLoader(val, batch_size=10, shuffle=False, collate_fn=pad_collate)
    model.eval()
    correct, preds = 0, []
    with torch.no_grad():
        for batch in val_loader:
            p = model(batch["x"], batch["mask"]).argmax(1)
            preds += p.tolist()
            correct += int((p == batch["y"]).sum())
    print("val batches:", len(val_loader), "accuracy:", correct, "/", len(val))
    print("val predictions:", preds[:15])
    probs = F.softmax(model(first["x"], first["mask"]), dim=1)
    print("probs row0:", [round(v, 5) for v in probs[0].tolist()], "weight norm:", round(model.inp.weight.norm().item(), 5))
