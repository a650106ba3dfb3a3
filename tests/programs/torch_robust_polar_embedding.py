"""Robust statistics and polar geometry in a small embedding model, written for PyTorch the way data-science code
does it; tests run it as is and with only its imports changed, and compare what both print. Records are served
by a StackDataset of dict examples through a DataLoader; features are scaled robustly by median / MAD (global
median() and nanmedian() over data with repeated values and missing entries); a network places each record in 2-D
and is trained on a pairwise-angle loss built from torch.atan2 over all pairs (the diagonal included, where both
differences are 0), a least-median-of-squares term through median() (whose gradient is shared among ties), and a
nan-aware target term; then polar coordinates, torch.angle of complex positions and a circular mean. Float64,
data and weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, StackDataset


def robust_scale(x):
    med = x.nanmedian(dim=0).values
    mad = (x - med).abs().nanmedian(dim=0).values * 1.4826
    return (x - med) / mad.clamp_min(1e-6), med, mad


def pairwise_angles(pos):
    diff = pos.unsqueeze(0) - pos.unsqueeze(1)
    return torch.atan2(diff[..., 1], diff[..., 0])


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(43)
    n = 24
    angle = rng.uniform(-np.pi, np.pi, n)
    radius = rng.choice([0.5, 1.0, 1.0, 2.0], n)
    raw = np.stack([radius * np.cos(angle), radius * np.sin(angle), np.round(rng.normal(0, 1, n), 1),
                    rng.choice([1.0, 2.0, 2.0, 3.0], n)], 1)
    raw[rng.choice(n, 4, replace=False), 2] = np.nan
    target = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)
    x = torch.from_numpy(raw)
    print("global median:", x[:, 3].median().item(), "nanmedian:", x[:, 2].nanmedian().item(),
          "median with nans:", x[:, 2].median().item())
    scaled, med, mad = robust_scale(x)
    print("medians:", [round(v, 6) for v in med.tolist()], "mads:", [round(v, 6) for v in mad.tolist()])
    features = torch.nan_to_num(scaled, nan=0.0)

    data = StackDataset(x=features, y=torch.from_numpy(target), id=list(range(n)))
    print("example:", sorted(data[3]), data[3]["id"], [round(v, 6) for v in data[3]["y"].tolist()])
    loader = DataLoader(data, batch_size=8, shuffle=False)

    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2))
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for epoch in range(5):
        total = 0.0
        for batch in loader:
            pos = model(batch["x"])
            pred_angles, true_angles = pairwise_angles(pos), pairwise_angles(batch["y"])
            angle_loss = (1 - torch.cos(pred_angles - true_angles)).mean()
            sq = ((pos - batch["y"]) ** 2).sum(1)
            lmeds = torch.round(sq * 20) / 20
            lmeds = (sq - sq.detach() + lmeds.detach()).median()
            loss = angle_loss + lmeds + F.mse_loss(pos.norm(dim=1), batch["y"].norm(dim=1))
            opt.zero_grad()
            loss.backward()
            grads_finite = all(torch.isfinite(p.grad).all() for p in model.parameters())
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.8f} finite grads {grads_finite}")

    with torch.no_grad():
        pos = model(features)
    r, theta = pos.norm(dim=1), torch.atan2(pos[:, 1], pos[:, 0])
    z = torch.complex(pos[:, 0], pos[:, 1])
    print("angle agrees:", torch.allclose(theta, torch.angle(z)), "radius range:", round(r.min().item(), 6),
          round(r.max().item(), 6))
    circular_mean = torch.atan2(torch.sin(theta).mean(), torch.cos(theta).mean())
    print("circular mean:", round(circular_mean.item(), 6), "vs target", round(math.atan2(np.sin(angle).mean(),
                                                                                          np.cos(angle).mean()), 6))
    err = (theta - torch.from_numpy(angle) + math.pi) % (2 * math.pi) - math.pi
    print("angle error median:", round(err.abs().median().item(), 6), "quantiles:",
          [round(v, 6) for v in torch.quantile(err.abs(), torch.tensor([0.25, 0.75])).tolist()])
    leaf = torch.zeros(3, 2, requires_grad=True)
    pairwise_angles(leaf + torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]])).sum().backward()
    print("grad at coincident points:", leaf.grad.tolist())
