"""Data processing on event logs, the way a feature pipeline is written in PyTorch: de-duplicating rows with
unique(dim=0, return_inverse=, return_counts=) and runs with unique_consecutive, binning with bucketize(right=)
and searchsorted(side=, sorter=) against unsorted edges, histograms with histc and histogram(weight=, density=),
per-user totals with bincount(weights=, minlength=), running extremes with cummax / cummin, gaps with
diff(prepend=, append=, n=2), order statistics with kthvalue, nanmedian and quantile in every interpolation, and
the gradients that flow through cummax, kthvalue, nanmedian and quantile. Float64 values; the data come from
torch.manual_seed.
"""
import torch


def main():
    torch.manual_seed(0)
    users = torch.randint(0, 5, (24,))
    items = torch.randint(0, 3, (24,))
    amount = torch.round(torch.rand(24, dtype=torch.float64) * 100) / 10
    pairs = torch.stack([users, items], dim=1)
    rows, inverse, counts = torch.unique(pairs, dim=0, return_inverse=True, return_counts=True)
    print("unique rows", rows.tolist())
    print("inverse", inverse.tolist(), "counts", counts.tolist())
    per_pair = torch.zeros(len(rows), dtype=torch.float64).index_add_(0, inverse, amount)
    print("per pair", per_pair)
    vals, inv, cnt = torch.unique(users, sorted=True, return_inverse=True, return_counts=True)
    print("users", vals.tolist(), inv[:8].tolist(), cnt.tolist())
    runs, run_inv, run_counts = torch.unique_consecutive(users.sort().values, return_inverse=True,
                                                         return_counts=True)
    print("runs", runs.tolist(), run_counts.tolist(), run_inv[-5:].tolist())
    by_col = torch.unique_consecutive(torch.tensor([[1, 1, 2, 2, 3], [4, 4, 5, 5, 5]]), dim=1)
    print("unique_consecutive dim=1", by_col.tolist())

    edges = torch.tensor([2.5, 5.0, 7.5], dtype=torch.float64)
    print("bucketize", torch.bucketize(amount[:10], edges).tolist(),
          torch.bucketize(amount[:10], edges, right=True).tolist())
    shuffled = torch.tensor([7.5, 2.5, 5.0, 10.0], dtype=torch.float64)
    order = torch.argsort(shuffled)
    probe = torch.tensor([2.5, 6.0, 7.5, 11.0], dtype=torch.float64)
    print("searchsorted sorter", torch.searchsorted(shuffled, probe, sorter=order).tolist(),
          torch.searchsorted(shuffled, probe, side="right", sorter=order).tolist())
    print("searchsorted int32", torch.searchsorted(edges, probe, out_int32=True).dtype)

    print("histc", torch.histc(amount, bins=5, min=0, max=10))
    hist, bin_edges = torch.histogram(amount, bins=4, weight=torch.ones(24, dtype=torch.float64) * 0.5)
    print("histogram", hist, bin_edges)
    dens, _ = torch.histogram(amount, bins=torch.tensor([0.0, 2.0, 5.0, 10.0], dtype=torch.float64), density=True)
    print("density", dens, (dens * torch.tensor([2.0, 3.0, 5.0], dtype=torch.float64)).sum())
    print("bincount", torch.bincount(users), torch.bincount(users, weights=amount, minlength=7))

    series = amount[:12].clone().requires_grad_(True)
    hi = torch.cummax(series, dim=0)
    lo = torch.cummin(series, dim=0)
    print("cummax", hi.values.tolist(), hi.indices.tolist())
    print("cummin", lo.indices.tolist(), hi.values.grad_fn.name())
    print("unique of a graph tensor", torch.unique(series), torch.unique_consecutive(series).grad_fn.name())
    print("histogram of a graph tensor", torch.histogram(series, bins=3),
          torch.bincount(users[:12], weights=series))
    drawdown = (hi.values - series).max()
    (drawdown + lo.values.sum()).backward()
    print("d(drawdown + sum cummin)", series.grad)
    gaps = torch.diff(series.detach(), prepend=torch.tensor([0.0], dtype=torch.float64),
                      append=torch.tensor([10.0], dtype=torch.float64))
    print("diff", gaps.shape, gaps[:4], torch.diff(series.detach(), n=2)[:3])

    matrix = amount.view(4, 6).clone()
    matrix[1, 2] = float("nan")
    matrix[3, 0] = float("nan")
    kv = torch.kthvalue(amount.view(4, 6), 3, dim=1, keepdim=True)
    print("kthvalue", kv.values.view(-1), kv.indices.view(-1))
    nm = torch.nanmedian(matrix, dim=1)
    print("nanmedian", nm.values, nm.indices, torch.nanmedian(matrix))
    print("median with nan", torch.median(matrix, dim=1).values)
    qs = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    for mode in ["linear", "lower", "higher", "nearest", "midpoint"]:
        print("quantile", mode, torch.quantile(amount, qs, interpolation=mode),
              torch.quantile(amount.view(4, 6), 0.25, dim=1, keepdim=True, interpolation=mode).view(-1))
    print("nanquantile", torch.nanquantile(matrix, 0.5, dim=1))

    x = amount.view(4, 6).clone().requires_grad_(True)
    k = torch.kthvalue(x, 2, dim=1).values.sum()
    q = torch.quantile(x, torch.tensor([0.3, 0.7], dtype=torch.float64), dim=1).sum()
    m = torch.nanmedian(x, dim=0).values.sum()
    (k + 2 * q + 3 * m).backward()
    print("order-statistic grads", x.grad)
    print("nodes", k.grad_fn.name(), q.grad_fn.name(), m.grad_fn.name())


if __name__ == "__main__":
    main()
