"""A recommender with sparse gradients, float64: nn.Embedding(sparse=True) and nn.EmbeddingBag(sparse=True,
mode='sum' / 'mean') trained with SparseAdam and SGD, the sparse gradient inspected (is_sparse, coalesce(),
indices(), values(), to_dense(), duplicate indices summed), Embedding(max_norm=) renormalising rows in place,
padding_idx rows kept at zero gradient, scale_grad_by_freq, and a dense head on Adam alongside, for a few steps."""
import torch
import torch.nn as nn


def main():
    torch.manual_seed(7)
    dt = torch.float64
    users = nn.Embedding(10, 4, sparse=True, dtype=dt)
    items = nn.EmbeddingBag(12, 4, mode="sum", sparse=True, dtype=dt)
    head = nn.Linear(8, 1, dtype=dt)
    u_idx = torch.tensor([1, 3, 3, 7, 1, 0])
    bags = torch.tensor([2, 5, 5, 9, 11, 0, 4, 4, 4, 8])
    offsets = torch.tensor([0, 2, 3, 5, 6, 9])
    target = torch.tensor([1.0, 0.0, 0.5, 1.0, 0.2, 0.8], dtype=dt)

    out = head(torch.cat([users(u_idx), items(bags, offsets)], 1)).squeeze(1)
    loss = nn.functional.mse_loss(out, target)
    loss.backward()
    g = users.weight.grad
    print("sparse grad", g.is_sparse, g.layout, tuple(g.shape), g._nnz())
    gc = g.coalesce()
    print("coalesced", gc.indices().tolist(), gc.values().numpy().round(8)[:, :2])
    print("dense rows", g.to_dense().abs().sum(1).numpy().round(8))
    gi = items.weight.grad.coalesce()
    print("bag grad", gi.indices().tolist(), gi.values().sum(1).numpy().round(8))

    sparse_opt = torch.optim.SparseAdam(list(users.parameters()) + list(items.parameters()), lr=0.05)
    dense_opt = torch.optim.Adam(head.parameters(), lr=0.05)
    for step in range(4):
        sparse_opt.zero_grad()
        dense_opt.zero_grad()
        out = head(torch.cat([users(u_idx), items(bags, offsets)], 1)).squeeze(1)
        loss = nn.functional.mse_loss(out, target)
        loss.backward()
        sparse_opt.step()
        dense_opt.step()
        st = sparse_opt.state[users.weight]
        print("step", step, round(loss.item(), 10), users.weight[3].detach().numpy().round(6),
              int(st["step"]), round(st["exp_avg_sq"].sum().item(), 10))
    print("untouched row", users.weight[2].detach().numpy().round(6))

    mean_bag = nn.EmbeddingBag(6, 3, mode="mean", sparse=True, dtype=dt)
    sgd = torch.optim.SGD(mean_bag.parameters(), lr=0.5)
    inp = torch.tensor([[0, 2, 2], [1, 5, 3]])
    for step in range(3):
        sgd.zero_grad()
        o = mean_bag(inp)
        l = (o ** 2).sum()
        l.backward()
        sgd.step()
        print("mean bag", step, round(l.item(), 10), mean_bag.weight.grad.coalesce().indices().tolist())

    renorm = nn.Embedding(5, 3, max_norm=1.0, norm_type=2.0, dtype=dt)
    with torch.no_grad():
        renorm.weight.mul_(3)
    before = renorm.weight.detach().norm(dim=1).clone()
    e = renorm(torch.tensor([0, 2, 2]))
    print("max_norm", before.numpy().round(6), renorm.weight.norm(dim=1).detach().numpy().round(6))
    e.sum().backward()
    print("max_norm grad", renorm.weight.grad.numpy().round(6)[:3])

    pad = nn.Embedding(6, 2, padding_idx=0, scale_grad_by_freq=True, dtype=dt)
    idx = torch.tensor([[0, 1, 1, 4], [4, 4, 0, 2]])
    (pad(idx) * torch.arange(1.0, 3.0, dtype=dt)).sum().backward()
    print("pad/freq grad", pad.weight.grad.numpy().round(6), pad.weight[0].detach().numpy())
    sp = nn.Embedding(6, 2, padding_idx=2, scale_grad_by_freq=True, sparse=True, dtype=dt)
    try:
        (sp(idx) ** 2).sum().backward()
    except RuntimeError as e:
        print("sparse freq refused:", str(e).startswith("embedding_backward: scale_grad_by_freq not supported"))
    sp.scale_grad_by_freq = False
    (sp(idx) ** 2).sum().backward()
    c = sp.weight.grad.coalesce()
    print("sparse pad", c.indices().tolist(), c.values().numpy().round(6))
    try:
        nn.EmbeddingBag(6, 2, mode="max", sparse=True)(idx)
    except ValueError as e:
        print("max bag refused:", "max mode does not support sparse weights" in e.args[0])
