"""Label propagation and a two-layer graph model on sparse matrices (float64): a COO adjacency built with
duplicates and coalesced, degree normalisation through torch.sparse.sum and values(), conversion to CSR
(crow_indices / col_indices / values, to_dense round trips, CSR from its parts), sparse @ dense products with
gradients into the dense side and into the sparse values (torch.sparse.mm), torch.sparse.softmax over rows,
sparse-times-scalar and transpose, and a few Adam steps of the model."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


class GraphModel(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, n_hidden)
        self.l2 = nn.Linear(n_hidden, n_out)

    def forward(self, adj, x):
        h = torch.relu(torch.sparse.mm(adj, self.l1(x)))
        return torch.sparse.mm(adj, self.l2(h))


def main():
    torch.manual_seed(2)
    d = torch.float64
    src = torch.tensor([0, 1, 1, 2, 3, 4, 5, 0, 2, 1])
    dst = torch.tensor([1, 0, 2, 1, 4, 3, 0, 5, 3, 2])
    w = torch.tensor([1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 1.0, 0.5], dtype=d)
    coo = torch.sparse_coo_tensor(torch.stack([src, dst]), w, (6, 6))
    print("coalesced?", coo.is_coalesced(), coo._nnz())
    coo = coo.coalesce()
    print("coalesce", coo.is_coalesced(), coo._nnz(), coo.indices().tolist(), r(coo.values()))
    deg = torch.sparse.sum(coo, dim=1).to_dense()
    print("degree", r(deg), torch.sparse.sum(coo).item())
    ind = coo.indices()
    norm_vals = coo.values() / torch.sqrt(deg[ind[0]] * deg[ind[1]])
    adj = torch.sparse_coo_tensor(ind, norm_vals, (6, 6)).coalesce()
    csr = adj.to_sparse_csr()
    print("csr", csr.layout, csr.crow_indices().tolist(), csr.col_indices().tolist(), r(csr.values()))
    rebuilt = torch.sparse_csr_tensor(csr.crow_indices(), csr.col_indices(), csr.values(), (6, 6))
    print("csr round trip", (rebuilt.to_dense() - adj.to_dense()).abs().max().item(), r(csr.to_dense()[1]))
    back = csr.to_sparse_coo() if hasattr(csr, "to_sparse_coo") else csr.to_sparse()
    print("csr->coo", back.layout, back.indices().tolist()[0])

    feats = torch.randn(6, 3, dtype=d, requires_grad=True)
    out_coo = torch.sparse.mm(adj, feats)
    out_csr = csr @ feats
    (g,) = torch.autograd.grad((out_coo * torch.arange(18, dtype=d).reshape(6, 3)).sum(), feats)
    print("spmm", r(out_coo[0]), (out_coo - out_csr).abs().max().item() < 1e-14, r(g[0]))
    vals = norm_vals.clone().requires_grad_(True)
    a2 = torch.sparse_coo_tensor(ind, vals, (6, 6))
    y = torch.sparse.mm(a2, feats.detach())
    (gv,) = torch.autograd.grad(y.pow(2).sum(), vals)
    print("grad sparse values", r(gv))
    sm = torch.sparse.softmax(coo, dim=1)
    print("sparse softmax", r(sm.coalesce().values()), r(torch.sparse.log_softmax(coo, 1).coalesce().values()[:3]))
    print("scalar/transpose", r((coo * 2).coalesce().values()[:3]), coo.t().coalesce().indices().tolist()[0])
    dense_mm = torch.mm(coo.to_dense(), feats.detach())
    print("addmm", r(torch.sparse.addmm(torch.ones(6, 3, dtype=d), coo, feats.detach(), beta=0.5, alpha=2.0)[2]), r(dense_mm[2]))

    labels = torch.tensor([0, -1, -1, 1, -1, -1])
    y0 = torch.zeros(6, 2, dtype=d)
    y0[0, 0] = 1.0
    y0[3, 1] = 1.0
    f = y0.clone()
    for it in range(5):
        f = 0.8 * (csr @ f) + 0.2 * y0
        print("propagate", it, r(f[:, 0], 6))
    print("labels", f.argmax(1).tolist(), (labels >= 0).sum().item())

    model = GraphModel(3, 8, 2).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    target = torch.tensor([0, 0, 0, 1, 1, 1])
    x = torch.randn(6, 3, dtype=d)
    for step in range(5):
        loss = F.cross_entropy(model(adj, x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("gnn", step, f"{loss.item():.10f}", r(model.l1.weight.grad[0]))


main()
