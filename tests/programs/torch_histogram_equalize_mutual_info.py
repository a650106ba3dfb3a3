"""Counting and bucketing as image and data-cleaning code uses it; tests run it as is and with only its imports
changed, and compare what both print. Histogram equalisation of an 8-bit image through histc and cumsum, a
joint histogram (histogramdd with per-axis edges, weights and density) for the mutual information of two images,
torch.histogram with tensor edges / density / weight, bincount with weights and minlength on empty and sparse
inputs, bucketize and searchsorted with right / side / sorter / out_int32 on batched and scalar queries, unique
over rows and columns with inverse and counts, unique_consecutive run-length encoding over a dim, and a
quantile-binned feature fed to an embedding trained a few steps. Float32 from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn


def equalize(image):
    hist = torch.histc(image.float(), bins=256, min=0, max=255)
    cdf = hist.cumsum(0)
    cdf_min = cdf[cdf > 0][0]
    lut = ((cdf - cdf_min) / (cdf[-1] - cdf_min) * 255).round().clamp(0, 255).to(torch.uint8)
    return lut[image.long()]


def mutual_information(a, b, bins=8):
    joint, edges = torch.histogramdd(torch.stack([a.flatten(), b.flatten()], 1), bins=[bins, bins],
                                     range=[0.0, 1.0, 0.0, 1.0])
    p = joint / joint.sum()
    pa, pb = p.sum(1, keepdim=True), p.sum(0, keepdim=True)
    nz = p > 0
    return (p[nz] * torch.log(p[nz] / (pa * pb)[nz])).sum(), edges


def main():
    rng = np.random.default_rng(2403)
    image = torch.from_numpy((rng.beta(2, 5, (16, 16)) * 200).astype(np.uint8))
    eq = equalize(image)
    print("image range", image.min().item(), image.max().item(), "equalized", eq.min().item(), eq.max().item(),
          eq.dtype)
    print("equalized hist", torch.histc(eq.float(), bins=8, min=0, max=255))
    print("histc auto range", torch.histc(torch.tensor([2.0, 2.0, 2.0]), bins=4),
          torch.histc(torch.tensor([1.0, 3.0, 5.0, 5.0]), bins=4))

    a = torch.from_numpy(rng.random((12, 12)).astype(np.float32))
    b = (0.7 * a + 0.3 * torch.from_numpy(rng.random((12, 12)).astype(np.float32))).clamp(0, 1)
    mi_ab, edges = mutual_information(a, b)
    mi_ind, _ = mutual_information(a, torch.from_numpy(rng.random((12, 12)).astype(np.float32)))
    print("mutual information", round(mi_ab.item(), 5), round(mi_ind.item(), 5), len(edges), edges[0][:3])
    pts = torch.from_numpy(rng.standard_normal((50, 2)).astype(np.float32))
    wts = torch.from_numpy(rng.random(50).astype(np.float32))
    dd = torch.histogramdd(pts, bins=[torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0]), torch.tensor([-2.0, 0.0, 2.0])],
                           weight=wts, density=True)
    print("histogramdd density", dd.hist, [e.tolist() for e in dd.bin_edges])
    print("histogramdd 3 bins", torch.histogramdd(pts, bins=3).hist.sum().item())

    x = torch.from_numpy(rng.normal(0, 1, 40).astype(np.float32))
    h, e = torch.histogram(x, bins=5)
    print("histogram", h, e)
    h, e = torch.histogram(x, bins=torch.tensor([-4.0, -1.0, 0.0, 0.5, 4.0]), density=True)
    print("histogram edges density", h, (h * e.diff()).sum().item())
    h, _ = torch.histogram(x, bins=4, range=(-1.0, 1.0), weight=x.abs())
    print("histogram weighted range", h)

    labels = torch.tensor([3, 1, 3, 0, 7, 1, 3])
    print("bincount", torch.bincount(labels), torch.bincount(labels, minlength=10).shape)
    print("bincount weights", torch.bincount(labels, weights=torch.linspace(0, 1, 7)),
          torch.bincount(labels, weights=torch.ones(7, dtype=torch.float64)).dtype)
    print("bincount empty", torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))

    edges = torch.tensor([0.0, 1.0, 2.5, 4.0])
    queries = torch.tensor([[-1.0, 0.0, 1.0], [2.5, 3.9, 9.0]])
    print("bucketize", torch.bucketize(queries, edges), torch.bucketize(queries, edges, right=True, out_int32=True))
    rows = torch.tensor([[1.0, 3.0, 5.0, 7.0], [0.0, 0.0, 2.0, 2.0]])
    print("searchsorted rows", torch.searchsorted(rows, torch.tensor([[3.0, 6.0], [0.0, 2.0]])),
          torch.searchsorted(rows, torch.tensor([[3.0, 6.0], [0.0, 2.0]]), side="right"))
    unsorted = torch.tensor([4.0, 1.0, 9.0, 2.0, 7.0])
    order = torch.argsort(unsorted)
    print("searchsorted sorter", torch.searchsorted(unsorted, torch.tensor([2.0, 8.0, 10.0]), sorter=order),
          torch.searchsorted(unsorted, torch.tensor([2.0, 8.0]), right=True, sorter=order))
    print("searchsorted scalar", torch.searchsorted(edges, 2.5), torch.searchsorted(edges, 2.5, right=True).dtype)

    table = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9], [3, 4], [1, 2]])
    vals, inv, cnt = torch.unique(table, dim=0, return_inverse=True, return_counts=True)
    print("unique rows", vals.tolist(), inv.tolist(), cnt.tolist())
    vals, inv = torch.unique(table.T, dim=1, return_inverse=True)
    print("unique columns", vals.tolist(), inv.tolist())
    print("unique flat", torch.unique(table, return_counts=True), torch.unique(table, sorted=True).dtype)
    signal = torch.tensor([0, 0, 1, 1, 1, 0, 2, 2, 0, 0, 0])
    runs, counts = torch.unique_consecutive(signal, return_counts=True)
    print("run length", runs.tolist(), counts.tolist())
    grid = torch.tensor([[1, 1, 2, 2], [1, 1, 2, 3], [1, 1, 2, 3]])
    print("consecutive dim", torch.unique_consecutive(grid, dim=1, return_inverse=True, return_counts=True))

    feats = torch.from_numpy(rng.lognormal(0, 1, 64).astype(np.float32))
    cuts = torch.quantile(feats, torch.tensor([0.25, 0.5, 0.75]))
    bucket = torch.bucketize(feats, cuts)
    target = torch.log(feats)
    emb = nn.Embedding(4, 1)
    nn.init.zeros_(emb.weight)
    opt = torch.optim.SGD(emb.parameters(), lr=0.5)
    for _ in range(30):
        opt.zero_grad()
        loss = ((emb(bucket).squeeze(1) - target) ** 2).mean()
        loss.backward()
        opt.step()
    print("bucket sizes", torch.bincount(bucket).tolist(), "cuts", cuts)
    print("bucket means", emb.weight.squeeze(1), "loss", loss.item())


if __name__ == "__main__":
    main()
