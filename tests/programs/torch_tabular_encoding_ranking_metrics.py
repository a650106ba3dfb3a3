"""A tabular preprocessing and ranking-metrics pipeline, float64: categorical columns encoded with torch.unique
(return_inverse) and counted with bincount for frequency encoding, a numeric column cut at its quantiles and
bucketized (equal-frequency bins), missing values filled with nan_to_num and nanmedian, ZCA whitening through
torch.cov and torch.linalg.eigh, a small logistic model trained on one_hot + whitened features, then ranking
metrics written by hand: ROC AUC from argsort ranks with ties averaged via unique_consecutive, average precision
with the interpolated precision envelope from cummax on the flipped curve, precision@k through topk /
take_along_dim per query group, and a cumulative gain curve from cumsum and trapezoid.
"""
import numpy as np
import torch
import torch.nn.functional as F


def auc_with_ties(scores, labels):
    order = torch.argsort(scores)
    sorted_scores = scores[order]
    _, inverse, counts = torch.unique_consecutive(sorted_scores, return_inverse=True, return_counts=True)
    ends = torch.cumsum(counts, 0).to(torch.float64)
    avg_rank = ends - (counts.to(torch.float64) - 1) / 2
    ranks = torch.empty_like(scores)
    ranks[order] = avg_rank[inverse]
    n_pos = labels.sum()
    n_neg = labels.numel() - n_pos
    return (ranks[labels.bool()].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def average_precision(scores, labels):
    order = torch.argsort(scores, descending=True, stable=True)
    hits = labels[order].to(torch.float64)
    tp = torch.cumsum(hits, 0)
    precision = tp / torch.arange(1, len(hits) + 1, dtype=torch.float64)
    envelope = torch.flip(torch.cummax(torch.flip(precision, [0]), 0).values, [0])
    return (envelope * hits).sum() / hits.sum(), envelope


def main():
    rng = np.random.default_rng(2718)
    torch.set_printoptions(precision=6)
    n = 40
    city = torch.tensor(rng.choice([3, 7, 7, 11, 2, 7, 3], size=n))
    income = torch.tensor(rng.lognormal(3.0, 0.5, n), dtype=torch.float64)
    income[rng.choice(n, 5, replace=False)] = float("nan")
    age = torch.tensor(rng.normal(40, 12, n), dtype=torch.float64)
    codes, city_idx = torch.unique(city, return_inverse=True)
    freq = torch.bincount(city_idx).to(torch.float64) / n
    print("codes", codes.tolist(), "freq", freq.tolist())
    med = torch.nanmedian(income)
    filled = torch.where(torch.isnan(income), med, income)
    print("median", med.item(), "nans", torch.isnan(income).sum().item(), "nan_to_num sum", torch.nan_to_num(income).sum().item())
    cuts = torch.quantile(age, torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64))
    age_bin = torch.bucketize(age, cuts)
    print("cuts", cuts, "bin counts", torch.bincount(age_bin, minlength=4).tolist())

    numeric = torch.stack([filled, age, freq[city_idx]], dim=1)
    centered = numeric - numeric.mean(0)
    c = torch.cov(centered.T)
    evals, evecs = torch.linalg.eigh(c)
    zca = evecs @ torch.diag(evals.rsqrt()) @ evecs.T
    white = centered @ zca
    print("eigenvalues", evals)
    print("whitened cov is identity", torch.allclose(torch.cov(white.T), torch.eye(3, dtype=torch.float64), atol=1e-10))
    features = torch.cat([white, F.one_hot(city_idx, len(codes)).to(torch.float64),
                          F.one_hot(age_bin, 4).to(torch.float64)], dim=1)
    print("features", features.shape)
    true_w = torch.tensor(rng.normal(size=features.shape[1]), dtype=torch.float64)
    labels = (features @ true_w + torch.tensor(rng.normal(scale=0.8, size=n), dtype=torch.float64) > 0).long()
    print("positives", labels.sum().item())

    w = torch.zeros(features.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=20, history_size=5)

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(features @ w + b, labels.double()) + 1e-2 * w.pow(2).sum()
        loss.backward()
        return loss

    for it in range(3):
        loss = opt.step(closure)
        print(f"lbfgs {it}: loss {loss.item():.10f}")
    with torch.no_grad():
        scores = torch.sigmoid(features @ w + b).round(decimals=2)
    print("auc with ties", auc_with_ties(scores, labels).item())
    ap, env = average_precision(scores, labels)
    print("average precision", ap.item(), "envelope head", env[:5])

    group = torch.tensor(rng.integers(0, 4, n))
    k = 3
    per_group = []
    for g in torch.unique(group).tolist():
        members = (group == g).nonzero().squeeze(1)
        s = scores[members].unsqueeze(0)
        top = torch.topk(s + torch.arange(s.shape[1], dtype=torch.float64) * 1e-9, min(k, s.shape[1]), dim=1)
        hits = torch.take_along_dim(labels[members].unsqueeze(0), top.indices, dim=1)
        per_group.append(hits.double().mean().item())
    print("precision@3 per group", [round(p, 6) for p in per_group])
    order = torch.argsort(scores, descending=True, stable=True)
    gains = torch.cumsum(labels[order].double(), 0) / labels.sum()
    xs = torch.linspace(0, 1, n, dtype=torch.float64)
    print("gain curve", gains[::8], "area", torch.trapezoid(gains, xs).item())
    print("cumulative area tail", torch.cumulative_trapezoid(gains, xs)[-3:])
