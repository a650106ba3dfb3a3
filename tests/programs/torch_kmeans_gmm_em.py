"""Clustering as the "EM from scratch" notebooks write it: k-means++ style seeding from NumPy draws, Lloyd
iterations through torch.cdist (both compute modes), argmin, one_hot and scatter_add centroid updates; a full-
covariance Gaussian mixture fitted by EM with weighted torch.cov (aweights / fweights), Cholesky log-densities,
logsumexp responsibilities and diag_embed regularisation, checked against MixtureSameFamily's log_prob; then the
pairwise helpers the code leans on (tril_indices, combinations, cartesian_prod, block_diag, corrcoef, einsum with
ellipsis, tensordot, kron). Float64.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.distributions import Categorical, MixtureSameFamily, MultivariateNormal


def gaussian_log_density(x, means, covs):
    L = torch.linalg.cholesky(covs)
    diff = x.unsqueeze(1) - means.unsqueeze(0)
    sol = torch.linalg.solve_triangular(L, diff.unsqueeze(-1), upper=False).squeeze(-1)
    maha = (sol ** 2).sum(-1)
    logdet = 2 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    return -0.5 * (maha + logdet + x.shape[1] * math.log(2 * math.pi))


def main():
    rng = np.random.default_rng(61)
    centers = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    x = torch.tensor(np.concatenate([rng.multivariate_normal(c, [[1.0, 0.4], [0.4, 0.6]], 40) for c in centers]))
    k = 3
    first = int(rng.integers(0, len(x)))
    cents = [x[first]]
    for _ in range(k - 1):
        d2 = torch.cdist(x, torch.stack(cents)).min(1).values ** 2
        probs = (d2 / d2.sum()).numpy()
        cents.append(x[int(rng.choice(len(x), p=probs))])
    C = torch.stack(cents)
    for it in range(6):
        d = torch.cdist(x, C, compute_mode="donot_use_mm_for_euclid_dist")
        assign = d.argmin(1)
        onehot = F.one_hot(assign, k).double()
        sums = torch.zeros(k, 2, dtype=torch.float64).scatter_add_(0, assign.unsqueeze(1).expand(-1, 2), x)
        C = sums / onehot.sum(0).unsqueeze(1)
        inertia = (d.gather(1, assign.unsqueeze(1)) ** 2).sum()
        print(f"lloyd {it}: inertia {inertia.item():.8f} sizes {onehot.sum(0).long().tolist()}")
    print("mm cdist agrees:", torch.allclose(torch.cdist(x, C, compute_mode="use_mm_for_euclid_dist"), torch.cdist(x, C)))
    print("centroids:", C)

    weights = torch.full((k,), 1.0 / k, dtype=torch.float64)
    means = C.clone()
    covs = torch.eye(2, dtype=torch.float64).expand(k, 2, 2).clone()
    for it in range(8):
        logp = gaussian_log_density(x, means, covs) + weights.log()
        ll = torch.logsumexp(logp, dim=1)
        resp = torch.exp(logp - ll.unsqueeze(1))
        nk = resp.sum(0)
        weights = nk / len(x)
        means = resp.T @ x / nk.unsqueeze(1)
        covs = torch.stack([torch.cov(x.T, aweights=resp[:, j], correction=0) for j in range(k)])
        covs = covs + torch.diag_embed(torch.full((k, 2), 1e-6, dtype=torch.float64))
        print(f"em {it}: mean log-lik {ll.mean().item():.10f}")
    print("weights:", weights)
    print("means:", means)
    print("cov[0]:", covs[0])
    gmm = MixtureSameFamily(Categorical(probs=weights), MultivariateNormal(means, covariance_matrix=covs))
    ours = torch.logsumexp(gaussian_log_density(x[:5], means, covs) + weights.log(), 1)
    print("mixture log_prob matches:", torch.allclose(gmm.log_prob(x[:5]), ours), gmm.log_prob(x[:3]))
    print("mixture mean/variance:", gmm.mean, gmm.variance)
    counts = torch.tensor([1, 2, 0, 3] * 30)
    print("fweights cov:", torch.cov(x.T, fweights=counts))
    print("both weights cov:", torch.cov(x.T, fweights=counts, aweights=resp[:, 0]))
    print("corrcoef:", torch.corrcoef(x.T))
    r, c = torch.tril_indices(3, 3, offset=-1)
    print("tril_indices:", r, c, "triu:", torch.triu_indices(2, 4, offset=1))
    print("combinations:", torch.combinations(torch.arange(4), r=2).T, torch.combinations(torch.arange(3), with_replacement=True).shape)
    print("cartesian_prod:", torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([5, 6, 7])).T)
    print("block_diag:", torch.block_diag(covs[0], torch.tensor([[2.0]], dtype=torch.float64), covs[1][:1]))
    batch = torch.tensor(rng.normal(0, 1, (2, 3, 4, 2)))
    print("einsum ellipsis:", torch.einsum("...ij,jk->...ik", batch, covs[1])[1, 2])
    print("einsum trace/diag:", torch.einsum("kii->k", covs), torch.einsum("bnj,bnj->bn", batch[0], batch[1])[0])
    print("tensordot:", torch.tensordot(batch, covs[2], dims=([3], [0])).sum((0, 1)))
    print("kron:", torch.kron(covs[0], torch.tensor([[1.0, -1.0]], dtype=torch.float64)))
