"""Feature selection and robust statistics as tabular code writes them, leaning on advanced indexing and sorting:
tests run it as is and with only its imports changed, and compare what both print. Columns picked by index lists
and tensors (x[:, idx], x[..., idx], x[idx][:, idx]) then viewed and flattened, with their strides and
contiguity; quantiles with a vector of q along a dim, flattened into features; sort with stable=True (ties
kept in order) and descending, argsort(stable=True), topk / kthvalue with gradients; a trimmed mean and a
winsorized loss trained by Adam; the graph nodes each step leaves. Float32, torch.manual_seed and a seeded NumPy
generator.
"""
import numpy as np
import torch
import torch.nn as nn


def main():
    torch.manual_seed(2509)
    rng = np.random.default_rng(2509)
    x = torch.from_numpy(rng.normal(0, 1, (6, 5)).astype(np.float32)).requires_grad_()
    cols = [0, 3, 4]
    picked = x[:, cols]
    print("picked", picked.shape, picked.stride(), picked.is_contiguous(), picked.grad_fn.name())
    flat = picked.view(-1)
    print("viewed", flat.shape, flat.grad_fn.name(), flat[:4])
    idx = torch.tensor([4, 1])
    pair = x[..., idx]
    print("ellipsis", pair.stride(), pair.view(3, 4).grad_fn.name(), pair.t().reshape(-1).grad_fn.name())
    block = x[[0, 2, 5]][:, [1, 2]]
    print("block", block.stride(), block.reshape(6).grad_fn.name(), block.flatten().grad_fn.name())
    cube = x.reshape(2, 3, 5)
    sub = cube[:, [2, 0], 1:4]
    print("cube", sub.shape, sub.stride(), sub.view(2, -1).shape)
    (flat.sum() + (pair.view(3, 4) ** 2).sum() + block.sum() * 2).backward()
    print("grad through views", x.grad[0], x.grad[5])

    data = torch.from_numpy(rng.normal(0, 1, (4, 9)).astype(np.float32)).requires_grad_()
    q = torch.tensor([0.1, 0.5, 0.9])
    qs = torch.quantile(data, q, dim=1)
    print("quantiles", qs.shape, qs.stride(), qs.is_contiguous(), qs.grad_fn.name())
    feats = qs.flatten()
    print("features", feats.grad_fn.name(), feats[:5])
    nq = torch.nanquantile(data, q, dim=1, keepdim=True, interpolation="midpoint")
    print("nanquantile", nq.shape, nq.stride(), nq.reshape(-1).grad_fn.name())
    (feats * torch.arange(12, dtype=torch.float32)).sum().backward()
    print("quantile grad", data.grad[0])

    scores = torch.tensor([3.0, 1.0, 3.0, 2.0, 1.0, 3.0], requires_grad=True)
    v, i = torch.sort(scores, stable=True, descending=True)
    print("stable sort", v, i, v.grad_fn.name())
    v2, i2 = scores.sort()
    print("plain sort", v2.grad_fn.name(), i2)
    print("argsort stable", torch.argsort(scores, stable=True), torch.argsort(scores, descending=True, stable=True))
    (v * torch.arange(6, dtype=torch.float32)).sum().backward()
    print("sort grad", scores.grad)
    top = scores.topk(2)
    kth = torch.kthvalue(scores, 3)
    print("topk", top.values, top.indices, top.values.grad_fn.name(), "kth", kth.values.item(),
          kth.values.grad_fn.name())

    target = torch.from_numpy(rng.normal(0, 1, 32).astype(np.float32))
    target[3] = 9.0
    target[17] = -7.0
    model = nn.Linear(3, 1)
    feats_in = torch.from_numpy(rng.normal(0, 1, (32, 3)).astype(np.float32))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(8):
        pred = model(feats_in).squeeze(1)
        err = (pred - target).abs()
        ordered, order = err.sort(stable=True)
        trimmed = ordered[: int(0.9 * len(ordered))]
        lo, hi = torch.quantile(pred.detach(), torch.tensor([0.05, 0.95]))
        wins = torch.clamp(pred, lo.item(), hi.item())
        loss = trimmed.mean() + 0.1 * ((wins - target) ** 2)[order[:28]].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 5), order[-2:].tolist(), loss.grad_fn.name())
    print("fitted", model.weight.detach(), model.bias.detach())
    try:
        torch.optim.Adam(model.parameters(), lr=0.1, capturable=True).step()
    except AssertionError as e:
        print("capturable on cpu", type(e).__name__, str(e).split(":")[0])
