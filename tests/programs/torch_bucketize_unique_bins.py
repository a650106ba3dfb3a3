"""Binning and counting in a data pipeline, float64: ages and prices bucketed with torch.bucketize (right=False and
right=True, int32 output) and torch.searchsorted (side=, right=, sorter= on an unsorted boundary table, batched
boundaries), token ids deduplicated with torch.unique (sorted, return_inverse, return_counts, dim=0 on rows and
dim=1 on columns) and torch.unique_consecutive (run-length encoding), class frequencies from torch.bincount with
weights and minlength, and torch.histc / torch.histogram (bin count, explicit edges, weights, density=True) feeding
inverse-frequency class weights into a weighted cross-entropy whose gradient is printed.
"""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(2020)
    torch.set_printoptions(precision=5)
    ages = torch.tensor(rng.uniform(0, 90, 14).round(0), dtype=torch.float64)
    edges = torch.tensor([18.0, 30.0, 45.0, 60.0, 75.0], dtype=torch.float64)
    print("ages", ages)
    print("bucketize left ", torch.bucketize(ages, edges))
    print("bucketize right", torch.bucketize(ages, edges, right=True))
    b32 = torch.bucketize(ages, edges, out_int32=True)
    print("int32 buckets", b32.dtype, b32[:6])
    print("on the edges", torch.bucketize(edges, edges), torch.bucketize(edges, edges, right=True))

    unsorted = torch.tensor([45.0, 18.0, 75.0, 30.0, 60.0], dtype=torch.float64)
    order = torch.argsort(unsorted)
    print("sorter", order, torch.searchsorted(unsorted, ages[:7], sorter=order))
    print("side=right", torch.searchsorted(edges, ages[:7], side="right"))
    print("right=True", torch.searchsorted(edges, torch.tensor([30.0, 31.0, 75.0], dtype=torch.float64), right=True))
    batched = torch.sort(torch.tensor(rng.normal(size=(3, 6)), dtype=torch.float64), dim=1).values
    queries = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64)
    print("batched searchsorted", torch.searchsorted(batched, queries))
    print("scalar query", torch.searchsorted(edges, 50.0))

    tokens = torch.tensor(rng.integers(0, 9, 20))
    values, inverse, counts = torch.unique(tokens, sorted=True, return_inverse=True, return_counts=True)
    print("unique", values, counts)
    print("inverse", inverse)
    print("rebuilt", torch.equal(values[inverse], tokens))
    rows = torch.tensor(rng.integers(0, 3, (7, 3)))
    urows, rinv, rcnt = torch.unique(rows, dim=0, return_inverse=True, return_counts=True)
    print("unique rows", urows.tolist())
    print("row inverse/counts", rinv.tolist(), rcnt.tolist())
    ucols = torch.unique(rows[:3], dim=1)
    print("unique cols", ucols.shape, ucols.tolist())
    runs = torch.tensor([1, 1, 2, 2, 2, 3, 1, 1, 4, 4, 4, 4])
    rv, rinv2, rc = torch.unique_consecutive(runs, return_inverse=True, return_counts=True)
    print("runs", rv.tolist(), rc.tolist(), rinv2.tolist())
    mat = torch.tensor([[1, 1], [1, 1], [2, 0], [2, 0], [1, 1]])
    print("consecutive rows", torch.unique_consecutive(mat, dim=0).tolist())

    labels = torch.tensor(rng.integers(0, 4, 30))
    weights = torch.tensor(rng.uniform(0.5, 2.0, 30), dtype=torch.float64)
    print("bincount", torch.bincount(labels), torch.bincount(labels, minlength=6))
    print("weighted bincount", torch.bincount(labels, weights=weights, minlength=5))
    print("empty bincount", torch.bincount(torch.tensor([], dtype=torch.int64), minlength=3))

    scores = torch.tensor(rng.normal(size=40), dtype=torch.float64)
    print("histc", torch.histc(scores, bins=6, min=-2, max=2))
    print("histc auto range", torch.histc(scores, bins=4))
    hist, bin_edges = torch.histogram(scores, bins=5)
    print("histogram", hist, bin_edges)
    hist2, _ = torch.histogram(scores, bins=torch.tensor([-3.0, -1.0, 0.0, 0.5, 3.0], dtype=torch.float64),
                               weight=weights[:30].repeat(2)[:40], density=True)
    print("weighted density", hist2)
    hr = torch.histogram(scores, bins=4, range=(-1.0, 1.0))
    print("range", hr.hist, hr.bin_edges)

    counts4 = torch.bincount(labels, minlength=4).to(torch.float64)
    class_w = counts4.sum() / (4 * counts4)
    print("class weights", class_w)
    logits = torch.tensor(rng.normal(size=(30, 4)), dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(logits, labels, weight=class_w)
    loss.backward()
    print("weighted ce", loss.item())
    print("grad rows", logits.grad[:3])
    print("grad norm", logits.grad.norm().item())
