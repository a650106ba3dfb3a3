"""A small graph neural network written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. Message passing over an edge list with index_add_, scatter_add, scatter_reduce
(sum / mean / amax / amin, include_self=False), degrees from bincount, symmetric GCN normalisation, a GraphSAGE-style
max aggregation, global mean pooling per graph with index_add_, and node classification with masks.
Float64, graph and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def gcn_norm(edge_index, n):
    loops = torch.arange(n)
    src = torch.cat([edge_index[0], loops])
    dst = torch.cat([edge_index[1], loops])
    deg = torch.bincount(dst, minlength=n).double()
    inv_sqrt = deg.pow(-0.5)
    inv_sqrt[torch.isinf(inv_sqrt)] = 0
    return src, dst, inv_sqrt[src] * inv_sqrt[dst]


class GCNLayer(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.lin = nn.Linear(n_in, n_out, bias=False)
        self.bias = nn.Parameter(torch.zeros(n_out, dtype=torch.float64))

    def forward(self, x, src, dst, w):
        h = self.lin(x)
        out = torch.zeros_like(h).index_add_(0, dst, h[src] * w.unsqueeze(-1))
        return out + self.bias


class SAGEMax(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.self_lin = nn.Linear(n_in, n_out)
        self.neigh_lin = nn.Linear(n_in, n_out)

    def forward(self, x, edge_index):
        src, dst = edge_index
        msg = self.neigh_lin(x)[src]
        index = dst.unsqueeze(-1).expand_as(msg)
        agg = torch.zeros(x.shape[0], msg.shape[1], dtype=x.dtype).scatter_reduce(
            0, index, msg, reduce="amax", include_self=False)
        return self.self_lin(x) + agg


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gcn1 = GCNLayer(5, 12)
        self.sage = SAGEMax(12, 12)
        self.gcn2 = GCNLayer(12, 3)

    def forward(self, x, edge_index):
        src, dst, w = gcn_norm(edge_index, x.shape[0])
        h = F.relu(self.gcn1(x, src, dst, w))
        h = F.leaky_relu(self.sage(h, edge_index), 0.2)
        return self.gcn2(h, src, dst, w), h


def make_graph(rng, n=30):
    labels = rng.integers(0, 3, n)
    edges = set()
    while len(edges) < 70:
        i, j = rng.integers(0, n, 2)
        if i != j and (labels[i] == labels[j] or rng.random() < 0.2):
            edges.add((int(i), int(j)))
            edges.add((int(j), int(i)))
    edge_index = torch.tensor(sorted(edges)).t().contiguous()
    x = rng.standard_normal((n, 5)) + np.eye(3, 5)[labels] * 1.5
    return torch.from_numpy(x), edge_index, torch.from_numpy(labels)


def main():
    rng = np.random.default_rng(5)
    x, edge_index, y = make_graph(rng)
    n = x.shape[0]
    print("edges", edge_index.shape, edge_index.dtype, "max degree", torch.bincount(edge_index[1]).max().item())
    model = Net().double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) * 0.3))
    train_mask = torch.zeros(n, dtype=torch.bool)
    train_mask[torch.from_numpy(rng.permutation(n)[:18])] = True
    opt = optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    for epoch in range(12):
        model.train()
        logits, _ = model(x, edge_index)
        loss = F.cross_entropy(logits[train_mask], y[train_mask])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 3 == 0:
            acc = (logits.argmax(1)[~train_mask] == y[~train_mask]).double().mean().item()
            print(f"epoch {epoch} loss {loss.item():.6f} test acc {acc:.4f}")
    with torch.no_grad():
        logits, h = model(x, edge_index)
        src, dst = edge_index
        feat = h[src]
        idx = dst.unsqueeze(1).expand(-1, h.shape[1])
        mean = torch.zeros(n, h.shape[1], dtype=h.dtype).scatter_reduce(0, idx, feat, "mean", include_self=False)
        summed = torch.zeros(n, h.shape[1], dtype=h.dtype).scatter_add(0, idx, feat)
        amin = torch.full((n, h.shape[1]), 5.0, dtype=h.dtype).scatter_reduce(0, idx, feat, "amin")
        prod = torch.ones(n, 2, dtype=h.dtype).scatter_reduce(0, idx[:, :2], feat[:, :2], "prod")
        print("mean agg", mean.sum().item(), "sum agg", summed.sum().item())
        print("amin", amin[:2, :3], "prod", prod[:3])
        graph_id = torch.arange(n) // 10
        pooled = torch.zeros(3, h.shape[1], dtype=h.dtype).index_add_(0, graph_id, h) / torch.bincount(graph_id).unsqueeze(1)
        top_val, top_idx = logits.softmax(-1).max(dim=1)
        print("pooled", pooled.shape, pooled.sum(1), "confident", top_idx[top_val > 0.9].tolist()[:6])
        vals, order = torch.sort(top_val, descending=True, stable=True)
        print("order", order[:5].tolist(), torch.unique(y, return_counts=True))


if __name__ == "__main__":
    main()
