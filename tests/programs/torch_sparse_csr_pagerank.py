"""Graph algorithms on a sparse citation-style graph, written for PyTorch: the adjacency is built as a COO tensor
with duplicate edges (coalesce sums them), converted to CSR (crow_indices / col_indices / values), row-normalised
by dividing its values through the CSR row pointers (repeat_interleave of torch.diff(crow)), and used for personalised
PageRank by power iteration, label propagation with clamped seeds, and a one-layer propagation model whose
dense weight and per-edge values are trained through torch.sparse.mm. Float64, graph from a seeded NumPy
generator."""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1616)
    n, m = 12, 40
    src = torch.from_numpy(rng.integers(0, n, m))
    dst = torch.from_numpy(rng.integers(0, n, m))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    ring = torch.arange(n)
    src, dst = torch.cat([src, ring]), torch.cat([dst, (ring + 1) % n])
    weights = torch.ones(len(src))
    coo = torch.sparse_coo_tensor(torch.stack([src, dst]), weights, (n, n))
    print("raw nnz", coo._nnz(), "coalesced", coo.is_coalesced())
    adj = coo.coalesce()
    print("coalesced nnz", adj._nnz(), "max multiplicity", adj.values().max().item())
    print("first edges", adj.indices()[:, :6].tolist())

    csr = adj.to_sparse_csr()
    crow, col, val = csr.crow_indices(), csr.col_indices(), csr.values()
    print("layout", csr.layout, crow.dtype, crow.shape, col.shape)
    out_degree = torch.diff(crow)
    print("out-degree", out_degree.tolist())
    row_of = torch.repeat_interleave(torch.arange(n), out_degree)
    weighted_deg = torch.zeros(n).index_add_(0, row_of, val)
    P = torch.sparse_csr_tensor(crow, col, val / weighted_deg[row_of], (n, n))
    print("row sums", (P @ torch.ones(n, 1)).squeeze(1))
    print(P.to_dense()[:3, :6])

    PT = torch.sparse_coo_tensor(torch.stack([col, row_of]), val / weighted_deg[row_of], (n, n)).coalesce()
    alpha = 0.85
    teleport = torch.zeros(n, 1)
    teleport[[0, 5]] = 0.5
    r = torch.full((n, 1), 1.0 / n)
    for it in range(60):
        r_new = alpha * torch.sparse.mm(PT, r) + (1 - alpha) * teleport
        delta = (r_new - r).abs().sum().item()
        r = r_new
        if delta < 1e-12:
            break
    print("pagerank iters", it, "sum", round(r.sum().item(), 12))
    print("pagerank", r.squeeze(1))
    print("top nodes", torch.topk(r.squeeze(1), 4).indices.tolist())

    labels = torch.from_numpy(rng.integers(0, 3, n))
    seeds = torch.tensor([0, 3, 7, 10])
    Y = torch.zeros(n, 3)
    Y[seeds, labels[seeds]] = 1.0
    F_lab = Y.clone()
    for _ in range(25):
        F_lab = torch.sparse.mm(PT, F_lab)
        F_lab[seeds] = Y[seeds]
    print("propagated", F_lab[:4])
    print("predicted", F_lab.argmax(1).tolist(), "true", labels.tolist())

    feats = torch.from_numpy(rng.standard_normal((n, 5)))
    W = torch.from_numpy(rng.normal(0, 0.3, (5, 3))).requires_grad_(True)
    edge_logit = torch.zeros(PT._nnz(), requires_grad=True)
    opt = torch.optim.Adam([W, edge_logit], lr=0.1)
    train = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
    for epoch in range(10):
        opt.zero_grad()
        A = torch.sparse_coo_tensor(PT.indices(), torch.sigmoid(edge_logit) * PT.values(), (n, n))
        h = torch.sparse.mm(A, feats @ W) + feats @ W
        loss = F.cross_entropy(h[train], labels[train])
        loss.backward()
        opt.step()
        acc = (h.argmax(1)[train] == labels[train]).double().mean().item()
        print(f"epoch {epoch} loss {loss.item():.8f} acc {acc:.3f} edge grad {edge_logit.grad.norm().item():.8f}")
    print("edge gates", torch.sigmoid(edge_logit.detach())[:8])
    x = feats.clone().requires_grad_(True)
    print("csr matmul grad", torch.autograd.grad((csr @ x).pow(2).sum(), x)[0][:2])


if __name__ == "__main__":
    main()
