"""Tensor geometry in float32, the way signal and patch code writes it: sliding windows with Tensor.unfold on one
and two dims (a moving average, a 1-D "convolution" by windows times kernel, 2-D patches), overlapping views
through as_strided with a storage offset and their summed-up gradients, narrow with a tensor start,
movedim / moveaxis / swapdims with negative and tuple dims, tensor_split by count and by an index list, hsplit /
vsplit / dsplit, unflatten with -1, chunk of an uneven length, atleast_1d/2d/3d on several tensors, tile,
row_stack / column_stack / dstack, diagflat with offsets and msort.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(2203)
    torch.set_printoptions(precision=4)

    sig = torch.tensor(rng.normal(size=12).cumsum(), dtype=torch.float32, requires_grad=True)
    win = sig.unfold(0, 4, 2)
    print("windows", win.shape, win.stride(), win.is_contiguous())
    avg = win.mean(dim=-1)
    print("moving average", avg)
    kernel = torch.tensor([0.25, 0.5, -0.5, 1.0])
    conv = win @ kernel
    (conv.square().sum() + avg.sum()).backward()
    print("window conv", conv)
    print("signal grad (overlaps add up)", sig.grad)
    img = torch.tensor(rng.normal(size=(2, 6, 5)), dtype=torch.float32, requires_grad=True)
    patches = img.unfold(1, 3, 3).unfold(2, 2, 2)
    print("patches", patches.shape, patches.stride())
    pmax = patches.amax(dim=(-1, -2))
    pmax.sum().backward()
    print("patch max", pmax[0])
    print("img grad count", img.grad.sum().item(), img.grad[0, :, 4])
    print("unfold step > size", torch.arange(10.0).unfold(0, 2, 3))

    base = torch.tensor(rng.normal(size=10), dtype=torch.float32, requires_grad=True)
    hankel = base.as_strided((4, 3), (1, 1), 2)
    print("hankel", hankel)
    toe = torch.as_strided(base, (3, 3), (1, 2), storage_offset=1)
    (hankel.sum() * 2 + (toe ** 2).sum()).backward()
    print("strided grad", base.grad)
    m = torch.arange(24.0).reshape(4, 6)
    print("as_strided of a view", m[1:].as_strided((2, 2), (6, 1), 8))
    start = torch.tensor(2)
    print("narrow", m.narrow(1, start, 3), m.narrow(-2, -2, 2).shape)
    nm = torch.tensor(rng.normal(size=(3, 5)), dtype=torch.float32, requires_grad=True)
    nm.narrow(1, 1, 3).narrow(0, 0, 2).exp().sum().backward()
    print("narrow grad", nm.grad)

    vid = torch.tensor(rng.normal(size=(2, 3, 4, 5)), dtype=torch.float32, requires_grad=True)
    a = vid.movedim(1, -1)
    b = torch.moveaxis(vid, (0, -1), (-1, 0))
    c = vid.swapdims(-1, -3)
    print("movedim", a.shape, a.stride(), b.shape, c.shape, c.is_contiguous())
    (a[..., 0].sum() + 2 * b[1].sum() + 3 * c[0, 0].sum()).backward()
    print("moved grad", vid.grad[0, :, 0])
    print("movedim tuple", torch.movedim(torch.zeros(1, 2, 3, 4), (-1, -2), (0, 1)).shape)
    print("swapaxes", torch.swapaxes(m, 0, 1).shape, m.transpose(-1, -2).stride())

    seq = torch.arange(10.0)
    print("tensor_split 3", [p.tolist() for p in torch.tensor_split(seq, 3)])
    print("tensor_split idx", [p.tolist() for p in seq.tensor_split([2, 5, 5, 12])])
    print("tensor_split tensor", [p.shape[0] for p in torch.tensor_split(seq, torch.tensor([1, 7]))])
    mat = torch.tensor(rng.normal(size=(4, 6)), dtype=torch.float32, requires_grad=True)
    cols = torch.tensor_split(mat, (1, 4), dim=-1)
    print("col pieces", [tuple(p.shape) for p in cols])
    (cols[0].sum() * 1 + cols[1].sum() * 2 + cols[2].sum() * 3).backward()
    print("split grad", mat.grad[0])
    print("hsplit", [tuple(p.shape) for p in torch.hsplit(m, 3)], [tuple(p.shape) for p in torch.hsplit(seq, [3, 8])])
    print("vsplit", [p.shape[0] for p in torch.vsplit(m, [1, 3])])
    cube = torch.arange(48.0).reshape(2, 3, 8)
    print("dsplit", [tuple(p.shape) for p in torch.dsplit(cube, 4)], torch.dsplit(cube, [5])[1][0, 0])
    print("unflatten", m.unflatten(1, (2, -1)).shape, m.flatten().unflatten(0, (-1, 4, 2)).shape)
    print("chunk uneven", [p.shape[0] for p in torch.arange(11).chunk(4)], len(torch.arange(5).chunk(4)))

    s0, s1, s2 = torch.tensor(3.0), torch.tensor([1.0, 2.0]), torch.ones(2, 2)
    print("atleast_1d", [tuple(t.shape) for t in torch.atleast_1d(s0, s1)])
    print("atleast_2d", [tuple(t.shape) for t in torch.atleast_2d((s0, s1, s2))])
    print("atleast_3d", [tuple(t.shape) for t in torch.atleast_3d(s0, s1, s2)], torch.atleast_3d(s1).stride())
    print("tile", torch.tile(s1, (2, 2)), torch.tile(s2, (2,)).shape, s1.tile(3).shape)
    print("row_stack", torch.row_stack((s1, s1 * 2)), torch.vstack([s1, s2]).shape)
    print("column_stack", torch.column_stack((s1, s2, s1 * 3)))
    print("dstack", torch.dstack((s2, s2 * 2)).shape, torch.hstack((s0.reshape(1), s1)))
    w = torch.tensor(rng.normal(size=3), dtype=torch.float32, requires_grad=True)
    df = torch.diagflat(w, 1) + torch.diagflat(w[:2].reshape(1, 2), -2)
    print("diagflat", df)
    df.pow(2).sum().backward()
    print("diagflat grad", w.grad)
    print("msort", torch.msort(torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float32)))


if __name__ == "__main__":
    main()
