"""Selection and ordering as everyday PyTorch code writes it; tests run it as is and with only its imports
changed, and compare what both print. torch.where with tensor and scalar branches (and its one-argument form),
clamp with tensor bounds (broadcast per column, min above max), maximum / minimum / fmax / fmin around NaN, sort
with ties (stable=True keeps the original order, descending too), argsort, topk on distinct values with
sorted=True, kthvalue, msort, unique with inverse and counts, unique_consecutive, searchsorted with right=True
and bucketize, argmax picking the first of tied maxima, and a ranking built from sort. Float32, NumPy data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(13)
    x = torch.from_numpy(rng.standard_normal((4, 6)).astype(np.float32))
    lo = torch.tensor([-0.5, -1.0, 0.0, -0.2, -2.0, 0.1])
    hi = torch.tensor([0.5, 0.2, 1.0, 0.3, 2.0, 0.1])
    print(x.clamp(lo, hi))
    print(torch.clamp(x, min=lo), torch.clamp(x, max=hi[:, None][:4, :1]).sum(1))
    print(torch.clamp(x[0], min=torch.full((6,), 1.0), max=torch.full((6,), -1.0)), x.clamp(-0.1, 0.1)[1])
    print(torch.where(x > 0, x, torch.zeros(())), torch.where(x > 0, 1.0, -1.0).sum(0))
    print(torch.where(x[:, :1] > 0, x, lo), torch.where(x > 1.0))
    nan = torch.tensor([1.0, float("nan"), -2.0, float("nan")])
    other = torch.tensor([0.0, 3.0, float("nan"), float("nan")])
    print(torch.maximum(nan, other), torch.minimum(nan, other), torch.fmax(nan, other), torch.fmin(nan, other))
    ties = torch.tensor([3.0, 1.0, 2.0, 1.0, 3.0, 2.0, 1.0, 3.0])
    v, i = torch.sort(ties, stable=True)
    print(v, i)
    v, i = torch.sort(ties, descending=True, stable=True)
    print(v, i, torch.argsort(ties, stable=True), torch.argsort(ties, descending=True, stable=True))
    print(ties.argmax(), ties.argmin(), torch.tensor([[1, 5, 5], [7, 7, 0]]).argmax(1))
    vals, idx = x.topk(3, dim=1)
    print(vals, idx)
    vals, idx = x.topk(2, dim=0, largest=False)
    print(vals, idx)
    kv, ki = x.kthvalue(2, dim=1)
    print(kv, ki, x.msort()[:, 0], x.sort(dim=0).values[-1])
    labels = torch.tensor([4, 1, 4, 2, 1, 4, 0])
    u, inv, cnt = torch.unique(labels, return_inverse=True, return_counts=True)
    print(u, inv, cnt, torch.unique(labels, sorted=True))
    print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3, 3]), return_counts=True))
    edges = torch.tensor([-1.0, 0.0, 0.5, 1.0])
    q = torch.tensor([-1.0, 0.0, 0.2, 0.5, 2.0, -3.0])
    print(torch.searchsorted(edges, q), torch.searchsorted(edges, q, right=True), torch.bucketize(q, edges),
          torch.bucketize(q, edges, right=True))
    ranks = torch.empty(6, dtype=torch.long)
    order = x[0].argsort()
    ranks[order] = torch.arange(6)
    print(order, ranks, x[0].argsort().argsort().equal(ranks), torch.sort(x[0]).indices.flip(0))
    scores = torch.tensor([0.9, 0.7, 0.9, 0.2, 0.7])
    s, o = scores.sort(descending=True, stable=True)
    print(o, s.cumsum(0), torch.topk(torch.arange(10.0) * 0.5, 4).indices)


if __name__ == "__main__":
    main()
