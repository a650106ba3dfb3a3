"""Views and copies as everyday PyTorch code meets them, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. view / reshape / transpose / permute / contiguous / expand / narrow
/ unfold / select / diagonal and which of them share memory with their base (checked through writes, not
addresses), in-place ops on views changing the base, clone breaking the link, `.data` versus `.detach()` with the
version counter, and the error autograd raises when a tensor saved for backward was modified in place. Float32.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(11)
    base = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
    v = base.view(4, 3)
    v[0, 0] = 10.0
    t = base.t()
    print(base[0, 0].item(), t.is_contiguous(), base.is_contiguous(), t.stride(), t.contiguous().stride())
    try:
        t.view(12)
    except RuntimeError:
        print("view of transposed: RuntimeError", t.reshape(12)[:4])
    r = t.reshape(12)
    r[1] = -5.0
    print(base[1, 0].item(), r[1].item())
    n = base.narrow(1, 1, 2)
    n.mul_(2)
    print(base, n.shape, n.stride(), n.storage_offset())
    e = torch.arange(3.0).view(3, 1).expand(3, 4)
    print(e.stride(), e.is_contiguous(), e.contiguous().stride(), e.sum(0))
    u = torch.arange(10.0).unfold(0, 4, 3)
    print(u, u.stride())
    s = base.select(0, 2)
    s.zero_()
    d = base.diagonal()
    d.add_(100)
    print(base)
    p = torch.arange(24.0).view(2, 3, 4).permute(2, 0, 1)
    print(p.shape, p.stride(), p.is_contiguous(), p.contiguous().view(4, 6)[1])
    c = base.clone()
    c[0] = 0
    print(base[0].sum().item(), c[0].sum().item())
    w = torch.ones(3, requires_grad=True)
    y = (w * 2).sum()
    w.data.mul_(3)
    print(w, w._version, y.item())
    det = w.detach()
    print(det.requires_grad, det._version)
    det.add_(1)
    print(w, w._version)
    a = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    h = a.clone()
    out = h.exp()
    h.add_(1.0)
    try:
        out.sum().backward()
    except RuntimeError as error:
        print("in-place on saved tensor:", "modified by an inplace operation" in str(error), h._version)
    a2 = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    h2 = a2 * 1.0
    out2 = h2 * 3.0
    h2.add_(1.0)
    out2.sum().backward()
    print(a2.grad, h2)
    x = torch.arange(6.0)
    xs = x[1::2]
    xs += 10
    print(x, xs.data_ptr() == x.data_ptr() + 4, x.view(2, 3).t().flatten())
    m = torch.zeros(2, 3)
    m.T[1] = 7.0
    m.unsqueeze(0)[0, :, 2] = 3.0
    print(m, m.view(-1).shape, m.flatten().shape, m.view(3, -1).shape)
    chunks = torch.arange(12.0).view(3, 4).chunk(2, dim=1)
    chunks[1][0, 0] = -1.0
    print(chunks[0].is_contiguous(), torch.arange(12.0).view(3, 4).split([1, 3], dim=1)[1].stride(), chunks[1])


if __name__ == "__main__":
    main()
