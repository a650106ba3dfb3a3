"""A graph network written with the in-place scatter and index ops, as message-passing code writes them inside
forward: messages summed into a zeros buffer with index_add_ (and alpha=), max-aggregated with scatter_reduce_
(include_self=False, so nodes without neighbours keep the buffer's value, then masked out), mean-aggregated with
scatter_reduce_('mean', include_self=True), degree counts by index_add_ of ones, masked_fill_ of isolated nodes'
sums (index_add_ saves nothing a fill could spoil), an in-place add_ / mul_ through a view of a cloned feature
matrix, index_copy_ and index_fill_ of selected rows, a residual through addcmul_, t_ / unsqueeze_ in place; the
graph nodes they leave (IndexAddBackward0, ScatterReduceBackward0, CopySlices, TBackward1, ...), version counters,
gradients of every piece, and a few Adam steps of the model. Float32; every random number comes from
torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MessagePassing(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.msg = nn.Linear(2 * dim, dim)
        self.upd = nn.Linear(3 * dim, dim)
        self.gate = nn.Parameter(torch.full((dim,), 0.5))

    def forward(self, x, src, dst, num_nodes):
        m = torch.tanh(self.msg(torch.cat([x[src], x[dst]], dim=1)))
        summed = torch.zeros(num_nodes, m.shape[1]).index_add_(0, dst, m)
        deg = torch.zeros(num_nodes).index_add_(0, dst, torch.ones(dst.shape[0]))
        maxed = torch.full((num_nodes, m.shape[1]), -1.0)
        maxed.scatter_reduce_(0, dst.unsqueeze(1).expand_as(m), m, reduce="amax", include_self=False)
        mean = torch.zeros(num_nodes, m.shape[1])
        mean.scatter_reduce_(0, dst.unsqueeze(1).expand_as(m), m, reduce="mean", include_self=True)
        isolated = (deg == 0).unsqueeze(1)
        summed.masked_fill_(isolated, 0.0)
        maxed = maxed.masked_fill(isolated, 0.0)
        h = torch.cat([summed / deg.clamp(min=1).unsqueeze(1), maxed, mean], dim=1)
        out = x.clone()
        out.add_(self.upd(h))
        out.addcmul_(self.gate, x, value=0.5)
        return out, (summed, deg, maxed, mean)


def main():
    torch.manual_seed(2604)
    num_nodes, dim = 6, 4
    src = torch.tensor([0, 1, 2, 3, 1, 0, 4])
    dst = torch.tensor([1, 2, 1, 0, 3, 3, 1])
    x = torch.randn(num_nodes, dim, requires_grad=True)
    layer = MessagePassing(dim)
    out, (summed, deg, maxed, mean) = layer(x, src, dst, num_nodes)
    print(deg, deg.dtype)
    print(summed.grad_fn.name(), maxed.grad_fn.name(), mean.grad_fn.name(), out.grad_fn.name())
    print(summed._version, maxed._version, mean._version, out._version)
    print(maxed)
    print(mean)
    out.pow(2).sum().backward()
    print(x.grad)
    print(layer.gate.grad, layer.msg.bias.grad)

    a = torch.randn(5, 3, requires_grad=True)
    b = a.clone()
    view = b[1:4]
    view.mul_(2).add_(1.0)
    print(b.grad_fn.name(), view.grad_fn.name(), b._version, view._version)
    rows = torch.tensor([0, 4])
    b.index_copy_(0, rows, torch.ones(2, 3) * 3)
    b.index_fill_(1, torch.tensor([2]), -1.0)
    print(b.grad_fn.name(), b._version)
    turned = a * 1
    turned.t_()
    turned.unsqueeze_(0)
    print(turned.shape, turned.grad_fn.name(), turned._version)
    (b.sum() + turned[0, 2].sum()).backward()
    print(a.grad)

    t = torch.zeros(3, 2, requires_grad=True)
    src_vals = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], requires_grad=True)
    idx = torch.tensor([[0, 1], [2, 0], [0, 0], [2, 1]])
    for reduce in ["sum", "prod", "mean", "amax", "amin"]:
        for include_self in [True, False]:
            base = t.clone() + 1.0
            r = base.scatter_reduce(0, idx, src_vals, reduce=reduce, include_self=include_self)
            g_t, g_s = torch.autograd.grad(r.mul(torch.arange(6.0).view(3, 2)).sum(), [t, src_vals])
            print(reduce, include_self, r.tolist(), g_t.tolist(), g_s.flatten().tolist())

    acc = torch.zeros(4, requires_grad=True)
    vals = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    res = acc.clone().index_add_(0, torch.tensor([3, 3, 0]), vals, alpha=-2)
    res.backward(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    print(res, acc.grad, vals.grad)

    y = torch.randn(num_nodes, 2)
    head = nn.Linear(dim, 2)
    params = list(layer.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.05)
    x_data = x.detach()
    for step in range(4):
        opt.zero_grad()
        out, _ = layer(x_data, src, dst, num_nodes)
        loss = F.mse_loss(head(out), y)
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.6f}", f"{layer.gate.grad.norm().item():.6f}")
    print(layer.gate)


if __name__ == "__main__":
    main()
