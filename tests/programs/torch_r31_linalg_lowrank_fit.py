"""Numerical linear algebra in an optimisation loop, float64: a low-rank matrix completion whose factors are
initialised from torch.svd_lowrank / torch.pca_lowrank under a seed (the sign-fixed singular values printed),
torch.lobpcg for the top eigenpairs, lstsq with the gelsd / gelsy / gelss drivers on a rank-deficient system,
solve_triangular(left=False, upper=True) through cholesky_ex (and its info on an indefinite matrix),
pinv(hermitian=True), eigh and eigvalsh gradients of a spectral penalty, and matrix_exp inside a fitted
continuous-time model, each with its gradient, trained a few Adam steps."""
import torch


def main():
    torch.manual_seed(4)
    dt = torch.float64
    U0 = torch.randn(8, 2, dtype=dt)
    V0 = torch.randn(6, 2, dtype=dt)
    M = U0 @ V0.T + 0.01 * torch.randn(8, 6, dtype=dt)
    mask = torch.rand(8, 6) > 0.3

    U, S, V = torch.svd_lowrank(M, q=3, niter=3)
    print("svd_lowrank S", S.numpy().round(8), U.shape, V.shape)
    print("recon err", round((U @ torch.diag(S) @ V.T - M).norm().item(), 8))
    U2, S2, V2 = torch.pca_lowrank(M, q=2, center=True, niter=2)
    print("pca_lowrank S", S2.numpy().round(8))
    Mc = M - M.mean(0, keepdim=True)
    print("pca vs full", torch.allclose(S2, torch.linalg.svdvals(Mc)[:2], atol=1e-6))

    A = M.T @ M + torch.eye(6, dtype=dt)
    vals, vecs = torch.lobpcg(A, k=2, largest=True, niter=50, tol=1e-12)
    print("lobpcg", vals.numpy().round(6), torch.linalg.eigvalsh(A)[-2:].numpy().round(6))

    Ud = (U[:, :2] * S[:2].sqrt()).clone().requires_grad_()
    Vd = (V[:, :2] * S[:2].sqrt()).clone().requires_grad_()
    opt = torch.optim.Adam([Ud, Vd], lr=0.02)
    for step in range(5):
        opt.zero_grad()
        R = (Ud @ Vd.T - M)[mask]
        gram = Ud.T @ Ud
        ev = torch.linalg.eigvalsh(gram)
        loss = (R ** 2).mean() + 1e-3 * (ev.max() / ev.min())
        loss.backward()
        opt.step()
        print("completion", step, round(loss.item(), 10), round(Ud.grad.norm().item(), 10))

    Adef = torch.randn(7, 3, dtype=dt) @ torch.randn(3, 5, dtype=dt)
    b = torch.randn(7, 2, dtype=dt)
    for driver in ["gelsd", "gelsy", "gelss"]:
        res = torch.linalg.lstsq(Adef, b, rcond=1e-10, driver=driver)
        print("lstsq", driver, int(res.rank), res.solution.norm().item().__round__(8),
              None if res.singular_values.numel() == 0 else res.singular_values.numpy().round(6)[:3])
    Agd = torch.randn(6, 3, dtype=dt, requires_grad=True)
    sol = torch.linalg.lstsq(Agd, b[:6]).solution
    sol.sum().backward()
    print("lstsq grad", Agd.grad.numpy().round(8), sol.grad_fn.name())

    X = torch.randn(5, 4, dtype=dt, requires_grad=True)
    G = X.T @ X + 0.5 * torch.eye(4, dtype=dt)
    L, info = torch.linalg.cholesky_ex(G, upper=True)
    print("cholesky_ex info", int(info), L.grad_fn.name())
    Bm = torch.randn(3, 4, dtype=dt)
    Y = torch.linalg.solve_triangular(L, Bm, upper=True, left=False)
    print("tri resid", round((Y @ L - Bm).abs().max().item(), 12) < 1e-10)
    Y.pow(2).sum().backward()
    print("tri grad", X.grad.numpy().round(8))
    _, info2 = torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=dt))
    print("indefinite info", int(info2))

    H = torch.randn(4, 4, dtype=dt)
    H = (H + H.T).requires_grad_()
    P = torch.linalg.pinv(H, hermitian=True)
    print("pinv herm", torch.allclose(P, torch.linalg.pinv(H.detach())), P.grad_fn.name())
    P.trace().backward()
    print("pinv grad", H.grad.numpy().round(8))
    H.grad = None
    w, Q = torch.linalg.eigh(H)
    (w[-1] + (Q[:, 0] ** 4).sum()).backward()
    print("eigh grad", H.grad.numpy().round(8))

    torch.manual_seed(8)
    A_true = torch.tensor([[-0.5, 1.0], [-1.0, -0.3]], dtype=dt)
    x0 = torch.tensor([1.0, 0.0], dtype=dt)
    ts = torch.linspace(0.2, 2.0, 6, dtype=dt)
    obs = torch.stack([torch.linalg.matrix_exp(A_true * t) @ x0 for t in ts])
    A = torch.zeros(2, 2, dtype=dt, requires_grad=True)
    opt = torch.optim.Adam([A], lr=0.1)
    for step in range(6):
        opt.zero_grad()
        pred = torch.stack([torch.linalg.matrix_exp(A * t) @ x0 for t in ts])
        loss = ((pred - obs) ** 2).sum()
        loss.backward()
        opt.step()
        print("expm fit", step, round(loss.item(), 10), A.grad.numpy().round(8).tolist())
