"""Broadcasting and batched shape manipulation as model code writes it, written for PyTorch; tests run it as is and
with only its imports changed, and compare what both print. matmul across broadcast batch dims (vector @ batch,
batch @ matrix), bmm / baddbmm, einsum for pairwise distances and attention, broadcast_tensors / broadcast_to /
broadcast_shapes, expand versus repeat versus tile, repeat_interleave with per-item counts, meshgrid in ij and xy,
stack / cat / hstack / vstack / dstack, movedim and swapdims, flatten / unflatten, squeeze of chosen dims, and
cdist against the hand-written distance. Float32, NumPy data.
"""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(24)
    A = torch.from_numpy(rng.standard_normal((2, 3, 4, 5)).astype(np.float32))
    M = torch.from_numpy(rng.standard_normal((5, 2)).astype(np.float32))
    v = torch.from_numpy(rng.standard_normal(4).astype(np.float32))
    print((A @ M).shape, (v @ A).shape, torch.matmul(A, M)[1, 2], (v @ A)[0, 0])
    B = torch.from_numpy(rng.standard_normal((3, 5, 2)).astype(np.float32))
    print((A @ B).shape, torch.allclose((A @ B)[1], A[1] @ B), torch.matmul(A[0], B).sum(-1)[0])
    X = torch.from_numpy(rng.standard_normal((3, 4, 2)).astype(np.float32))
    Y = torch.from_numpy(rng.standard_normal((3, 2, 6)).astype(np.float32))
    bias = torch.ones(3, 4, 6)
    print(torch.bmm(X, Y)[2, 0], torch.baddbmm(bias, X, Y, beta=0.5, alpha=2.0)[2, 0])
    P = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32))
    Q = torch.from_numpy(rng.standard_normal((4, 3)).astype(np.float32))
    d2 = (P[:, None, :] - Q[None, :, :]).pow(2).sum(-1)
    d2e = (P * P).sum(1, keepdim=True) - 2 * torch.einsum("id,jd->ij", P, Q) + (Q * Q).sum(1)
    print(d2.sqrt(), torch.allclose(d2.sqrt(), torch.cdist(P, Q), atol=1e-5), torch.allclose(d2, d2e, atol=1e-5))
    q = torch.from_numpy(rng.standard_normal((2, 4, 3)).astype(np.float32))
    k = torch.from_numpy(rng.standard_normal((2, 5, 3)).astype(np.float32))
    att = torch.einsum("bqd,bkd->bqk", q, k).div(3 ** 0.5).softmax(-1)
    print(att[1], torch.einsum("bqk->b", att), torch.einsum("ii->i", torch.arange(9.0).view(3, 3)))
    a, b = torch.broadcast_tensors(torch.arange(3.0).view(3, 1), torch.arange(4.0))
    print(a.shape, b.stride(), torch.broadcast_shapes((2, 1, 4), (3, 1), (1,)), torch.broadcast_to(v, (2, 4)).stride())
    base = torch.tensor([[1, 2], [3, 4]])
    print(base.expand(2, 2, 2).shape, base.repeat(2, 3), base.tile((2,)), base.repeat_interleave(2, dim=0))
    print(torch.repeat_interleave(torch.tensor([10, 20, 30]), torch.tensor([2, 0, 3])), base.repeat_interleave(2))
    gi, gj = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
    gx, gy = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy")
    print(gi, gj.shape, gx, gy.shape)
    r1, r2 = torch.arange(3.0), torch.arange(3.0, 6.0)
    print(torch.stack([r1, r2]), torch.stack([r1, r2], dim=1).shape, torch.cat([r1, r2]), torch.hstack([r1, r2]).shape,
          torch.vstack([r1, r2]).shape, torch.dstack([r1, r2]).shape, torch.column_stack([r1, r2]).shape)
    print(A.movedim(1, -1).shape, A.movedim((0, 1), (2, 3)).shape, A.swapdims(0, 3).shape, A.flatten(1, 2).shape,
          A.flatten(1, 2).unflatten(1, (3, 4)).equal(A), A[:, :1].squeeze(1).shape, A[:1, :, :1].squeeze((0, 2)).shape)
    w = torch.from_numpy(rng.standard_normal((6, 5)).astype(np.float32))
    out = F.linear(A, w)
    print(out.shape, out[1, 2, 3], torch.addmm(torch.zeros(4, 6), A[0, 0], w.t())[3], torch.outer(v, v[:2]))
    y = torch.from_numpy(rng.standard_normal((2, 1, 4, 1)).astype(np.float32))
    print((A[..., :1] * y).shape, (A - A.mean(dim=(2, 3), keepdim=True)).mean(), (A * y).sum((0, 1)), torch.tensordot(A, M, dims=([3], [0])).shape)


if __name__ == "__main__":
    main()
