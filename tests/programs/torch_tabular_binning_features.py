"""Feature engineering for a tabular credit model, written for PyTorch with tensor ops only: quantile bin edges
from torch.quantile, bucketize (right=True) and searchsorted (side='right', sorter=) into those edges, a 2-D
histogramdd of two features with density, weight-of-evidence per bin from bincount with weights and minlength,
unique rows with return_inverse / return_counts as a categorical cross, unique_consecutive run lengths, running
maxima (cummax) for drawdowns and logcumsumexp, isin filters, then a logistic regression over the one-hot bins
trained with LBFGS. Float32, data from a seeded NumPy generator."""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(1686)
    n = 400
    income = torch.from_numpy(rng.lognormal(3.0, 0.6, n).astype(np.float32))
    debt = torch.from_numpy(rng.gamma(2.0, 8.0, n).astype(np.float32))
    region = torch.from_numpy(rng.integers(0, 5, n))
    channel = torch.from_numpy(rng.integers(0, 3, n))
    logit = -0.04 * income + 0.06 * debt + 0.3 * (region == 2).float() - 0.5
    default = (torch.from_numpy(rng.random(n).astype(np.float32)) < torch.sigmoid(logit)).long()
    print("default rate", default.float().mean().item(), "n", n)

    qs = torch.tensor([0.2, 0.4, 0.6, 0.8])
    inc_edges = torch.quantile(income, qs)
    debt_edges = torch.quantile(debt, qs, interpolation="midpoint")
    print("income edges", inc_edges)
    print("debt edges", debt_edges)
    inc_bin = torch.bucketize(income, inc_edges, right=True)
    debt_bin = torch.searchsorted(debt_edges, debt, side="right")
    print("bin counts", torch.bincount(inc_bin, minlength=5).tolist(), torch.bincount(debt_bin, minlength=5).tolist())
    unsorted = debt_edges[torch.tensor([2, 0, 3, 1])]
    order = torch.argsort(unsorted)
    print("sorter agrees", torch.equal(torch.searchsorted(unsorted, debt, side="right", sorter=order), debt_bin))

    hist, edges = torch.histogramdd(torch.stack([income, debt], 1), bins=[4, 3], density=True)
    print("histdd", hist.shape, [e.shape for e in edges])
    print(hist)
    print("density integrates", (hist * torch.outer(torch.diff(edges[0]), torch.diff(edges[1]))).sum().item())

    total_bad = default.sum().float()
    total_good = (1 - default).sum().float()
    bad = torch.bincount(inc_bin, weights=default.float(), minlength=5)
    good = torch.bincount(inc_bin, weights=(1 - default).float(), minlength=5)
    woe = torch.log((good / total_good + 1e-3) / (bad / total_bad + 1e-3))
    print("woe income", woe)

    cross = torch.stack([region, channel], 1)
    combos, inverse, counts = torch.unique(cross, dim=0, return_inverse=True, return_counts=True)
    print("crosses", combos.shape[0], counts[:6].tolist(), inverse[:8].tolist())
    rate = torch.zeros(combos.shape[0]).index_add_(0, inverse, default.float()) / counts
    print("cross default rates", rate[:5])

    sorted_region, _ = torch.sort(region)
    runs, run_counts = torch.unique_consecutive(sorted_region, return_counts=True)
    print("runs", runs.tolist(), run_counts.tolist())
    balance = torch.cumsum(income - debt, 0)
    peak, peak_at = torch.cummax(balance, 0)
    drawdown = peak - balance
    print("max drawdown", drawdown.max().item(), "at", int(drawdown.argmax()), "peak index", int(peak_at[-1]))
    print("logcumsumexp tail", torch.logcumsumexp(logit[:6], 0))
    keep = torch.isin(region, torch.tensor([0, 2, 4]))
    print("kept", int(keep.sum()), torch.isin(torch.tensor([1, 2, 9]), region, invert=True).tolist())

    X = torch.cat([F.one_hot(inc_bin, 5), F.one_hot(debt_bin, 5), F.one_hot(region, 5)], 1).float()
    w = torch.zeros(X.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=20, history_size=5, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(X @ w + b, default.float()) + 1e-3 * w.pow(2).sum()
        loss.backward()
        return loss

    for it in range(3):
        loss = opt.step(closure)
        print(f"lbfgs {it} loss {loss.item():.6f}")
    print("weights", w.detach()[:5])
    p = torch.sigmoid(X @ w + b).detach()
    order = torch.argsort(p, descending=True)
    captured = torch.cumsum(default[order], 0)[n // 5 - 1].item() / default.sum().item()
    print("top-20% capture", captured, "brier", ((p - default.float()) ** 2).mean().item())


if __name__ == "__main__":
    main()
