"""Spectral losses and nearest neighbours as representation-learning code writes them in PyTorch: deep CCA
between two views (whitening through torch.linalg.eigh of the regularised covariances, the canonical
correlations as the singular values of T = S11^-1/2 S12 S22^-1/2 from torch.linalg.svdvals), a PCA
reconstruction loss through torch.linalg.svd's leading right singular vectors, an orthogonality penalty
through torch.linalg.qr, each trained a few Adam steps with gradients flowing through the decompositions;
then k-nearest-neighbour classification of the learned embeddings with torch.cdist (p=2 and p=1) and
topk(largest=False), a majority vote with torch.mode and bincount, and the gradient of a soft-kNN loss
through cdist. Float64 throughout; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn


def inv_sqrt(cov):
    evals, evecs = torch.linalg.eigh(cov)
    return evecs @ torch.diag(evals.rsqrt()) @ evecs.T


def cca_corr(h1, h2, r=1e-3):
    n = h1.shape[0]
    h1, h2 = h1 - h1.mean(0), h2 - h2.mean(0)
    s11 = h1.T @ h1 / (n - 1) + r * torch.eye(h1.shape[1])
    s22 = h2.T @ h2 / (n - 1) + r * torch.eye(h2.shape[1])
    s12 = h1.T @ h2 / (n - 1)
    t = inv_sqrt(s11) @ s12 @ inv_sqrt(s22)
    return torch.linalg.svdvals(t)


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    z = torch.randn(40, 2)
    x1 = torch.cat([z, 0.3 * torch.randn(40, 3)], 1) @ torch.randn(5, 5)
    x2 = torch.cat([z @ torch.tensor([[0.8, -0.6], [0.6, 0.8]]), 0.3 * torch.randn(40, 2)], 1) @ torch.randn(4, 4)
    f1 = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    f2 = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    opt = torch.optim.Adam(list(f1.parameters()) + list(f2.parameters()), lr=0.02)
    for step in range(6):
        opt.zero_grad()
        corr = cca_corr(f1(x1), f2(x2))
        loss = -corr.sum()
        loss.backward()
        opt.step()
        print(f"cca step {step} corr {[round(c, 8) for c in corr.tolist()]} |g| {f1[0].weight.grad.norm().item():.8f}")
    print("svdvals node", corr.grad_fn.name())

    data = x1.detach()
    proj = nn.Linear(5, 5, bias=False)
    opt = torch.optim.Adam(proj.parameters(), lr=0.05)
    for step in range(5):
        opt.zero_grad()
        y = proj(data - data.mean(0))
        u, s, vh = torch.linalg.svd(y, full_matrices=False)
        v2 = vh[:2].T
        recon = y @ v2 @ v2.T
        q, r = torch.linalg.qr(proj.weight)
        ortho = (q.T @ proj.weight - r).pow(2).sum() + (proj.weight.T @ proj.weight - torch.eye(5)).pow(2).sum()
        loss = (y - recon).pow(2).mean() + 0.1 * ortho
        loss.backward()
        opt.step()
        print(f"pca step {step} loss {loss.item():.10f} top sv {[round(v, 8) for v in s[:3].tolist()]} "
              f"|r diag| {r.diagonal().abs().sum().item():.8f}")
    evals, evecs = torch.linalg.eigh(torch.cov(data.T))
    print("explained", (evals.flip(0) / evals.sum())[:3])

    with torch.no_grad():
        emb = f1(x1)
    labels = (z[:, 0] > 0).long() + (z[:, 1] > 0).long()
    train, test = emb[:30], emb[30:]
    for p in (2.0, 1.0):
        d = torch.cdist(test, train, p=p)
        dist, idx = d.topk(5, dim=1, largest=False)
        votes = labels[:30][idx]
        pred = votes.mode(dim=1).values
        print(f"p={p} nearest {idx[0].tolist()} dist {dist[0, :3]} pred {pred.tolist()} "
              f"acc {(pred == labels[30:]).double().mean().item():.2f}")
    print("bincount", torch.bincount(labels[:30][idx[:, 0]], minlength=3).tolist())
    q = test[:3].clone().requires_grad_(True)
    d = torch.cdist(q, train)
    weights = torch.softmax(-d, dim=1)
    soft = (weights * (labels[:30] == 1).double()).sum(1)
    (1 - soft).sum().backward()
    print("soft knn", soft.detach(), d.grad_fn.name(), q.grad[0])
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
