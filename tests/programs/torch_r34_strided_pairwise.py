"""Stride-level tensor work in a pairwise-interaction model (float64): stride() and is_contiguous of views,
as_strided windows (overlapping, with a storage offset) and their gradients, Tensor.unfold for sliding windows
over a sequence (size and step, two dims), einsum with an ellipsis (batch dims, broadcasting, a trace),
kron and block_diag building structured weights, cartesian_prod and combinations (with and without
replacement) indexing pairs, tril_indices / triu_indices with offsets gathering a pair matrix."""
import torch
import torch.nn as nn


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


class PairModel(nn.Module):
    def __init__(self, n_items, dim):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(n_items, dim, dtype=torch.float64) * 0.5)
        self.core = nn.Parameter(torch.randn(2, 2, dtype=torch.float64) * 0.3)
        self.mix = nn.Parameter(torch.eye(2, dtype=torch.float64))
        rows, cols = torch.tril_indices(n_items, n_items, offset=-1)
        self.register_buffer("rows", rows)
        self.register_buffer("cols", cols)

    def forward(self, x):
        w = torch.kron(self.core, self.mix)
        big = torch.block_diag(w, torch.eye(self.emb.shape[1] - 4, dtype=torch.float64))
        e = torch.einsum("...i,ij->...j", self.emb, big)
        pair = torch.einsum("b...d,...d->b...", x.unsqueeze(1) * e[self.rows], e[self.cols])
        return pair.sum(-1)


def main():
    torch.manual_seed(5)
    d = torch.float64
    base = torch.arange(24, dtype=d).reshape(4, 6)
    print("strides", base.stride(), base.t().stride(), base[:, ::2].stride(), base.t().is_contiguous(), base[1:].storage_offset())
    print("expand strides", base[:1].expand(3, 6).stride(), base.unsqueeze(1).stride(), base.permute(1, 0).contiguous().stride())
    src = torch.arange(12, dtype=d, requires_grad=True)
    win = src.as_strided((4, 3), (2, 1), 1)
    (g,) = torch.autograd.grad((win * torch.arange(12, dtype=d).reshape(4, 3)).sum(), src)
    print("as_strided", win.grad_fn.name(), r(win), r(g), win.stride())
    win2 = torch.as_strided(src, (3, 2, 2), (3, 1, 4))
    (g2,) = torch.autograd.grad(win2.pow(2).sum(), src)
    print("as_strided 3d", r(win2[1]), r(g2))
    seq = torch.randn(2, 10, dtype=d, requires_grad=True)
    frames = seq.unfold(1, 4, 3)
    (gs,) = torch.autograd.grad(frames.sum() + frames[:, :, 0].pow(2).sum(), seq)
    print("unfold", tuple(frames.shape), frames.stride(), frames.grad_fn.name(), r(gs[0]))
    img = torch.arange(30, dtype=d).reshape(5, 6)
    patches = img.unfold(0, 2, 2).unfold(1, 3, 2)
    print("unfold 2d", tuple(patches.shape), patches.stride(), r(patches[1, 1]))
    a = torch.randn(2, 3, 4, 4, dtype=d, requires_grad=True)
    b = torch.randn(4, 5, dtype=d, requires_grad=True)
    out = torch.einsum("...ij,jk->...ik", a, b)
    tr = torch.einsum("...ii->...", a)
    diag = torch.einsum("...ii->...i", a)
    ga, gb = torch.autograd.grad(out.sum() + tr.pow(2).sum() + diag[..., 0].sum(), (a, b))
    print("einsum ellipsis", tuple(out.shape), r(tr[0]), r(diag[1, 2]), r(ga[0, 0, 0]), r(gb[0]))
    bil = torch.einsum("b...i,ij,b...j->b...", torch.randn(2, 3, 4, dtype=d), b[:, :4], torch.randn(1, 3, 4, dtype=d))
    print("einsum bilinear broadcast", tuple(bil.shape), r(bil))
    print("einsum implicit", tuple(torch.einsum("...ab,...bc", a, a).shape), r(torch.einsum("...ab,...bc", a, a)[0, 0, 0]))
    k = torch.kron(torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=d), torch.tensor([[0.0, 1.0], [1.0, 0.5]], dtype=d))
    print("kron", r(k), tuple(torch.kron(torch.ones(2, 1, 3, dtype=d), torch.ones(3, 2, dtype=d)).shape))
    print("block_diag", r(torch.block_diag(torch.tensor([1.0, 2.0], dtype=d), torch.tensor([[3.0], [4.0]], dtype=d), torch.tensor(5.0, dtype=d))))
    cp = torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))
    print("cartesian", cp.tolist(), torch.cartesian_prod(torch.tensor([7, 8])).tolist())
    print("combinations", torch.combinations(torch.tensor([1, 2, 3, 4]), r=2).tolist())
    print("combinations repl", torch.combinations(torch.tensor([1.5, 2.5, 3.5]), r=2, with_replacement=True).tolist(), tuple(torch.combinations(torch.arange(5), r=3).shape))
    print("tril/triu", torch.tril_indices(3, 4, 1).tolist(), torch.triu_indices(4, 3, -1).tolist(), tuple(torch.triu_indices(5, 5, 2).shape))

    model = PairModel(5, 6)
    pairs = torch.combinations(torch.arange(5), r=2)
    x = torch.randn(8, 6, dtype=d)
    y = torch.randn(8, dtype=d)
    print("pairs", pairs.shape, model.rows.tolist())
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(6):
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("fit", step, f"{loss.item():.10f}", r(model.core.grad), r(model.mix.grad[0]))


main()
