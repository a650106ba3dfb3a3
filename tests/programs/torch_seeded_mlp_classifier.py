"""The classic beginner's PyTorch training script, seeded: torch.manual_seed(42) at the top, a synthetic
two-moons-like data set from torch.randn / torch.rand, random_split into train / validation, a shuffled
DataLoader, an nn.Sequential MLP with its default (kaiming-uniform) initialisation and nn.Dropout in training,
Adam, and per-epoch loss and accuracy. Float32; every random number comes from torch.manual_seed, so deepgrad
must draw PyTorch's numbers for the printout to agree.
"""
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split


def make_moons(n):
    angle = torch.rand(n) * math.pi
    label = torch.randint(0, 2, (n,))
    x = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    x = torch.where(label[:, None] == 1, torch.stack([1 - x[:, 0], 0.5 - x[:, 1]], dim=1), x)
    return x + 0.15 * torch.randn(n, 2), label


def main():
    torch.manual_seed(42)
    X, y = make_moons(240)
    print("first points:", [round(v, 4) for v in X[:3].flatten().tolist()], y[:10].tolist())
    dataset = TensorDataset(X, y)
    train_set, val_set = random_split(dataset, [180, 60])
    print("validation indices:", val_set.indices[:8])
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=60)

    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 32), nn.ReLU(),
                          nn.Dropout(0.1), nn.Linear(32, 2))
    print("first layer weights:", [round(v, 4) for v in model[0].weight[:2].flatten().tolist()])
    print("last layer bias:", [round(v, 4) for v in model[-1].bias.tolist()])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(8):
        model.train()
        running, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(xb)
            seen += len(xb)
        model.eval()
        with torch.no_grad():
            correct = sum((model(xb).argmax(dim=1) == yb).sum().item() for xb, yb in val_loader)
        print(f"epoch {epoch + 1}: train loss {running / seen:.4f}, val accuracy {correct / len(val_set):.4f}")
    first_batch = next(iter(train_loader))[1]
    print("a fresh shuffle's first labels:", first_batch[:12].tolist())
    print("stream after training:", torch.rand(3))
