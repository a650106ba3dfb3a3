"""A k-nearest-neighbour classifier and a scalar/vector quantiser as a notebook writes them: torch.cdist in its
p-norms (and compute_mode), topk(largest=False) neighbours with a weighted vote through scatter_add, torch.mode,
torch.unique with return_inverse / return_counts (sorted, and dim=0 on rows), torch.bucketize with right=True/False,
torch.searchsorted (side=, sorter=) on quantile edges, torch.histc, torch.quantile, and a codebook quantiser
with straight-through gradients. Float64; data from a seeded NumPy generator.
"""
import numpy as np
import torch


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(2718)
    centers = torch.tensor([[0.0, 0.0], [3.0, 0.5], [1.0, 3.0]], dtype=torch.float64)
    labels = torch.tensor(rng.integers(0, 3, 60))
    train = centers[labels] + torch.tensor(rng.standard_normal((60, 2)) * 0.8)
    test = centers[torch.tensor([0, 1, 2, 1, 0, 2])] + torch.tensor(rng.standard_normal((6, 2)) * 0.8)
    for p in [1.0, 2.0, 3.0, float("inf")]:
        d = torch.cdist(test, train, p=p)
        print(f"cdist p={p}: shape {tuple(d.shape)} row0 min {d[0].min().item():.10f} sum {d.sum().item():.8f}")
    d = torch.cdist(test[None], train[None], compute_mode="use_mm_for_euclid_dist")[0]
    dist, idx = d.topk(5, dim=1, largest=False)
    print("nearest idx row0:", idx[0].tolist(), "dists:", r(dist[0]))
    votes = torch.zeros(6, 3, dtype=torch.float64).scatter_add_(1, labels[idx], 1.0 / (dist + 1e-9))
    print("weighted votes row0:", r(votes[0], 6), "pred:", votes.argmax(1).tolist())
    mode = torch.mode(labels[idx], dim=1)
    print("majority:", mode.values.tolist(), "mode indices:", mode.indices.tolist())
    u, inv, counts = torch.unique(labels, return_inverse=True, return_counts=True)
    print("unique:", u.tolist(), "counts:", counts.tolist(), "inverse[:8]:", inv[:8].tolist())
    rows = torch.tensor(rng.integers(0, 2, (8, 3)))
    ur, rinv, rcnt = torch.unique(rows, dim=0, return_inverse=True, return_counts=True)
    print("unique rows:", ur.tolist(), "inverse:", rinv.tolist(), "counts:", rcnt.tolist())
    uc, cc = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 3, 1, 1]), return_counts=True)
    print("consecutive:", uc.tolist(), cc.tolist())
    x = train[:, 0].contiguous()
    edges = torch.quantile(x, torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64))
    print("quartile edges:", r(edges))
    print("quantile interpolations:", [round(torch.quantile(x, 0.3, interpolation=m).item(), 8) for m in ["linear", "lower", "higher", "midpoint", "nearest"]])
    b_left = torch.bucketize(x, edges)
    b_right = torch.bucketize(edges, edges, right=True)
    print("bucket counts:", torch.bincount(b_left, minlength=4).tolist(), "edges right:", b_right.tolist())
    perm = torch.randperm(0) if False else torch.tensor([2, 0, 1])
    unsorted = edges[perm]
    print("searchsorted sorter:", torch.searchsorted(unsorted, x[:6], sorter=torch.argsort(unsorted)).tolist())
    print("searchsorted side:", torch.searchsorted(edges, edges, side="right").tolist(), torch.searchsorted(edges, edges).tolist())
    batched = torch.searchsorted(torch.sort(train[:4], dim=1).values, test[:4])
    print("batched searchsorted:", batched.tolist())
    print("histc:", torch.histc(x, bins=6).tolist(), "ranged:", torch.histc(x, bins=4, min=-1, max=3).tolist())
    codebook = torch.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    z = torch.tensor(rng.standard_normal((10, 2)), requires_grad=True)
    code = torch.cdist(z, codebook).argmin(1)
    q = codebook[code]
    st = z + (q - z).detach()
    loss = ((q - z.detach()) ** 2).mean() + 0.25 * ((z - q.detach()) ** 2).mean() + st.sum()
    loss.backward()
    print("codes:", code.tolist(), "usage:", torch.bincount(code, minlength=4).tolist())
    print("codebook grad:", r(codebook.grad, 8))
    print("z grad row0:", r(z.grad[0], 8), "loss:", round(loss.item(), 10))
    g = torch.cdist(z, codebook).sum()
    print("cdist grad:", r(torch.autograd.grad(g, codebook)[0], 8))
