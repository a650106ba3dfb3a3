"""A recommender-plus-graph model as production code writes it: nn.EmbeddingBag over ragged item lists given
by offsets (mode 'sum' with per_sample_weights, 'mean' with padding_idx, 'max', include_last_offset=True, and a
2-D input without offsets), EmbeddingBag.from_pretrained frozen, then a graph layer that passes messages with
scatter_reduce ('amax' and 'mean' with include_self=False), index_add_, index_put_ with accumulate=True,
masked_scatter and torch.where, trained a few steps with Adagrad. Float32, NumPy weights and graph.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class GraphLayer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.message = nn.Linear(dim, dim)
        self.update = nn.Linear(2 * dim, dim)

    def forward(self, h, src, dst):
        msg = torch.relu(self.message(h))[src]
        index = dst[:, None].expand(-1, h.shape[1])
        pooled_max = torch.zeros_like(h).scatter_reduce(0, index, msg, reduce="amax", include_self=False)
        pooled_mean = torch.zeros_like(h).scatter_reduce(0, index, msg, reduce="mean", include_self=False)
        return torch.tanh(self.update(torch.cat([pooled_max, pooled_mean], dim=1))) + h


def main():
    rng = np.random.default_rng(1711)
    items, dim = 12, 4
    weight = torch.from_numpy(rng.standard_normal((items, dim)).astype(np.float32))
    bag_sum = nn.EmbeddingBag(items, dim, mode="sum")
    bag_mean = nn.EmbeddingBag(items, dim, mode="mean", padding_idx=0)
    bag_max = nn.EmbeddingBag(items, dim, mode="max")
    for bag in (bag_sum, bag_mean, bag_max):
        with torch.no_grad():
            bag.weight.copy_(weight)
    print("padding row of the mean bag", bag_mean.weight[0].tolist())

    flat = torch.tensor([3, 5, 0, 7, 1, 0, 0, 2, 9, 11, 4])
    offsets = torch.tensor([0, 3, 4, 7])
    per_sample = torch.from_numpy(rng.uniform(0.5, 1.5, 11).astype(np.float32))
    print("sum weighted", [[round(v, 5) for v in row] for row in bag_sum(flat, offsets, per_sample).tolist()])
    print("mean padded", [[round(v, 5) for v in row] for row in bag_mean(flat, offsets).tolist()])
    print("max", [[round(v, 5) for v in row] for row in bag_max(flat, offsets).tolist()])
    last = nn.EmbeddingBag.from_pretrained(weight, mode="sum", include_last_offset=True)
    print("include_last_offset", tuple(last(flat, torch.tensor([0, 3, 4, 11])).shape),
          "frozen", last.weight.requires_grad)
    print("2-D input", [[round(v, 5) for v in row] for row in bag_mean(torch.tensor([[1, 2, 0], [0, 0, 4]])).tolist()])
    print("empty bag", bag_sum(flat, torch.tensor([0, 3, 3, 7])).tolist()[1])
    F_out = F.embedding_bag(flat, weight, offsets, mode="sum", per_sample_weights=per_sample)
    print("functional agrees", torch.allclose(F_out, bag_sum(flat, offsets, per_sample)))

    bag_sum.zero_grad()
    bag_max(flat, offsets).sum().backward()
    print("max bag grad rows", bag_max.weight.grad.abs().sum(1).tolist())

    nodes, edges = 6, 10
    src = torch.from_numpy(rng.integers(0, nodes, edges))
    dst = torch.from_numpy(rng.integers(0, nodes, edges))
    print("edges", src.tolist(), dst.tolist())
    in_degree = torch.zeros(nodes, dtype=torch.long).index_put_((dst,), torch.ones(edges, dtype=torch.long),
                                                                accumulate=True)
    print("in-degree", in_degree.tolist())
    edge_weight = torch.from_numpy(rng.uniform(size=edges).astype(np.float32))
    strength = torch.zeros(nodes).index_add_(0, dst, edge_weight)
    print("strength", [round(v, 5) for v in strength.tolist()])
    isolated = in_degree == 0
    filler = torch.arange(1.0, 1.0 + int(isolated.sum()))
    marked = torch.zeros(nodes).masked_scatter(isolated, filler)
    print("isolated", isolated.tolist(), marked.tolist())

    user_lists = torch.from_numpy(rng.integers(0, items, 14))
    user_offsets = torch.tensor([0, 2, 5, 7, 10, 12])
    layer = GraphLayer(dim)
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    target = torch.from_numpy(rng.standard_normal((nodes, dim)).astype(np.float32))
    params = list(layer.parameters()) + [bag_sum.weight]
    optimizer = torch.optim.Adagrad(params, lr=0.1)
    for step in range(6):
        optimizer.zero_grad()
        h = bag_sum(user_lists, user_offsets)
        out = layer(h, src, dst)
        out = torch.where(isolated[:, None], h, out)
        loss = F.smooth_l1_loss(out, target, beta=0.5)
        loss.backward()
        optimizer.step()
        print(f"step {step} loss {loss.item():.6f}")
    print("embedding grad rows touched", (bag_sum.weight.grad.abs().sum(1) > 0).int().tolist())
    scores = torch.zeros(nodes).scatter_reduce(0, dst, edge_weight, reduce="amin", include_self=False)
    print("min incoming weight", [round(v, 5) for v in scores.tolist()])
    prod = torch.ones(nodes).scatter_reduce(0, dst, edge_weight + 1, reduce="prod", include_self=True)
    print("product", [round(v, 5) for v in prod.tolist()])
