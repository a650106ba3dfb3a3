"""A random-free data pipeline and a short training run over it, written for PyTorch; tests run it as is and with
only its imports changed, and compare what both print. A map-style Dataset returning dicts of float32 features,
variable-length token lists and labels; a custom collate_fn that pads the tokens, builds a padding mask and stacks
the rest; a Sampler subclass with a fixed interleaved order; BatchSampler with and without drop_last; DataLoader
with batch_size / drop_last / sampler / collate_fn; default_collate on the dicts; a bag-of-embeddings classifier
trained one epoch per pass with SGD. Float32, NumPy-generated data.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler, SequentialSampler, default_collate


class Records(Dataset):
    def __init__(self, rng, n):
        self.features = rng.standard_normal((n, 3)).astype(np.float32)
        self.tokens = [rng.integers(1, 20, size=rng.integers(1, 6)).tolist() for _ in range(n)]
        self.labels = [int(f[0] + len(t) / 3 > 1) for f, t in zip(self.features, self.tokens)]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"features": torch.from_numpy(self.features[i]), "tokens": self.tokens[i], "label": self.labels[i]}


class Interleaved(Sampler):
    """Even indices first, then odd ones, reversed: a fixed order a test can repeat."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(list(range(0, self.n, 2)) + list(range(self.n - 1 if self.n % 2 == 0 else self.n - 2, 0, -2)))

    def __len__(self):
        return self.n


def pad_collate(items):
    longest = max(len(item["tokens"]) for item in items)
    tokens = torch.zeros(len(items), longest, dtype=torch.long)
    for row, item in enumerate(items):
        tokens[row, :len(item["tokens"])] = torch.tensor(item["tokens"])
    return {"features": torch.stack([item["features"] for item in items]), "tokens": tokens,
            "mask": tokens != 0, "label": torch.tensor([item["label"] for item in items])}


class BagModel(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.embed = nn.Embedding(20, 4, padding_idx=0)
        self.head = nn.Linear(7, 2)
        with torch.no_grad():
            self.embed.weight.copy_(torch.from_numpy(rng.standard_normal((20, 4)).astype(np.float32) * 0.5))
            self.embed.weight[0].zero_()
            self.head.weight.copy_(torch.from_numpy(rng.standard_normal((2, 7)).astype(np.float32) * 0.3))
            self.head.bias.zero_()

    def forward(self, batch):
        emb = self.embed(batch["tokens"]) * batch["mask"].unsqueeze(-1)
        bag = emb.sum(1) / batch["mask"].sum(1, keepdim=True)
        return self.head(torch.cat([bag, batch["features"]], dim=1))


def main():
    rng = np.random.default_rng(15)
    data = Records(rng, 11)
    sampler = Interleaved(len(data))
    print(list(sampler), len(sampler))
    print(list(BatchSampler(sampler, 4, drop_last=False)), list(BatchSampler(SequentialSampler(data), 4, True)))
    loader = DataLoader(data, batch_size=4, sampler=sampler, collate_fn=pad_collate)
    print(len(loader), len(DataLoader(data, batch_size=4, drop_last=True, collate_fn=pad_collate)))
    first = next(iter(loader))
    print(first["tokens"], first["mask"].sum(1), first["label"], first["features"].shape)
    plain = default_collate([{"x": data[i]["features"], "y": data[i]["label"]} for i in range(3)])
    print(plain["x"].shape, plain["y"], plain["y"].dtype)
    pairs = DataLoader([(torch.tensor([float(i)]), i % 2) for i in range(5)], batch_size=2, drop_last=True)
    print([(xb.view(-1).tolist(), yb.tolist()) for xb, yb in pairs])
    model = BagModel(rng)
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
    train = DataLoader(data, batch_size=3, shuffle=False, drop_last=True, collate_fn=pad_collate)
    for epoch in range(4):
        total, seen = 0.0, 0
        for batch in train:
            opt.zero_grad()
            loss = F.cross_entropy(model(batch), batch["label"])
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["label"])
            seen += len(batch["label"])
        print(f"epoch {epoch}: loss {total / seen:.6f} seen {seen}")
    with torch.no_grad():
        everything = pad_collate([data[i] for i in range(len(data))])
        logits = model(everything)
        print(logits.argmax(1), (logits.argmax(1) == everything["label"]).float().mean(), model.embed.weight[0])
        print(model.head.weight, model.embed.weight.grad is None)


if __name__ == "__main__":
    main()
