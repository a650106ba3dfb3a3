"""Soft dynamic time warping written for PyTorch the way time-series alignment code writes it; tests run it as is
and with only its imports changed, and compare what both print. Pairwise squared distances by broadcasting, the
soft-DTW recursion R[i, j] = D[i, j] + softmin_gamma(R[i-1, j-1], R[i-1, j], R[i, j-1]) filled cell by cell in
Python loops over a tensor with torch.logsumexp of stacked neighbours (autograd through ~100 tiny ops), the
expected alignment matrix as the gradient of the value with respect to the distances (torch.autograd.grad), the
debiased soft-DTW divergence, the hard DTW path by backtracking with argmin, barycentre averaging of shifted
sinusoids with LBFGS, and a nearest-centroid classifier. Series from a seeded NumPy generator; float64.
"""
import numpy as np
import torch


def sq_dist(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)


def soft_dtw_from_cost(D, gamma):
    n, m = D.shape
    inf = torch.tensor(float("inf"), dtype=D.dtype)
    R = [[inf] * (m + 1) for _ in range(n + 1)]
    R[0][0] = torch.tensor(0.0, dtype=D.dtype)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = torch.stack([R[i - 1][j - 1], R[i - 1][j], R[i][j - 1]])
            R[i][j] = D[i - 1, j - 1] - gamma * torch.logsumexp(-prev / gamma, dim=0)
    return R[n][m]


def soft_dtw(x, y, gamma=0.1):
    return soft_dtw_from_cost(sq_dist(x, y), gamma)


def divergence(x, y, gamma=0.1):
    return soft_dtw(x, y, gamma) - 0.5 * (soft_dtw(x, x, gamma) + soft_dtw(y, y, gamma))


def hard_dtw_path(D):
    n, m = D.shape
    R = torch.full((n + 1, m + 1), float("inf"), dtype=D.dtype)
    R[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + torch.min(torch.stack([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]]))
    i, j, path = n, m, [(n - 1, m - 1)]
    while (i, j) != (1, 1):
        moves = torch.stack([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
        k = int(torch.argmin(moves))
        i, j = [(i - 1, j - 1), (i - 1, j), (i, j - 1)][k]
        path.append((i - 1, j - 1))
    return R[n, m], path[::-1]


def series(rng, shift, n=8):
    t = np.linspace(0, 1, n)
    return torch.from_numpy(np.sin(2 * np.pi * (t - shift))[:, None] + 0.05 * rng.standard_normal((n, 1)))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(73)
    a, b = series(rng, 0.0), series(rng, 0.15, 7)
    for gamma in (1.0, 0.1, 0.01):
        print(f"soft-dtw gamma {gamma}:", round(soft_dtw(a, b, gamma).item(), 8))
    D = sq_dist(a, b).requires_grad_(True)
    value = soft_dtw_from_cost(D, 0.1)
    E, = torch.autograd.grad(value, D)
    print("expected alignment row sums:", [round(v, 6) for v in E.sum(1).tolist()])
    print("alignment mass:", round(E.sum().item(), 8))
    hard, path = hard_dtw_path(D.detach())
    print("hard dtw:", round(hard.item(), 8), "path:", path)
    xa = a.clone().requires_grad_(True)
    div = divergence(xa, b)
    div.backward()
    print("divergence:", round(div.item(), 8), "grad norm:", round(xa.grad.norm().item(), 8))
    print("self divergence:", round(divergence(a, a).item(), 12))

    group = [series(rng, s) for s in (0.05, 0.1, 0.15)]
    z = torch.zeros(8, 1, requires_grad=True)
    opt = torch.optim.LBFGS([z], lr=0.5, max_iter=5, history_size=5)

    def closure():
        opt.zero_grad()
        loss = sum(soft_dtw(z, s, 0.1) for s in group) / len(group)
        loss.backward()
        return loss

    for step in range(3):
        loss = opt.step(closure)
        print(f"barycentre step {step}: loss {loss.item():.8f}")
    print("barycentre:", [round(v, 6) for v in z.detach().flatten().tolist()])

    centroids = [series(rng, 0.0), series(rng, 0.5)]
    tests = [series(rng, s) for s in (0.02, 0.48, 0.1)]
    preds = [int(torch.argmin(torch.stack([soft_dtw(t, c, 0.1) for c in centroids]))) for t in tests]
    print("nearest centroid:", preds)
