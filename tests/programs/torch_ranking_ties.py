"""Order statistics with ties, as evaluation and data-summary code meets them; tests run it as is and with only its
imports changed, and compare what both print. mode / median / nanmedian on data with repeated values
(which index is returned), kthvalue and topk with ties and largest=False (PyTorch leaves which of tied indices
they return unspecified, so only their values are printed there), sort and argsort with stable=True and
descending, unique over rows with return_inverse / return_counts, torch.histogram with bins, range, weights and
density, histc, corrcoef and cov with fweights / aweights / correction, quantile with every interpolation mode,
ranks through double argsort, and mean reciprocal rank / precision@k for a retrieval batch. Float32, NumPy data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(118)
    votes = torch.tensor([[3, 1, 3, 2, 1, 1, 3], [0, 0, 5, 5, 2, 2, 7], [4, 4, 4, 4, 4, 4, 4]])
    print(torch.mode(votes, dim=1), votes.mode(0).values)
    print(votes.median(dim=1), votes.float().median(), torch.median(votes[1]))
    print(votes.kthvalue(3, dim=1).values, torch.kthvalue(votes.float(), 1, dim=0, keepdim=True).values)
    scores = torch.tensor([0.5, 0.9, 0.5, 0.1, 0.9, 0.3, 0.5])
    print(scores.topk(3), scores.topk(2, largest=False), scores.topk(4, sorted=True).values)
    print(torch.sort(scores, stable=True), torch.sort(scores, descending=True, stable=True).indices)
    print(torch.argsort(scores, stable=True), torch.argsort(-scores, stable=True))
    ranks = torch.argsort(torch.argsort(scores, stable=True), stable=True)
    print(ranks, scores.float().nanmedian(), torch.tensor([1.0, float("nan"), 3.0, 2.0]).nanmedian())
    rows = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9], [3, 4], [1, 2]])
    u, inv, cnt = torch.unique(rows, dim=0, return_inverse=True, return_counts=True)
    print(u, inv, cnt)
    u2, inv2 = torch.unique(torch.tensor([5, 3, 5, 1, 3]), sorted=True, return_inverse=True)
    print(u2, inv2, torch.unique(rows, dim=1).shape)
    data = torch.from_numpy(rng.normal(0, 1, 200).astype(np.float32))
    hist, edges = torch.histogram(data, bins=6)
    print(hist, edges)
    h2 = torch.histogram(data, bins=4, range=(-2.0, 2.0), density=True)
    print(h2.hist, h2.bin_edges)
    w = torch.from_numpy(rng.uniform(0, 2, 200).astype(np.float32))
    print(torch.histogram(data, bins=torch.tensor([-3.0, -1.0, 0.0, 0.5, 3.0]), weight=w).hist,
          torch.histc(data, bins=5, min=-2, max=2))
    feats = torch.from_numpy(rng.standard_normal((4, 30)).astype(np.float32))
    feats[1] = feats[0] * 0.8 + feats[1] * 0.2
    print(torch.corrcoef(feats), torch.cov(feats)[0])
    fw = torch.from_numpy(rng.integers(1, 4, 30))
    aw = torch.from_numpy(rng.uniform(0.1, 1.0, 30).astype(np.float32))
    print(torch.cov(feats, correction=0)[1], torch.cov(feats, fweights=fw)[2], torch.cov(feats, aweights=aw)[3],
          torch.cov(feats, fweights=fw, aweights=aw, correction=2)[0])
    q = torch.tensor([0.1, 0.5, 0.77])
    small = torch.tensor([1.0, 7.0, 3.0, 3.0, 10.0, 4.0])
    for how in ["linear", "lower", "higher", "nearest", "midpoint"]:
        print(how, torch.quantile(small, q, interpolation=how), torch.quantile(feats, 0.3, dim=1, interpolation=how))
    print(torch.quantile(small, 0.5, keepdim=True), torch.quantile(feats, q, dim=1, keepdim=True).shape)
    qv = torch.from_numpy(rng.standard_normal((5, 8)).astype(np.float32))
    docs = torch.from_numpy(rng.standard_normal((20, 8)).astype(np.float32))
    relevant = torch.tensor([3, 7, 7, 12, 0])
    sims = torch.nn.functional.normalize(qv, dim=1) @ torch.nn.functional.normalize(docs, dim=1).T
    order = sims.argsort(dim=1, descending=True, stable=True)
    pos = (order == relevant.unsqueeze(1)).float().argmax(dim=1)
    print(pos, (1.0 / (pos + 1).float()).mean(), (pos < 5).float().mean())
    top5 = sims.topk(5, dim=1)
    print(top5.indices[0], top5.values[:, 0], (top5.indices == relevant[:, None]).any(1))
    rank_of_rel = (sims > sims.gather(1, relevant[:, None])).sum(1)
    print(rank_of_rel, torch.equal(rank_of_rel, pos))


if __name__ == "__main__":
    main()
