"""Weighted statistics and scatter reductions in a metrics pipeline, float64: torch.cov with correction=0/1,
fweights (integer repeat counts) and aweights (observation weights) together, and its gradient; torch.corrcoef of
features (a constant row gives nan); per-group reductions with Tensor.scatter_reduce (sum, prod, mean, amax, amin;
include_self=True and False, gradients through mean and amax with ties) and Tensor.index_reduce (prod, mean, amax,
include_self False) on a 2-D source; masked_scatter filling padded positions in order; torch.take_along_dim with and
without dim (top-k gather of logits, argmax gather) and its gradient.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(404)
    torch.set_printoptions(precision=5)
    obs = torch.tensor(rng.normal(size=(3, 8)), dtype=torch.float64, requires_grad=True)
    print("cov", torch.cov(obs))
    print("cov correction=0", torch.cov(obs, correction=0)[0])
    fw = torch.tensor(rng.integers(1, 4, 8))
    aw = torch.tensor(rng.uniform(0.2, 1.0, 8), dtype=torch.float64)
    print("fweights", fw.tolist())
    print("cov fweights", torch.cov(obs, fweights=fw)[1])
    print("cov aweights", torch.cov(obs, aweights=aw)[2])
    c = torch.cov(obs, fweights=fw, aweights=aw)
    print("cov both", c)
    c.trace().backward()
    print("cov grad", obs.grad[:, :4])
    print("1-d cov", torch.cov(obs[0].detach()))
    print("Tensor.cov", obs.detach().cov(correction=2).diagonal())
    print("corrcoef", torch.corrcoef(obs.detach()))
    withconst = torch.cat([obs.detach()[:2], torch.ones(1, 8, dtype=torch.float64)])
    print("corrcoef constant row", torch.corrcoef(withconst)[2])

    groups = torch.tensor([0, 2, 1, 0, 2, 2, 1, 0, 3])
    vals = torch.tensor(rng.normal(size=9).round(2), dtype=torch.float64, requires_grad=True)
    base = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0], dtype=torch.float64)
    for reduce in ["sum", "prod", "mean", "amax", "amin"]:
        a = base.scatter_reduce(0, groups, vals, reduce=reduce)
        b = base.scatter_reduce(0, groups, vals, reduce=reduce, include_self=False)
        print(reduce, a, b)
    gm = torch.zeros(4, dtype=torch.float64).scatter_reduce(0, groups, vals, "mean", include_self=False)
    tied = torch.tensor([1.0, 3.0, 3.0, 2.0, 3.0, 0.5, 1.0, 1.0, 0.0], dtype=torch.float64, requires_grad=True)
    gmax = torch.zeros(4, dtype=torch.float64).scatter_reduce(0, groups, tied, "amax", include_self=False)
    (gm * torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)).sum().backward()
    gmax.sum().backward()
    print("mean grad", vals.grad)
    print("amax tie grad", tied.grad)

    src = torch.tensor(rng.uniform(0.5, 2.0, (5, 3)), dtype=torch.float64, requires_grad=True)
    idx = torch.tensor([0, 2, 0, 1, 2])
    start = torch.ones(3, 3, dtype=torch.float64)
    for reduce in ["prod", "mean", "amax", "amin"]:
        print("index_reduce", reduce, start.index_reduce(0, idx, src, reduce)[0],
              start.index_reduce(0, idx, src, reduce, include_self=False)[2])
    out = torch.full((3, 3), 2.0, dtype=torch.float64).index_reduce(0, idx, src, "prod", include_self=False)
    out.sum().backward()
    print("index_reduce prod grad", src.grad)
    cols = torch.zeros(2, 4, dtype=torch.float64).index_reduce_(1, torch.tensor([3, 3, 0]),
                                                              torch.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]],
                                                                           dtype=torch.float64), "amax")
    print("index_reduce_ dim1", cols)

    padded = torch.zeros(3, 5, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    source = torch.arange(1.0, 16.0, dtype=torch.float64).reshape(3, 5).requires_grad_()
    filled = padded.masked_scatter(mask, source)
    print("masked_scatter", filled)
    (filled * torch.arange(15.0, dtype=torch.float64).reshape(3, 5)).sum().backward()
    print("masked_scatter grad", source.grad)
    row_mask = torch.tensor([True, False, True, True, False])
    print("broadcast mask", torch.zeros(2, 5, dtype=torch.float64).masked_scatter(row_mask, source.detach()[:2]))

    logits = torch.tensor(rng.normal(size=(4, 6)), dtype=torch.float64, requires_grad=True)
    top_idx = logits.detach().argsort(dim=1, descending=True)[:, :2]
    top = torch.take_along_dim(logits, top_idx, dim=1)
    print("take_along_dim", top)
    print("flat", torch.take_along_dim(logits.detach(), torch.tensor([0, 5, 23])))
    best = torch.take_along_dim(logits, logits.detach().argmax(dim=1, keepdim=True), dim=1)
    print("argmax gather", best.squeeze(1))
    bcast = torch.take_along_dim(logits.detach(), torch.tensor([[1], [0], [5], [2]]), dim=1)
    print("broadcast index", bcast.T)
    (top.sum() + best.sum()).backward()
    print("take grad", logits.grad)
