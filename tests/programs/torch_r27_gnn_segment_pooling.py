"""A message-passing graph network over a batch of three small molecules, written the way PyG-free PyTorch code
writes it: edges as a (2, E) index tensor, degree by torch.bincount and by index_add_ on ones, mean aggregation
through index_add_ and division, max aggregation through scatter_reduce('amax', include_self=False), a GIN-style
update with a learnable eps (node features break the rings' symmetry, so no max has a tie), graph readout per molecule by torch.segment_reduce (sum, mean, max with lengths and
offsets) checked against index_add / scatter_reduce, masked_select of the edges between heavy atoms,
unique(return_inverse, return_counts) of edge types, and a few Adam steps of a graph regression with the
gradients of the node embeddings printed. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GINLayer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, dim))

    def forward(self, h, edge_index):
        src, dst = edge_index
        n = h.shape[0]
        summed = torch.zeros_like(h).index_add_(0, dst, h[src])
        deg = torch.zeros(n).index_add_(0, dst, torch.ones(dst.shape[0])).clamp(min=1)
        mean = summed / deg.unsqueeze(-1)
        idx = dst.unsqueeze(-1).expand(-1, h.shape[1])
        mx = torch.zeros_like(h).scatter_reduce(0, idx, h[src], reduce="amax", include_self=False)
        return self.mlp(torch.cat([(1 + self.eps) * h + mean, mx], dim=-1))


class Net(nn.Module):
    def __init__(self, num_types=4, dim=6):
        super().__init__()
        self.embed = nn.Embedding(num_types, dim)
        self.proj = nn.Linear(2, dim, bias=False)
        self.layers = nn.ModuleList([GINLayer(dim), GINLayer(dim)])
        self.head = nn.Linear(3 * dim, 1)

    def forward(self, types, feats, edge_index, lengths):
        h = self.embed(types) + self.proj(feats)
        for layer in self.layers:
            h = F.relu(layer(h, edge_index)) + h
        pooled = [torch.segment_reduce(h, reduce, lengths=lengths, axis=0) for reduce in ("sum", "mean", "max")]
        return self.head(torch.cat(pooled, dim=-1)).squeeze(-1), h


def ring(n, offset):
    a = torch.arange(n) + offset
    b = torch.roll(a, -1)
    return torch.stack([torch.cat([a, b]), torch.cat([b, a])])


def main():
    torch.manual_seed(2703)
    lengths = torch.tensor([4, 5, 3])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
    edge_index = torch.cat([ring(4, 0), ring(5, 4), ring(3, 9)], dim=1)
    types = torch.randint(0, 4, (12,))
    feats = torch.randn(12, 2)
    batch = torch.repeat_interleave(torch.arange(3), lengths)
    print(offsets, batch, edge_index.shape, edge_index.dtype)
    print(torch.bincount(edge_index[1], minlength=12), torch.bincount(batch))
    heavy = types[edge_index[0]] >= 2
    print(torch.masked_select(edge_index[1], heavy), heavy.sum().item())
    etype = types[edge_index[0]] * 4 + types[edge_index[1]]
    uniq, inverse, counts = torch.unique(etype, return_inverse=True, return_counts=True)
    print(uniq, inverse[:8], counts)

    model = Net()
    y = torch.tensor([0.5, -1.0, 2.0])
    pred, h = model(types, feats, edge_index, lengths)
    h.retain_grad()
    print(pred, pred.grad_fn.name())
    x = torch.randn(12, 3, requires_grad=True)
    seg_sum = torch.segment_reduce(x, "sum", offsets=torch.cat([offsets, torch.tensor([12])]), axis=0)
    ref_sum = torch.zeros(3, 3).index_add(0, batch, x)
    seg_max = torch.segment_reduce(x, "max", lengths=lengths, axis=0, unsafe=True)
    ref_max = torch.zeros(3, 3).scatter_reduce(0, batch.unsqueeze(-1).expand(-1, 3), x, "amax", include_self=False)
    print(torch.allclose(seg_sum, ref_sum), torch.equal(seg_max, ref_max), seg_sum.grad_fn.name())
    (seg_max * torch.arange(9.0).view(3, 3)).sum().backward()
    print(x.grad.t())
    seg_mean = torch.segment_reduce(x.detach(), "mean", lengths=torch.tensor([4, 0, 8]), axis=0, initial=0.0)
    print(seg_mean)

    loss = F.mse_loss(pred, y)
    loss.backward()
    print(f"{loss.item():.6f}", h.grad.abs().sum(dim=1), model.layers[0].eps.grad)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(5):
        opt.zero_grad()
        pred, _ = model(types, feats, edge_index, lengths)
        loss = F.smooth_l1_loss(pred, y, beta=0.5)
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.6f}", f"{model.layers[1].eps.item():.7f}")
    print(model.layers[1].mlp[0].weight.grad[:2])
