"""A graph neural network on torch.sparse and the scatter family, in float64: a COO adjacency built with
sparse_coo_tensor (duplicates coalesced), its CSR form (crow_indices / col_indices), torch.sparse.mm and
sparse @ dense with gradients to the dense side and to the sparse values, torch.sparse.sum over a dim and in
full, torch.sparse.softmax / log_softmax over neighbours (attention weights as a sparse matrix), to_dense
gradients; message passing with index_add_, scatter_reduce(reduce='amax' / 'mean', include_self=False),
index_reduce('prod' / 'amax'), and a two-layer GCN trained three SGD steps on node labels.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(0)
    dt = torch.float64
    src = torch.tensor([0, 1, 1, 2, 3, 4, 4, 0, 2, 1])
    dst = torch.tensor([1, 0, 2, 1, 4, 3, 0, 4, 3, 0])
    n = 5
    idx = torch.stack([dst, src])
    vals = torch.ones(src.numel(), dtype=dt)
    A = torch.sparse_coo_tensor(idx, vals, (n, n))
    print("coalesced", A.is_coalesced(), A.coalesce().is_coalesced(), A.coalesce()._nnz())
    A = A.coalesce()
    print("indices", A.indices(), "values", A.values())
    deg = torch.sparse.sum(A, dim=1).to_dense()
    print("degree", deg, "total", torch.sparse.sum(A).item())
    csr = A.to_sparse_csr()
    print("csr crow", csr.crow_indices(), "col", csr.col_indices())

    x = torch.randn(n, 3, dtype=dt, requires_grad=True)
    h = torch.sparse.mm(A, x)
    print("sparse.mm", h, h.grad_fn.name())
    h.pow(2).sum().backward()
    print("d / dx", x.grad)
    h2 = csr @ x.detach()
    print("csr @ dense equal", torch.allclose(h2, h.detach()))

    w = torch.rand(A._nnz(), dtype=dt, requires_grad=True)
    Aw = torch.sparse_coo_tensor(A.indices(), w, (n, n))
    out = torch.sparse.mm(Aw, x.detach())
    out.sum().backward()
    print("d / d edge weights", w.grad)
    try:
        Aw.to_dense().sum().backward()
    except RuntimeError as e:
        print("graph freed:", str(e)[:40])
    w.grad = None
    Aw = torch.sparse_coo_tensor(A.indices(), w, (n, n))
    dense = Aw.to_dense()
    (dense * torch.arange(25.0, dtype=dt).reshape(5, 5)).sum().backward()
    print("to_dense grad", w.grad)

    scores = torch.sparse_coo_tensor(A.indices(), torch.randn(A._nnz(), dtype=dt), (n, n))
    att = torch.sparse.softmax(scores, dim=1)
    print("sparse softmax row sums", torch.sparse.sum(att, dim=1).to_dense())
    print("sparse log_softmax", torch.sparse.log_softmax(scores, dim=1).coalesce().values()[:4])

    feats = torch.randn(n, 2, dtype=dt)
    agg = torch.zeros(n, 2, dtype=dt).index_add_(0, dst, feats[src])
    print("index_add_ sum", agg)
    mx = torch.full((n, 2), -5.0, dtype=dt).scatter_reduce(0, dst.unsqueeze(1).expand(-1, 2), feats[src],
                                                           reduce="amax", include_self=False)
    print("scatter_reduce amax", mx)
    mean = torch.zeros(n, 2, dtype=dt).scatter_reduce(0, dst.unsqueeze(1).expand(-1, 2), feats[src],
                                                      reduce="mean", include_self=False)
    print("scatter_reduce mean", mean)
    prod = torch.ones(n, 2, dtype=dt).index_reduce(0, dst, feats[src], "prod")
    amax = torch.zeros(n, 2, dtype=dt).index_reduce(0, dst, feats[src], "amax", include_self=False)
    print("index_reduce prod", prod[:2], "amax", amax[:2])
    fr = feats.clone().requires_grad_()
    pooled = torch.zeros(n, 2, dtype=dt).scatter_reduce(0, dst.unsqueeze(1).expand(-1, 2), fr[src], reduce="amax",
                                                        include_self=False)
    pooled.sum().backward()
    print("amax pooling grad", fr.grad, pooled.grad_fn.name())

    norm = deg.clamp(min=1).rsqrt()
    A_hat = torch.sparse_coo_tensor(A.indices(), norm[A.indices()[0]] * A.values() * norm[A.indices()[1]], (n, n))
    lin1, lin2 = nn.Linear(3, 4).double(), nn.Linear(4, 2).double()
    labels = torch.tensor([0, 1, 1, 0, 1])
    opt = torch.optim.SGD(list(lin1.parameters()) + list(lin2.parameters()), lr=0.5)
    inputs = x.detach()
    for step in range(3):
        opt.zero_grad()
        hid = F.relu(torch.sparse.mm(A_hat, lin1(inputs)))
        logits = torch.sparse.mm(A_hat, lin2(hid))
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        print(f"gcn step {step} loss {loss.item():.10f} grad {lin1.weight.grad.norm().item():.10f}")
    print("gcn logits", logits)


if __name__ == "__main__":
    main()
