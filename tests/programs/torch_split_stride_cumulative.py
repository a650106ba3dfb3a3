"""Splitting, strided windows and running reductions as sequence and signal code writes them, written for PyTorch;
tests run it as is and with only its imports changed, and compare what both print, values and gradients.
tensor_split by a section count (uneven), by index lists and by an index tensor, hsplit / vsplit / dsplit,
unravel_index of flat argmax positions, unflatten and movedim / swapdims round trips; sliding windows by as_strided
(with a storage offset) and by Tensor.unfold with overlapping windows, whose gradients add up where windows overlap;
cumprod through zeros (one zero and two zeros in a row, where the division trick fails) and its gradient,
cummax / cummin with ties (which index wins) and their gradients, logcumsumexp with -inf entries and its gradient,
and a reversed cumulative sum by flip. Float64, data from NumPy.
"""
import numpy as np
import torch


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(8)
    x = torch.arange(10.0)
    print("sections:", [t.tolist() for t in torch.tensor_split(x, 3)])
    print("indices:", [t.tolist() for t in x.tensor_split([2, 5, 5, 12])])
    print("index tensor:", [t.shape[0] for t in torch.tensor_split(x, torch.tensor([1, 7]))])
    m = torch.from_numpy(rng.standard_normal((4, 6)))
    print("dim 1 sections:", [tuple(t.shape) for t in torch.tensor_split(m, 4, dim=1)])
    print("hsplit / vsplit:", [tuple(t.shape) for t in torch.hsplit(m, [1, 4])],
          [tuple(t.shape) for t in torch.vsplit(m, 2)])
    cube = torch.arange(24.0).reshape(2, 3, 4)
    print("dsplit:", [t.sum().item() for t in torch.dsplit(cube, [1, 3])])

    scores = torch.from_numpy(rng.standard_normal((3, 4, 5)))
    flat = scores.flatten(1).argmax(1)
    rows, cols = torch.unravel_index(flat, (4, 5))
    print("unravel:", flat.tolist(), rows.tolist(), cols.tolist(),
          torch.equal(scores[torch.arange(3), rows, cols], scores.flatten(1).max(1).values))
    u = scores.unflatten(2, (5, 1))
    print("unflatten / movedim:", tuple(u.shape), tuple(scores.movedim((0, 1), (2, 0)).shape),
          torch.equal(scores.movedim(2, 0).movedim(0, 2), scores), tuple(scores.swapdims(0, 2).shape))

    signal = torch.from_numpy(rng.standard_normal(12)).requires_grad_()
    win_s = torch.as_strided(signal, size=(4, 4), stride=(2, 1), storage_offset=1)
    win_u = signal.unfold(0, 4, 2)
    print("as_strided windows:", tuple(win_s.shape), torch.equal(win_s, signal[1:].unfold(0, 4, 2)[:4]))
    weights = torch.from_numpy(rng.standard_normal(4))
    (win_s @ weights).pow(2).sum().backward()
    print("as_strided grad:", [round(v, 6) for v in signal.grad.tolist()])
    signal.grad = None
    (win_u @ weights).pow(2).sum().backward()
    print("unfold grad:", [round(v, 6) for v in signal.grad.tolist()])
    print("overlap counts:", torch.ones(12).unfold(0, 4, 2).shape[0], signal.unfold(0, 5, 3).shape)

    for vals in ([2.0, 0.5, 3.0, 1.5], [2.0, 0.0, 3.0, 1.5], [2.0, 0.0, 0.0, 1.5], [0.0, 4.0, 2.0, 0.5]):
        v = torch.tensor(vals, requires_grad=True)
        c = torch.cumprod(v, 0)
        (c * torch.tensor([1.0, -2.0, 0.5, 3.0])).sum().backward()
        print("cumprod", vals, c.tolist(), "grad", [round(g, 6) for g in v.grad.tolist()])

    t = torch.tensor([[1.0, 3.0, 3.0, 2.0, 5.0, 5.0], [4.0, 1.0, 1.0, 6.0, 0.0, 0.0]], requires_grad=True)
    cmax = torch.cummax(t, dim=1)
    cmin = t.cummin(1)
    print("cummax:", cmax.values.tolist(), cmax.indices.tolist())
    print("cummin:", cmin.values.tolist(), cmin.indices.tolist())
    (cmax.values.sum() + 2 * cmin.values.sum()).backward()
    print("cummax+cummin grad:", t.grad.tolist())

    z = torch.tensor([float("-inf"), 0.5, float("-inf"), 2.0, -1.0], requires_grad=True)
    lc = torch.logcumsumexp(z, 0)
    print("logcumsumexp:", [round(v, 6) if v != float("-inf") else v for v in lc.tolist()])
    (lc[1:] * torch.tensor([1.0, 2.0, -1.0, 0.5])).sum().backward()
    print("logcumsumexp grad:", [round(g, 6) for g in z.grad.tolist()])
    r = torch.from_numpy(rng.standard_normal((2, 5)))
    rev = r.flip(-1).cumsum(-1).flip(-1)
    print("reverse cumsum:", torch.allclose(rev[:, 0], r.sum(-1)), [round(v, 6) for v in rev[0].tolist()])
    b = torch.from_numpy(rng.standard_normal((3, 4))).requires_grad_()
    torch.logcumsumexp(b, dim=0)[-1].sum().backward()
    print("logcumsumexp last == softmax over dim 0:", torch.allclose(b.grad, torch.softmax(b, 0)))
