"""In-place tensor manipulation as data-prep and masking code writes it, written for PyTorch; tests run it as is
and with only its imports changed, and compare what both print (numbers, shapes, dtypes, tensor reprs).

index_put_ (accumulating), scatter_, scatter_add_, masked_scatter_, masked_fill_, clamp_, fill_diagonal_, tril_,
index_add_, in-place comparisons and shape changes (eq_, logical_not_, t_, unsqueeze_), unfold and strides.
Deterministic: NumPy-generated data.
"""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(9)
    x = torch.from_numpy(rng.standard_normal((4, 5)).astype(np.float32))
    rows, cols = torch.tensor([0, 1, 3, 3]), torch.tensor([1, 4, 0, 0])
    y = x.clone()
    y.index_put_((rows, cols), torch.tensor([10.0, 20.0, 30.0, 40.0]))
    print(y)
    z = x.clone()
    z.index_put_((rows, cols), torch.tensor(1.0), accumulate=True)
    print(z[3, 0].item() - x[3, 0].item(), torch.index_put(x, (rows,), torch.zeros(5)).sum().item())
    onehot = torch.zeros(4, 6).scatter_(1, torch.tensor([[2], [0], [5], [2]]), 1.0)
    print(onehot, onehot.dtype)
    counts = torch.zeros(3, dtype=torch.long)
    counts.scatter_add_(0, torch.tensor([0, 2, 2, 1, 2]), torch.ones(5, dtype=torch.long))
    print(counts, counts.tolist())
    mask = x > 0
    src = torch.arange(20, dtype=torch.float32)
    m = x.clone().masked_scatter_(mask, src)
    print(m)
    print(x.masked_scatter(~mask, -src).ge(0).sum().item(), mask.sum().item())
    c = x.clone().clamp_(min=-0.5, max=0.5)
    print(c.abs().max().item(), x.clone().clamp_(max=0).max().item(), x.clone().clamp_min_(0).min().item())
    sim = x @ x.t()
    sim.fill_diagonal_(0.0)
    print(sim.diagonal().tolist(), torch.ones(3, 3).tril_(-1), torch.ones(2, 3).triu_())
    acc = torch.zeros(3, 5).index_add_(0, torch.tensor([0, 2, 0, 1]), x, alpha=0.5)
    print(acc.sum(1))
    w = torch.zeros(2, 3, requires_grad=True)
    with torch.no_grad():
        w.masked_fill_(torch.tensor([[True, False, True], [False, False, True]]), 2.5)
        w[0, 1] = -1.0
        w.add_(1).mul_(2).div_(4).sub_(0.25)
    print(w, w.requires_grad, w.is_leaf, w.grad)
    t = torch.arange(6).view(2, 3)
    t.eq_(torch.tensor([0, 5, 2]))
    print(t, t.dtype)
    b = torch.tensor([True, False, True])
    b.logical_not_()
    print(b, torch.tensor([1.0, 2.0, 3.0]).lt_(2.5), torch.tensor([[1, 2], [3, 4]]).t_())
    u = torch.zeros(2, 3)
    u.unsqueeze_(0)
    print(u.shape, u.squeeze_().shape, torch.zeros(2, 3).transpose_(0, 1).shape)
    emb = torch.zeros(5, 3)
    emb[torch.tensor([1, 3])] += torch.ones(2, 3)
    emb[emb.sum(1) > 0, 0] = 7.0
    print(emb, emb.nonzero().shape, emb.nonzero(as_tuple=True)[1].tolist())
    cum = torch.tensor([1.0, 2.0, 3.0]).cumsum_(0)
    print(cum, torch.tensor([0.5, 2.0]).log2_(), x[0].clone().copy_(torch.tensor(3)))
    print(x.unfold(1, 2, 2).shape, torch.arange(8.).unfold(0, 3, 1)[1:3])
    print(x.stride(), x.t().stride(), x.is_cuda, x.is_cpu)


if __name__ == "__main__":
    main()
