"""Multi-head attention written with torch.einsum and fused BLAS-style ops as optimised research code writes it:
einsum with ellipsis, repeated and implicit output subscripts, and a list-of-operands form; torch.baddbmm with
beta=0 / alpha=scale for scores plus a bias, torch.addmm / addmv / addbmm / addr with beta and alpha, an ALiBi
style positional bias, a causal mask via masked_fill, and a training loop checking gradients against the
plain matmul version. Float64; weights and data from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn


class EinsumAttention(nn.Module):
    def __init__(self, rng, dim=8, heads=2):
        super().__init__()
        self.h, self.d = heads, dim // heads
        self.w_qkv = nn.Parameter(torch.tensor(rng.standard_normal((3, heads, dim, dim // heads)) * 0.3))
        self.w_o = nn.Parameter(torch.tensor(rng.standard_normal((heads, dim // heads, dim)) * 0.3))
        self.b_o = nn.Parameter(torch.zeros(dim, dtype=torch.float64))
        slopes = torch.tensor([0.5, 0.25], dtype=torch.float64)
        self.register_buffer("slopes", slopes)

    def forward(self, x, fused=True):
        B, T, _ = x.shape
        q, k, v = torch.einsum("btc,shcd->sbhtd", x, self.w_qkv)
        q, k, v = (t.reshape(B * self.h, T, self.d) for t in (q, k, v))
        pos = torch.arange(T, dtype=x.dtype)
        bias = -(self.slopes[:, None, None] * (pos[:, None] - pos[None, :]).abs()).repeat(B, 1, 1)
        if fused:
            scores = torch.baddbmm(bias, q, k.transpose(1, 2), beta=1.0, alpha=self.d ** -0.5)
        else:
            scores = bias + q @ k.transpose(1, 2) * self.d ** -0.5
        causal = torch.ones(T, T, dtype=torch.bool).triu(1)
        att = scores.masked_fill(causal, float("-inf")).softmax(-1)
        out = torch.bmm(att, v).reshape(B, self.h, T, self.d)
        return torch.einsum("bhtd,hdc->btc", out, self.w_o) + self.b_o, att


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(31)
    a = torch.tensor(rng.standard_normal((3, 4)))
    b = torch.tensor(rng.standard_normal((4, 5)))
    sq = torch.tensor(rng.standard_normal((4, 4)))
    print("trace:", round(torch.einsum("ii", sq).item(), 10), "diag:", r(torch.einsum("ii->i", sq), 8))
    print("implicit:", tuple(torch.einsum("ij,jk", a, b).shape), "outer:", tuple(torch.einsum("i,j->ij", a[0], b[0]).shape))
    print("ellipsis:", tuple(torch.einsum("...ij,...jk->...ik", a[None].expand(2, 3, 4), b).shape))
    print("operand list:", round(torch.einsum(a, [0, 1], b, [1, 2], [0, 2]).sum().item(), 10))
    print("bilinear:", r(torch.einsum("bi,oij,bj->bo", a[:, :2], torch.ones(2, 2, 3, dtype=torch.float64), a[:, 1:]), 8))
    M = torch.tensor(rng.standard_normal((3, 5)))
    print("addmm:", r(torch.addmm(M, a, b, beta=0.5, alpha=2.0)[0], 8))
    print("addmm beta0 ignores nan:", torch.addmm(torch.full((3, 5), float("nan"), dtype=torch.float64), a, b, beta=0).isnan().any().item())
    print("addmv:", r(torch.addmv(a[:, 0], a, b[:, 0], beta=-1, alpha=3), 8))
    print("addr:", r(torch.addr(sq, a[0], b[:, 1], alpha=0.5)[0], 8))
    batch1 = torch.tensor(rng.standard_normal((2, 3, 4)))
    batch2 = torch.tensor(rng.standard_normal((2, 4, 5)))
    print("addbmm:", r(torch.addbmm(M, batch1, batch2, beta=2, alpha=0.1)[1], 8))
    print("baddbmm beta0:", r(torch.baddbmm(torch.zeros(2, 3, 5, dtype=torch.float64), batch1, batch2, beta=0, alpha=-1)[1, 0], 8))
    model = EinsumAttention(rng)
    x = torch.tensor(rng.standard_normal((2, 5, 8)))
    y1, att = model(x)
    y2, _ = model(x, fused=False)
    print("attention:", tuple(att.shape), "rows sum:", r(att.sum(-1)[0], 8), "fused==plain:", bool(torch.allclose(y1, y2)))
    print("att row 2:", r(att[0, 2], 8))
    g1 = torch.autograd.grad(y1.pow(2).sum(), model.w_qkv)[0]
    g2 = torch.autograd.grad(y2.pow(2).sum(), model.w_qkv)[0]
    print("grad agree:", bool(torch.allclose(g1, g2)), "grad norm:", round(g1.norm().item(), 10))
    target = torch.tensor(rng.standard_normal((2, 5, 8)))
    opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.01)
    for step in range(6):
        opt.zero_grad()
        loss = (model(x)[0] - target).pow(2).mean()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.10f}")
    lhs = torch.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    rhs = torch.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    torch.einsum("ij,jj->i", lhs, rhs).sum().backward()
    print("repeated-index grads:", r(lhs.grad, 8), r(rhs.grad.diagonal(), 8))
