"""Integer index bookkeeping as data-pipeline and detection code writes it: bincount with weights and minlength,
histc over a fixed range, unique with return_inverse / return_counts (flat and along dim=0), unique_consecutive,
searchsorted (left/right, with a sorter, out_int32) and bucketize into bin edges, scatter_reduce with amax / mean
and include_self=False, index_add_, segment offsets from cumsum, nonzero(as_tuple=True), argwhere,
repeat_interleave with a tensor of repeats, and a mixed int/float class-balanced weighting built from all of it.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(31)
    labels = torch.tensor(rng.integers(0, 5, 20))
    weights = torch.tensor(rng.uniform(0.5, 2.0, 20), dtype=torch.float32)
    print("labels:", labels)
    print("bincount:", torch.bincount(labels), torch.bincount(labels, minlength=7))
    print("weighted bincount:", torch.bincount(labels, weights=weights))
    print("bincount dtype int / weighted:", torch.bincount(labels).dtype, torch.bincount(labels, weights=weights).dtype)
    scores = torch.tensor(rng.normal(0, 1, 30), dtype=torch.float32)
    print("histc:", torch.histc(scores, bins=6, min=-2, max=2))
    print("histc auto range:", torch.histc(scores, bins=4))
    values, inverse, counts = torch.unique(labels, return_inverse=True, return_counts=True)
    print("unique:", values, "counts:", counts)
    print("inverse rebuilds:", bool((values[inverse] == labels).all()), inverse.dtype)
    pairs = torch.tensor(rng.integers(0, 3, (10, 2)))
    rows, inv_rows, cnt_rows = torch.unique(pairs, dim=0, return_inverse=True, return_counts=True)
    print("unique rows:", rows.tolist(), "inverse:", inv_rows.tolist(), "counts:", cnt_rows.tolist())
    runs, run_counts = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 3, 1, 1]), return_counts=True)
    print("runs:", runs, run_counts)
    edges = torch.tensor([-1.0, -0.25, 0.5, 1.5])
    print("bucketize:", torch.bucketize(scores[:8], edges), torch.bucketize(scores[:8], edges, right=True))
    print("searchsorted left/right:", torch.searchsorted(edges, torch.tensor([-1.0, 0.5, 2.0])),
          torch.searchsorted(edges, torch.tensor([-1.0, 0.5, 2.0]), side="right"))
    unsorted = torch.tensor([3.0, 1.0, 2.0, 0.0])
    sorter = torch.argsort(unsorted)
    print("with sorter:", torch.searchsorted(unsorted, torch.tensor([0.5, 2.5]), sorter=sorter))
    print("out_int32:", torch.searchsorted(edges, scores[:4], out_int32=True).dtype)
    batched = torch.tensor([[0.0, 1.0, 2.0], [1.0, 3.0, 5.0]])
    print("batched searchsorted:", torch.searchsorted(batched, torch.tensor([[1.5, 0.5], [4.0, 6.0]])))
    index = torch.tensor([0, 1, 0, 2, 1, 0])
    src = torch.tensor([1.0, 5.0, -2.0, 4.0, 3.0, 7.0])
    base = torch.full((4,), -1.0)
    print("scatter amax:", base.scatter_reduce(0, index, src, reduce="amax"),
          base.scatter_reduce(0, index, src, reduce="amax", include_self=False))
    print("scatter mean:", base.scatter_reduce(0, index, src, reduce="mean", include_self=False),
          base.scatter_reduce(0, index, src, reduce="mean"))
    print("scatter prod/amin:", torch.ones(3).scatter_reduce(0, index, src, reduce="prod"),
          torch.zeros(3).scatter_reduce(0, index, src, reduce="amin", include_self=False))
    acc = torch.zeros(3, 2)
    acc.index_add_(0, index, torch.stack([src, src * 2], 1), alpha=0.5)
    print("index_add:", acc)
    lengths = torch.tensor([3, 1, 4, 2])
    offsets = torch.cumsum(lengths, 0) - lengths
    segment = torch.repeat_interleave(torch.arange(4), lengths)
    print("offsets:", offsets, "segment ids:", segment)
    print("position in segment:", torch.arange(int(lengths.sum())) - offsets[segment])
    grid = torch.tensor(rng.integers(0, 3, (3, 4)))
    r, c = torch.nonzero(grid == 2, as_tuple=True)
    print("nonzero tuple:", r, c, "argwhere:", torch.argwhere(grid == 0).tolist())
    freq = torch.bincount(labels, minlength=5).float()
    class_w = freq.sum() / (5 * freq.clamp(min=1))
    sample_w = class_w[labels] * weights
    print("class weights:", class_w)
    print("sample weights sum:", round(sample_w.sum().item(), 4), "mean by class:",
          torch.zeros(5).index_add(0, labels, sample_w) / freq.clamp(min=1))
    print("ints mixed with floats:", (labels * 0.5 + 1).dtype, (labels // 2).dtype, (labels / 2).dtype,
          torch.true_divide(labels, 4)[:4], torch.floor_divide(labels - 2, 3)[:6])
    counts_per = torch.zeros(5, dtype=torch.long).scatter_add_(0, labels, torch.ones_like(labels))
    print("scatter_add counts:", counts_per, bool((counts_per == torch.bincount(labels, minlength=5)).all()))
    topv, topi = torch.bincount(labels).topk(2)
    print("most common:", topi, topv)
    print("kthvalue:", torch.kthvalue(scores[:7], 3), "median:", torch.median(scores[:7]))
