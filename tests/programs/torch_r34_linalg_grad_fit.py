"""Matrix-factor fitting through decompositions (float64): gradients of linalg.svd (full_matrices=False), svdvals,
eigh / eigvalsh, qr (reduced and complete), lstsq, solve_triangular (upper, unitriangular, left=False), pinv,
slogdet, matrix_norm('nuc') and cond, then an Adam fit of a matrix to a target spectrum and a nuclear-norm
penalised low-rank completion."""
import torch


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(21)
    d = torch.float64
    A = torch.randn(5, 3, dtype=d, requires_grad=True)
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    (g,) = torch.autograd.grad(S[0] * 2 + S[2] + (U[:, 0] * Vh[0].sum()).abs().sum(), A)
    print("svd", r(S), r(g[0]))
    (g,) = torch.autograd.grad(torch.linalg.svdvals(A).pow(3).sum(), A)
    print("svdvals", r(g[1]))
    def gram():
        return A.T @ A + torch.eye(3, dtype=d)

    B = gram()
    L, Q = torch.linalg.eigh(B)
    (g,) = torch.autograd.grad(L[-1] + (Q[:, 0].abs() * torch.arange(3, dtype=d)).sum(), A)
    print("eigh", r(L), r(g[2]))
    (g,) = torch.autograd.grad(torch.linalg.eigvalsh(gram()).log().sum(), A)
    print("eigvalsh", r(g[3]))
    Qr, R = torch.linalg.qr(A)
    Qc, Rc = torch.linalg.qr(A[:3], mode="complete")
    (g,) = torch.autograd.grad(R.diagonal().abs().sum() + Qr[0].sum() + Rc.triu().sum(), A)
    print("qr", r(R.diagonal().abs()), r(g[0]))
    y = torch.randn(5, 2, dtype=d)
    sol = torch.linalg.lstsq(A, y).solution
    (g,) = torch.autograd.grad(sol.pow(2).sum(), A)
    print("lstsq", r(sol), r(g[4]))
    T = torch.triu(B.detach()) + torch.eye(3, dtype=d)
    T.requires_grad_(True)
    rhs = torch.randn(3, 2, dtype=d)
    x1 = torch.linalg.solve_triangular(T, rhs, upper=True)
    x2 = torch.linalg.solve_triangular(T, rhs, upper=True, unitriangular=True)
    x3 = torch.linalg.solve_triangular(T, rhs.T, upper=True, left=False)
    (g,) = torch.autograd.grad(x1.sum() + x2.pow(2).sum() + x3[0].sum(), T)
    print("solve_triangular", r(x1[0]), r(x2[1]), r(x3[1]), r(g[0]))
    P = torch.linalg.pinv(A)
    (g,) = torch.autograd.grad(P.pow(2).sum(), A)
    print("pinv", r(P[0]), r(g[1]))
    sign, logdet = torch.linalg.slogdet(gram() - 2 * torch.eye(3, dtype=d))
    (g,) = torch.autograd.grad(logdet, A)
    print("slogdet", sign.item(), r(logdet), r(g[0]))
    nuc = torch.linalg.matrix_norm(A, "nuc")
    cond = torch.linalg.cond(gram())
    (g,) = torch.autograd.grad(nuc + cond, A)
    print("nuc/cond", r(nuc), r(cond), r(g[2]))

    M = torch.randn(4, 4, dtype=d, requires_grad=True)
    target = torch.tensor([3.0, 2.0, 1.0, 0.5], dtype=d)
    opt = torch.optim.Adam([M], lr=0.05)
    for step in range(5):
        sym = (M + M.T) / 2
        loss = (torch.linalg.eigvalsh(sym).flip(0) - target).pow(2).sum() + 0.1 * torch.linalg.svdvals(M - sym).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("spectrum", step, f"{loss.item():.10f}", r(M.grad[0]))
    truth = torch.randn(6, 2, dtype=d) @ torch.randn(2, 5, dtype=d)
    known = torch.rand(6, 5) < 0.6
    X = torch.zeros(6, 5, dtype=d, requires_grad=True)
    opt = torch.optim.SGD([X], lr=0.2)
    for step in range(5):
        loss = ((X - truth)[known] ** 2).sum() / 2 + 0.05 * torch.linalg.matrix_norm(X + 1e-3 * torch.eye(6, 5, dtype=d), "nuc")
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("completion", step, f"{loss.item():.10f}", r(torch.linalg.svdvals(X.detach())[:3], 6))


main()
