"""Sparse attention with sparsemax and 1.5-entmax written for PyTorch the way TabNet / entmax code writes it; tests
run it as is and with only its imports changed, and compare what both print. Sparsemax as a custom
torch.autograd.Function (sort descending, cumsum, the support size from a comparison with an arange, gather of the
threshold, and the closed-form backward through the support), entmax-1.5 by its exact sort-based algorithm as
another Function, both checked with torch.autograd.gradcheck, a TabNet-style attentive feature transformer with
ghost-batch BatchNorm (chunk), prior scales and a sparsity regulariser, and a sparse attention layer over a short
sequence compared with softmax attention. Data from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Sparsemax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, dim=-1):
        z = z.transpose(dim, -1)
        zs, _ = torch.sort(z, dim=-1, descending=True)
        k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype)
        cs = zs.cumsum(-1)
        support = (1 + k * zs) > cs
        kz = support.sum(-1, keepdim=True)
        tau = (cs.gather(-1, kz - 1) - 1) / kz.to(z.dtype)
        p = torch.clamp(z - tau, min=0).transpose(dim, -1)
        ctx.save_for_backward(p)
        ctx.dim = dim
        return p

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        nz = (p > 0).to(g.dtype)
        v = (g * nz).sum(ctx.dim, keepdim=True) / nz.sum(ctx.dim, keepdim=True)
        return nz * (g - v), None


class Entmax15(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, dim=-1):
        z = z.transpose(dim, -1) / 2
        z = z - z.max(-1, keepdim=True).values
        zs, _ = torch.sort(z, dim=-1, descending=True)
        n = z.shape[-1]
        rho = torch.arange(1, n + 1, dtype=z.dtype)
        mean = zs.cumsum(-1) / rho
        mean_sq = (zs ** 2).cumsum(-1) / rho
        ss = rho * (mean_sq - mean ** 2)
        delta = (1 - ss) / rho
        tau = mean - torch.sqrt(torch.clamp(delta, min=0))
        support = (tau <= zs).sum(-1, keepdim=True)
        tau_star = tau.gather(-1, support - 1)
        p = (torch.clamp(z - tau_star, min=0) ** 2).transpose(dim, -1)
        ctx.save_for_backward(p)
        ctx.dim = dim
        return p

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        s = p.sqrt()
        q = g * s
        q = q - s * (q.sum(ctx.dim, keepdim=True) / s.sum(ctx.dim, keepdim=True))
        return q, None


class GhostBN(nn.Module):
    def __init__(self, dim, virtual=4):
        super().__init__()
        self.bn = nn.BatchNorm1d(dim, momentum=0.1)
        self.virtual = virtual

    def forward(self, x):
        chunks = x.chunk(max(1, x.shape[0] // self.virtual), 0)
        return torch.cat([self.bn(c) for c in chunks], 0)


class AttentiveStep(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.fc = nn.Linear(hidden, features, bias=False)
        self.bn = GhostBN(features)
        self.feat = nn.Sequential(nn.Linear(features, 2 * hidden), GhostBN(2 * hidden))

    def forward(self, x, a, prior, kind):
        logits = self.bn(self.fc(a)) * prior
        mask = Sparsemax.apply(logits, -1) if kind == "sparsemax" else Entmax15.apply(logits, -1)
        h = F.glu(self.feat(x * mask), dim=-1)
        return h, mask


class TabNetLite(nn.Module):
    def __init__(self, features=6, hidden=4, steps=3, kind="sparsemax"):
        super().__init__()
        self.first = nn.Linear(features, hidden)
        self.steps = nn.ModuleList([AttentiveStep(features, hidden) for _ in range(steps)])
        self.head = nn.Linear(hidden, 2)
        self.kind = kind

    def forward(self, x):
        prior = torch.ones_like(x)
        a = self.first(x)
        out, reg = 0, 0
        for step in self.steps:
            h, mask = step(x, a, prior, self.kind)
            prior = prior * (1.5 - mask)
            reg = reg + (-mask * torch.log(mask + 1e-10)).sum(1).mean()
            out = out + F.relu(h)
            a = h
        return self.head(out), reg / len(self.steps), mask


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(61)
    z = torch.from_numpy(rng.standard_normal((3, 5)) * 0.5).requires_grad_(True)
    p = Sparsemax.apply(z, -1)
    print("sparsemax rows sum:", [round(v, 10) for v in p.sum(-1).tolist()], "zeros:", int((p == 0).sum()))
    print("sparsemax row 0:", [round(v, 8) for v in p[0].tolist()])
    e = Entmax15.apply(z, -1)
    print("entmax row 0:", [round(v, 8) for v in e[0].tolist()], "sum:", round(e[0].sum().item(), 10))
    print("gradcheck sparsemax:", torch.autograd.gradcheck(lambda t: Sparsemax.apply(t, -1), (z,)),
          "entmax:", torch.autograd.gradcheck(lambda t: Entmax15.apply(t, 1), (z,)))
    (p * torch.arange(5.0)).sum().backward()
    print("sparsemax grad row 0:", [round(v, 8) for v in z.grad[0].tolist()])
    zc = z.detach().t().contiguous().requires_grad_(True)
    print("dim 0 equals dim -1 on the transpose:", torch.allclose(Sparsemax.apply(zc, 0).t(), p))

    x = torch.from_numpy(rng.standard_normal((16, 6)))
    y = torch.from_numpy((x[:, 0].numpy() * x[:, 2].numpy() > 0).astype(np.int64))
    for kind in ("sparsemax", "entmax"):
        model = TabNetLite(kind=kind)
        with torch.no_grad():
            for q in model.parameters():
                q.copy_(torch.from_numpy(rng.normal(0, 0.5, tuple(q.shape))))
        opt = torch.optim.Adam(model.parameters(), lr=2e-2)
        for step in range(4):
            logits, reg, mask = model(x)
            loss = F.cross_entropy(logits, y) + 1e-3 * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"{kind} step {step}: loss {loss.item():.8f} sparsity {reg.item():.8f}"
                  f" mask zeros {int((mask == 0).sum())}")

    q = torch.from_numpy(rng.standard_normal((2, 5, 4)))
    k = torch.from_numpy(rng.standard_normal((2, 5, 4)))
    scores = q @ k.transpose(1, 2) / 2.0
    soft, sparse = F.softmax(scores, -1), Sparsemax.apply(scores, -1)
    print("attention entropy soft vs sparse:", round(-(soft * soft.log()).sum(-1).mean().item(), 8),
          round(-(sparse * torch.log(sparse + 1e-12)).sum(-1).mean().item(), 8))
