"""Cumulative, difference and structural tensor ops with gradients, as time-series and numerical code uses them;
tests run it as is and with only its imports changed, and compare what both print. A running-maximum drawdown
(cummax) and running-minimum, logcumsumexp as an online log-partition, diff with prepend / append and n = 2,
torch.gradient with a coordinate list, edge_order=2 and several dims, trapezoid / cumulative_trapezoid with
sample points and dx, kron and block_diag building a structured precision matrix, cartesian_prod, tril_indices /
triu_indices with offsets packing a Cholesky factor, rot90 with k = -1 and 3, and roll over several dims; each
with its gradient. Float64 from a seeded NumPy generator.
"""
import numpy as np
import torch


def drawdown(prices):
    peak, where = torch.cummax(prices, dim=-1)
    return (peak - prices) / peak, where


def pack_cholesky(flat, n):
    rows, cols = torch.tril_indices(n, n)
    L = torch.zeros(n, n, dtype=flat.dtype).index_put((rows, cols), flat)
    diag = torch.arange(n)
    return L.index_put((diag, diag), torch.nn.functional.softplus(L[diag, diag]))


def main():
    rng = np.random.default_rng(2405)
    prices = torch.from_numpy(100 * np.exp(np.cumsum(rng.normal(0, 0.03, (2, 12)), axis=1)))
    prices.requires_grad_(True)
    dd, where = drawdown(prices)
    dd.max(dim=1).values.sum().backward()
    print("max drawdown", dd.max(dim=1).values, where[0].tolist())
    print("drawdown grad", prices.grad[0])
    low, low_at = torch.cummin(prices.detach(), dim=1)
    print("running min", low[1, -3:], low_at[1].tolist())
    scores = torch.from_numpy(rng.normal(0, 2, (3, 6)))
    scores[1, :2] = float("-inf")
    scores.requires_grad_(True)
    lcse = torch.logcumsumexp(scores, dim=1)
    lcse[:, -1].sum().backward()
    print("logcumsumexp", lcse[1], torch.allclose(lcse[:, -1], torch.logsumexp(scores, 1)))
    print("logcumsumexp grad", scores.grad[1])

    x = torch.from_numpy(rng.normal(0, 1, 7)).requires_grad_(True)
    d = torch.diff(x, n=2, prepend=torch.zeros(1, dtype=torch.float64), append=torch.ones(2, dtype=torch.float64))
    (d ** 2).sum().backward()
    print("diff n=2", d.shape, d[:4], x.grad)
    grid = torch.from_numpy(rng.normal(0, 1, (4, 5)))
    print("diff dim 0", torch.diff(grid, dim=0, append=grid[:1]).shape, torch.diff(grid.bool(), dim=1)[0])

    t = torch.tensor([0.0, 0.1, 0.3, 0.6, 1.0, 1.5], dtype=torch.float64)
    f = (torch.sin(3 * t) + t ** 2).requires_grad_(True)
    (df,) = torch.gradient(f, spacing=(t,))
    (df2,) = torch.gradient(f, spacing=(t,), edge_order=2)
    print("gradient coords", df, df2)
    (df2 * torch.arange(6.0, dtype=torch.float64)).sum().backward()
    print("gradient grad", f.grad)
    field = torch.from_numpy(rng.normal(0, 1, (4, 5)))
    gy, gx = torch.gradient(field, spacing=[0.5, 2.0])
    print("gradient 2-d", gy[0], gx[:, -1])
    print("gradient one dim", torch.gradient(field, dim=1, spacing=3.0, edge_order=2)[0][1])

    y = torch.exp(-t).requires_grad_(True)
    area = torch.trapezoid(y, t)
    running = torch.cumulative_trapezoid(y, x=t)
    (area + running.sum()).backward()
    print("trapezoid", area.item(), running, y.grad)
    print("trapezoid dx", torch.trapezoid(grid, dx=0.25, dim=0), torch.cumulative_trapezoid(grid, dim=1)[0])

    a = torch.from_numpy(rng.normal(0, 1, (2, 2))).requires_grad_(True)
    b = torch.eye(3, dtype=torch.float64) * 2 + 0.1
    k = torch.kron(a, b)
    blocks = torch.block_diag(a, torch.ones(1, 3, dtype=torch.float64), torch.tensor([[5.0]], dtype=torch.float64))
    (k.sum() + (blocks ** 2).sum()).backward()
    print("kron", k.shape, k[0, :4], "block_diag", blocks.shape, blocks[2])
    print("kron block grad", a.grad)
    print("cartesian", torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), torch.tensor([7])).T)
    print("tril offsets", torch.tril_indices(3, 4, offset=1), torch.triu_indices(4, 3, offset=-1)[1])

    flat = torch.from_numpy(rng.normal(0, 1, 6)).requires_grad_(True)
    L = pack_cholesky(flat, 3)
    cov = L @ L.T
    nll = 0.5 * torch.logdet(cov) + 0.5 * torch.linalg.solve(cov, torch.ones(3, dtype=torch.float64)).sum()
    nll.backward()
    print("cholesky pack", L.diagonal(), nll.item(), flat.grad)

    img = torch.arange(12.0, dtype=torch.float64).reshape(1, 3, 4).requires_grad_(True)
    r1, r3 = torch.rot90(img, -1, dims=(1, 2)), torch.rot90(img, 3, dims=[1, 2])
    print("rot90", r1.shape, torch.equal(r1, r3), r1[0, 0], torch.rot90(img, 2, (2, 1))[0, 0])
    rolled = torch.roll(img, shifts=(1, -2), dims=(1, 2))
    (rolled * torch.arange(12.0, dtype=torch.float64).reshape(1, 3, 4)).sum().backward()
    print("roll", rolled[0, 0], torch.roll(img, 5)[0, 0], img.grad[0, 0])


if __name__ == "__main__":
    main()
