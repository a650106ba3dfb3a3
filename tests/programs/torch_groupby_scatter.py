"""Group-by data processing in float32, written for PyTorch; tests run it as is and with only its imports changed,
and compare what both print. A table of sensor readings is grouped by station with unique(return_inverse,
return_counts, sorted), aggregated with scatter_reduce for every reduction (sum, prod, mean, amax, amin, with and
without include_self) and index_reduce, ranked within groups with a stable sort, binned with bucketize(right=True)
and searchsorted(side=, sorter=), summarised with histc, bincount(weights), aminmax, std_mean / var_mean,
kthvalue, topk(largest=False), uint8 flag counts (summed to int64), cummax / cummin and logcumsumexp, gathered
back with take_along_dim, filled with index_fill, paired with combinations / cartesian_prod / tril_indices, and
new_full / new_zeros. Data from a seeded NumPy generator.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(8)
    n = 40
    station = torch.from_numpy(rng.choice([3, 7, 11, 20, 42], size=n))
    reading = torch.from_numpy(np.round(rng.gamma(2.0, 3.0, size=n), 2)).float()
    hour = torch.from_numpy(rng.integers(0, 24, size=n))

    keys, inverse, counts = torch.unique(station, sorted=True, return_inverse=True, return_counts=True)
    print("stations", keys.tolist(), "counts", counts.tolist(), "inverse", inverse[:10].tolist())
    g = len(keys)
    base = reading.new_zeros(g)
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            start = reading.new_full((g,), 1.0 if reduce == "prod" else 0.5)
            src = reading / 10 if reduce == "prod" else reading
            out = start.scatter_reduce(0, inverse, src, reduce=reduce, include_self=include_self)
            print(f"scatter_reduce {reduce:4s} include_self={include_self!s:5s}", out)
    mean_by_idx = base.clone().index_reduce_(0, inverse, reading, "mean", include_self=False)
    amax_by_idx = torch.full((g,), -1.0).index_reduce_(0, inverse, reading, "amax")
    print("index_reduce mean", mean_by_idx, "amax", amax_by_idx)

    # 2-D scatter_reduce: per-station, per-shift maximum
    shift = torch.bucketize(hour, torch.tensor([8, 16]), right=True)
    table = torch.zeros(g, 3).scatter_reduce(0, inverse[:, None].expand(n, 3),
                                             torch.nn.functional.one_hot(shift, 3).float() * reading[:, None],
                                             reduce="amax", include_self=True)
    print("shift counts", torch.bincount(shift, minlength=3).tolist(), "max per shift", table)
    print("weighted bincount", torch.bincount(inverse, weights=reading))
    high = (reading > 6).to(torch.uint8)
    print("high readings", high.sum(), high.reshape(8, 5).sum(1), high.sum().dtype, high.prod(0, keepdim=True).dtype)

    # rank readings within each station: sort by value, then stably by station
    order_v = torch.argsort(reading, descending=True)
    order = order_v[torch.sort(inverse[order_v], stable=True).indices]
    first = torch.cat([torch.tensor([0]), torch.cumsum(counts, 0)[:-1]])
    rank = torch.empty(n, dtype=torch.long)
    rank[order] = torch.arange(n) - first.repeat_interleave(counts)
    print("rank within station", rank[:12].tolist())
    best_rows = order[first]
    print("best per station", reading[best_rows], hour[best_rows].tolist())

    edges = torch.tensor([2.0, 4.0, 8.0, 16.0])
    print("bucketize", torch.bucketize(reading[:10], edges).tolist(),
          torch.bucketize(reading[:10], edges, right=True).tolist())
    shuffled = torch.tensor([8.0, 2.0, 16.0, 4.0])
    sorter = torch.argsort(shuffled)
    print("searchsorted sorter", torch.searchsorted(shuffled, reading[:10], sorter=sorter).tolist(),
          torch.searchsorted(edges, reading[:10], side="right").tolist())
    print("histc", torch.histc(reading, bins=6, min=0, max=18))
    lo, hi = torch.aminmax(reading)
    std, mean = torch.std_mean(reading)
    var, mean2 = torch.var_mean(reading.reshape(8, 5), dim=1, correction=0)
    print("aminmax", lo.item(), hi.item(), "std_mean", std.item(), mean.item())
    print("var_mean rows", var, mean2)
    kth = torch.kthvalue(reading.reshape(8, 5), 2, dim=1)
    low = torch.topk(reading, 4, largest=False)
    print("2nd smallest per row", kth.values, kth.indices.tolist(), "4 smallest", low.values, low.indices.tolist())
    cm, cmi = torch.cummax(reading[:12], 0)
    cn, cni = torch.cummin(reading[:12], 0)
    print("cummax", cm, cmi.tolist())
    print("cummin", cn, cni.tolist())
    print("logcumsumexp", torch.logcumsumexp(reading[:8] / 4, 0))
    per_row = reading.reshape(8, 5)
    idx = per_row.argsort(dim=1)[:, -2:]
    print("take_along_dim", torch.take_along_dim(per_row, idx, dim=1))
    masked = per_row.index_fill(1, torch.tensor([0, 3]), -1.0)
    print("index_fill", masked[0], masked.sum().item())
    pairs = torch.combinations(keys, r=2)
    grid = torch.cartesian_prod(torch.arange(2), keys[:3])
    tri = torch.tril_indices(4, 4, offset=-1)
    print("pairs", pairs.shape[0], pairs[-1].tolist(), "grid", grid.tolist(), "tril", tri.tolist())
    dist = (mean_by_idx[:, None] - mean_by_idx[None, :]).abs()
    print("pairwise station gaps", dist[tri[0][:4], tri[1][:4]])


if __name__ == "__main__":
    main()
