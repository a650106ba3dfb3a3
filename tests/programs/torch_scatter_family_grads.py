"""The scatter / index family in depth, float64, with gradients: a sparse-gradient accumulator through index_put_
(accumulate=True, repeated and negative indices, a tuple of index tensors, a broadcast value), segment statistics
through scatter_reduce with every reduce and include_self both ways, index_reduce on rows, index_add with alpha,
index_copy and index_fill, masked_scatter, the out-of-place diagonal_scatter / select_scatter / slice_scatter
with offsets, steps and negative dims, take_along_dim with and without dim, and put_ with accumulate.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(2202)
    torch.set_printoptions(precision=5)

    # index_put_ with accumulate: a bag-of-words count with repeated ids, and a 2-D accumulator
    counts = torch.zeros(6, dtype=torch.float64)
    ids = torch.tensor([1, 3, 1, -1, 3, 1, 0])
    counts.index_put_((ids,), torch.tensor(1.0, dtype=torch.float64), accumulate=True)
    print("bag counts", counts)
    grid = torch.zeros(3, 4, dtype=torch.float64)
    rows = torch.tensor([0, 2, 0, 2, 1])
    cols = torch.tensor([1, 3, 1, -1, 0])
    vals = torch.tensor(rng.normal(size=5), dtype=torch.float64, requires_grad=True)
    acc = grid.index_put((rows, cols), vals, accumulate=True)
    print("accumulated", acc)
    (acc * torch.arange(12, dtype=torch.float64).reshape(3, 4)).sum().backward()
    print("index_put grad", vals.grad)
    base = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float64, requires_grad=True)
    rowvals = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    out = base.index_put((torch.tensor([2, 0, 2]),), rowvals, accumulate=True)
    (out.pow(2)).sum().backward()
    print("row accumulate", out[2], base.grad[1], rowvals.grad)

    # scatter_reduce for per-segment statistics
    src = torch.tensor(rng.normal(size=9), dtype=torch.float64, requires_grad=True)
    seg = torch.tensor([0, 2, 0, 1, 2, 2, 0, 4, 1])
    init = torch.tensor([10.0, -1.0, 0.5, 2.0, 3.0], dtype=torch.float64)
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            r = init.scatter_reduce(0, seg, src, reduce=reduce, include_self=include_self)
            g, = torch.autograd.grad((r * torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=torch.float64)).sum(), src)
            print(reduce, include_self, r, g)
    ties = torch.tensor([1.0, 3.0, 3.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    tm = torch.zeros(2, dtype=torch.float64).scatter_reduce(0, torch.tensor([0, 0, 0, 1, 1]), ties, "amax",
                                                            include_self=False)
    tm.sum().backward()
    print("amax ties", tm, ties.grad)
    m2 = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64)
    idx2 = torch.tensor([[0, 1, 0, 1], [2, 2, 0, 0], [1, 0, 1, 2]])
    print("scatter_reduce dim1", torch.zeros(3, 3, dtype=torch.float64).scatter_reduce(1, idx2, m2, "mean",
                                                                                       include_self=False))
    print("scatter add_ reduce", torch.ones(3, 3, dtype=torch.float64).scatter_(1, idx2[:, :3], 2.0,
                                                                                 reduce="multiply"))

    # index_reduce over rows
    table = torch.tensor(rng.normal(size=(4, 2)), dtype=torch.float64)
    upd = torch.tensor(rng.normal(size=(5, 2)), dtype=torch.float64, requires_grad=True)
    where = torch.tensor([3, 0, 3, 1, 0])
    for reduce in ("prod", "mean", "amax", "amin"):
        r = table.index_reduce(0, where, upd, reduce, include_self=False)
        g, = torch.autograd.grad(r.sum(), upd)
        print("index_reduce", reduce, r.flatten(), g.flatten())
    print("index_reduce self", table.index_reduce(0, where, upd.detach(), "mean"))

    # index_add with alpha, index_copy, index_fill
    emb = torch.tensor(rng.normal(size=(5, 3)), dtype=torch.float64, requires_grad=True)
    delta = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float64, requires_grad=True)
    upd_ids = torch.tensor([4, 1, 4, 2])
    new = emb.index_add(0, upd_ids, delta, alpha=-0.5)
    new2 = new.index_copy(1, torch.tensor([2, 0]), torch.ones(5, 2, dtype=torch.float64) * emb[:, :1])
    new3 = new2.index_fill(0, torch.tensor([3]), -2.0)
    (new3 ** 2).sum().backward()
    print("index_add/copy/fill", new3)
    print("emb grad", emb.grad)
    print("delta grad", delta.grad)

    # masked_scatter, diagonal / select / slice scatter
    x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64, requires_grad=True)
    mask = x.detach() > 0
    source = torch.tensor(rng.normal(size=12), dtype=torch.float64, requires_grad=True)
    ms = x.masked_scatter(mask, source)
    (ms * torch.arange(12, dtype=torch.float64).reshape(3, 4)).sum().backward()
    print("masked_scatter", mask.sum().item(), ms)
    print("masked grads", x.grad, source.grad)
    a = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64, requires_grad=True)
    d = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    ds = torch.diagonal_scatter(a, d[:2], offset=2)
    ds2 = torch.diagonal_scatter(torch.diagonal_scatter(ds, d[1:] * 2, offset=-1), d, dim1=-2, dim2=-1)
    s = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    ss = torch.select_scatter(ds2, s, -1, -2)
    sl = torch.tensor(rng.normal(size=(3, 2)), dtype=torch.float64, requires_grad=True)
    out = torch.slice_scatter(ss, sl, dim=1, start=0, end=4, step=2)
    (out.exp()).sum().backward()
    print("scatters", out)
    print("scatter grads", a.grad, d.grad, s.grad, sl.grad, sep="\n")
    print("slice_scatter rows", torch.slice_scatter(torch.zeros(5, 2), torch.ones(2, 2), start=1, step=3))

    # take_along_dim and put_
    scores = torch.tensor(rng.normal(size=(3, 5)), dtype=torch.float64, requires_grad=True)
    order = scores.detach().argsort(dim=1, descending=True)
    top = torch.take_along_dim(scores, order[:, :2], dim=1)
    flat = torch.take_along_dim(scores, torch.tensor([14, 0, 7]))
    (top.sum() + 3 * flat.sum()).backward()
    print("take_along_dim", top, flat)
    print("take grad", scores.grad)
    print("argmax keepdim", torch.take_along_dim(scores.detach(), scores.detach().argmax(1, keepdim=True), 1).flatten())
    buf = torch.zeros(2, 3, dtype=torch.float64)
    buf.put_(torch.tensor([5, 0, 5, 2]), torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64), accumulate=True)
    print("put_ accumulate", buf)
    pv = torch.tensor(rng.normal(size=(2, 3)), dtype=torch.float64, requires_grad=True)
    pu = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    pp = pv.put(torch.tensor([-1, 1]), pu)
    (pp * pp).sum().backward()
    print("put", pp, pv.grad, pu.grad)


if __name__ == "__main__":
    main()
