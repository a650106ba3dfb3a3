"""Numerical calculus on sampled signals, as physics and data-analysis scripts do it with tensors; tests run it as
is and with only its imports changed, and compare what both print. torch.gradient with scalar and coordinate
spacing, edge_order 1 and 2 and over chosen dims; trapezoid and cumulative_trapezoid with dx and x; diff with
n, prepend and append; polynomial fitting through torch.vander and torch.linalg.lstsq (and its residuals) with
the gradient of the fit error; finite-difference Laplacians with roll; Simpson's rule by slicing. Float64,
NumPy data.
"""
import math

import numpy as np
import torch


def main():
    rng = np.random.default_rng(116)
    x = torch.linspace(0, 2 * math.pi, 33, dtype=torch.float64)
    y = torch.sin(x) + 0.1 * x ** 2
    (g,) = torch.gradient(y, spacing=float(x[1] - x[0]))
    (g2,) = torch.gradient(y, spacing=(x,), edge_order=2)
    print(g[:4], g[-3:], g2[:4], g2[-3:])
    print((g - (torch.cos(x) + 0.2 * x)).abs().max(), (g2 - (torch.cos(x) + 0.2 * x)).abs().max())
    xs = torch.tensor(np.sort(rng.uniform(0, 3, 12)), dtype=torch.float64)
    ys = xs ** 3 - 2 * xs
    (gu,) = torch.gradient(ys, spacing=(xs,))
    (gu2,) = torch.gradient(ys, spacing=(xs,), edge_order=2)
    print(gu, gu2[:3], gu2[-3:])
    field = torch.tensor(rng.standard_normal((5, 6)), dtype=torch.float64)
    gy, gx = torch.gradient(field)
    print(gy[0], gx[:, 0])
    (gx_only,) = torch.gradient(field, spacing=0.5, dim=1)
    gsy, gsx = torch.gradient(field, spacing=[2.0, 0.25], edge_order=2)
    print(gx_only[1], gsy[-1], gsx[2])
    print(torch.trapezoid(y, x), torch.trapezoid(y, dx=float(x[1] - x[0])), torch.trapezoid(ys, xs))
    print(torch.trapezoid(field, dim=0), torch.trapezoid(field, dx=0.1))
    print(torch.cumulative_trapezoid(ys, xs)[-4:], torch.cumulative_trapezoid(field, dx=2.0, dim=0)[:, 1])
    h = float(x[1] - x[0])
    simpson = h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum())
    print(simpson, -math.cos(2 * math.pi) + 1 + 0.1 * (2 * math.pi) ** 3 / 3)
    seq = torch.tensor([1.0, 4.0, 9.0, 16.0, 25.0, 36.0], dtype=torch.float64)
    print(torch.diff(seq), torch.diff(seq, n=2), torch.diff(seq, n=3), torch.diff(seq, prepend=torch.tensor([0.0], dtype=torch.float64)))
    print(torch.diff(seq, append=torch.tensor([49.0, 64.0], dtype=torch.float64)), torch.diff(field, dim=0)[0], torch.diff(field, n=2, dim=1)[0])
    ints = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
    print(torch.diff(ints), torch.diff(ints > 2))
    t = torch.tensor(np.linspace(-1, 1, 25), dtype=torch.float64)
    obs = torch.tensor(0.5 - t.numpy() + 2 * t.numpy() ** 3 + rng.normal(0, 0.05, 25), dtype=torch.float64)
    V = torch.vander(t, N=4, increasing=True)
    print(V[:2], torch.vander(torch.tensor([2.0, 3.0], dtype=torch.float64)))
    sol = torch.linalg.lstsq(V, obs.unsqueeze(-1), driver="gelsd")
    print(sol.solution.squeeze(-1), sol.rank, sol.residuals.shape)
    coef = torch.linalg.pinv(V) @ obs
    print(coef, torch.linalg.lstsq(V, obs.unsqueeze(-1)).solution.squeeze(-1))
    w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w], lr=1.0, max_iter=50, history_size=10, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((V @ w - obs) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(2):
        loss = opt.step(closure)
        print(f"lbfgs loss {loss.item():.8f}", w.detach())
    grid = torch.tensor(rng.standard_normal((6, 6)), dtype=torch.float64)
    lap = grid.roll(1, 0) + grid.roll(-1, 0) + grid.roll(1, 1) + grid.roll(-1, 1) - 4 * grid
    print(lap[0], lap.sum())
    u = torch.tensor(np.sin(np.linspace(0, np.pi, 9)), dtype=torch.float64)
    for _ in range(3):
        u = u + 0.2 * torch.cat([u[:1] * 0, u[2:] - 2 * u[1:-1] + u[:-2], u[:1] * 0])
    print(u)


if __name__ == "__main__":
    main()
