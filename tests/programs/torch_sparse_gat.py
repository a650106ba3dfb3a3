"""A graph attention network written with PyTorch's sparse tensors: per-edge attention scores put in a sparse
adjacency, torch.sparse.softmax over each node's neighbours, torch.sparse.mm to aggregate, two heads
concatenated, trained with Adam; float64 so the two libraries agree to rounding."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SparseGATLayer(nn.Module):
    def __init__(self, in_features, out_features, heads, rng):
        super().__init__()
        self.heads, self.out_features = heads, out_features
        self.weight = nn.Parameter(torch.tensor(rng.standard_normal((heads, in_features, out_features)) * 0.3))
        self.attn_src = nn.Parameter(torch.tensor(rng.standard_normal((heads, out_features)) * 0.3))
        self.attn_dst = nn.Parameter(torch.tensor(rng.standard_normal((heads, out_features)) * 0.3))

    def forward(self, x, edge_index):
        n = x.shape[0]
        src, dst = edge_index
        outputs = []
        for h in range(self.heads):
            wh = x @ self.weight[h]
            scores = F.leaky_relu((wh[dst] * self.attn_dst[h]).sum(-1) + (wh[src] * self.attn_src[h]).sum(-1), 0.2)
            attention = torch.sparse_coo_tensor(torch.stack([dst, src]), scores, (n, n)).coalesce()
            attention = torch.sparse.softmax(attention, dim=1)
            outputs.append(torch.sparse.mm(attention, wh))
        return torch.cat(outputs, dim=1)


def main():
    rng = np.random.default_rng(3)
    n, features, classes = 30, 6, 3
    edges = rng.integers(0, n, (2, 90))
    edges = np.unique(np.concatenate([edges, edges[::-1], np.stack([np.arange(n)] * 2)], axis=1), axis=1)
    edge_index = torch.tensor(edges)
    x = torch.tensor(rng.standard_normal((n, features)))
    labels = torch.tensor(rng.integers(0, classes, n))
    first = SparseGATLayer(features, 8, 2, rng)
    second = SparseGATLayer(16, classes, 1, rng)
    params = list(first.parameters()) + list(second.parameters())
    optimizer = torch.optim.Adam(params, lr=0.02)
    for step in range(12):
        optimizer.zero_grad()
        logits = second(F.elu(first(x, edge_index)), edge_index)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        accuracy = (logits.argmax(1) == labels).double().mean()
        print(f"step {step} loss {loss.item():.8f} accuracy {accuracy.item():.4f} "
              f"grad {first.attn_src.grad.abs().sum().item():.8f}")
