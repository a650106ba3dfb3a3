"""Advanced indexing and assignment as data code writes it, written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. Index tensors that broadcast against each other, mixed slices
and index tensors (the advanced dimensions moving to the front), boolean masks read and assigned, index_put_ with
accumulate and repeated indices, negative steps through flip, Ellipsis with None, setitem with broadcasting values
and chained in-place updates through index expressions. Float32, NumPy-generated data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(10)
    x = torch.from_numpy(rng.standard_normal((4, 5, 6)).astype(np.float32))
    rows = torch.tensor([[0], [2], [3]])
    cols = torch.tensor([1, 4])
    picked = x[rows, cols]
    print(picked.shape, picked[..., 0])
    print(x[rows, :, cols].shape, x[:, rows, cols].shape, x[1:3, [0, 2], 2:5].shape)
    print(x[[0, 1], :, [2, 3]].shape, x[:, [0, 1], [2, 3]].sum(1))
    print(x[..., None, 2].shape, x[None, ..., -1].shape, x[1, ..., None].shape, x[..., ::2].shape)
    print(x[-1, -2].flip(0).flip(0).equal(x[-1, -2]), x.flip(2).flip(-1).equal(x))   # no negative steps: flip
    print(x.flip(-1)[0, 0], x.flip(0, 2)[0, 0, :3], x.flip(1)[:, ::2, 1])
    mask = x[:, :, 0] > 0
    print(mask.sum().item(), x[mask].shape, x[mask][:, 1])
    y = x.clone()
    y[y < -1.0] = 0.0
    print((y == 0).sum().item(), y.min().item())
    y[mask] = torch.arange(6, dtype=torch.float32)
    print(y[0], y[mask].sum().item())
    z = torch.zeros(3, 4)
    idx = torch.tensor([0, 2, 0, 0])
    z.index_put_((idx, torch.tensor([1, 1, 1, 3])), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
    print(z)
    z[idx] = torch.tensor([5.0, 6.0, 7.0, 8.0])
    print(z[0], z[2])
    z[:, [0, 3]] += 0.5
    z[1:, 1:3] *= torch.tensor([[2.0], [3.0]])
    print(z)
    w = torch.arange(24.0).view(2, 3, 4)
    w[..., 1] = torch.tensor([[-1.0, -2.0, -3.0]]).t().squeeze(1)
    w[:, None, 0, 2] = 100.0
    print(w)
    b = torch.tensor([True, False, True])
    print(w[:, b].shape, w[1, b, 1:].tolist(), w[:, b, 0])
    g = x[torch.arange(4)[:, None], torch.tensor([[0, 1, 2, 3, 4]]), torch.tensor(5)]
    print(g.shape, g.diagonal())
    counts = torch.zeros(6).index_put_((torch.tensor([1, 1, 5, 1]),), torch.tensor(1.0), accumulate=True)
    print(counts, x[0, [[1, 1], [0, 0]]].shape, x[torch.tensor(2)].shape)


if __name__ == "__main__":
    main()
