"""Gradients through torch.linalg's decompositions, as numerical code differentiates them: tests run it as is and
with only its imports changed, and compare what both print. eigh (with UPLO='U') through gauge-invariant losses
(eigenvalues, a projector onto the top eigenvectors), svd with full_matrices=False through U diag(S) Vh and the
nuclear norm, svdvals, lstsq (solution and residual-free fits, a batched right side) with gradients to A and B,
solve_ex and cholesky_ex with their info codes on a singular and an indefinite matrix, inv_ex, pinv with
hermitian=True and with rtol, matrix_exp of a generator, slogdet / logdet, lu_factor + lu_solve, solve with
left=False, cholesky_inverse from either factor, and a small covariance fit by gradient descent through
cholesky. Float64, seeded NumPy data.
"""
import numpy as np
import torch


def t(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def main():
    rng = np.random.default_rng(2525)
    B = rng.normal(0, 1, (4, 4))
    S = t(B @ B.T + 0.5 * np.eye(4), grad=True)
    w, V = torch.linalg.eigh(S, UPLO="U")
    print("eigh", w, w.grad_fn.name())
    P = V[:, 2:] @ V[:, 2:].T
    (w.log().sum() + (P * t(np.arange(16.0).reshape(4, 4) / 10)).sum()).backward()
    print("eigh grad", S.grad)
    print("eigvalsh", torch.linalg.eigvalsh(S.detach(), UPLO="L"))

    A = t(rng.normal(0, 1, (5, 3)), grad=True)
    U, s, Vh = torch.linalg.svd(A, full_matrices=False)
    rebuilt = U @ torch.diag(s) @ Vh
    loss = (rebuilt ** 2).sum() + s.sum() + torch.linalg.matrix_norm(A, ord="nuc")
    loss.backward()
    print("svd", s, U.shape, Vh.shape, torch.allclose(rebuilt, A))
    print("svd grad", A.grad[0], A.grad[4])
    A.grad = None
    torch.linalg.svdvals(A).prod().backward()
    print("svdvals grad", A.grad[1])
    A.grad = None
    torch.linalg.matrix_norm(A, ord=2).backward()
    print("spectral norm grad", A.grad[2])

    M = t(rng.normal(0, 1, (6, 3)), grad=True)
    y = t(rng.normal(0, 1, (6, 2)), grad=True)
    sol = torch.linalg.lstsq(M, y)
    print("lstsq", sol.solution, sol.rank, sol.residuals.shape, sol.solution.grad_fn.name())
    (sol.solution ** 2).sum().backward()
    print("lstsq grads", M.grad[0], y.grad[:, 0])
    batch = torch.linalg.lstsq(M.detach().expand(2, 6, 3), y.detach().T.reshape(2, 6, 1)).solution
    print("lstsq batched", batch.squeeze(-1))

    sing = t([[1.0, 2.0], [2.0, 4.0]])
    x, info = torch.linalg.solve_ex(t([[3.0, 1.0], [1.0, 2.0]]), t([1.0, 0.5]))
    print("solve_ex", x, info)
    print("solve_ex singular info", torch.linalg.solve_ex(sing, t([1.0, 2.0]))[1])
    L, info = torch.linalg.cholesky_ex(t([[4.0, 2.0], [2.0, 3.0]]))
    print("cholesky_ex", L, info, torch.linalg.cholesky_ex(t([[1.0, 2.0], [2.0, 1.0]])).info)
    inv, info = torch.linalg.inv_ex(t([[2.0, 1.0], [1.0, 1.0]]))
    print("inv_ex", inv, info, torch.linalg.inv_ex(sing).info)

    H = t([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 0.0]], grad=True)
    Hp = torch.linalg.pinv(H, hermitian=True)
    print("pinv hermitian", Hp, Hp.grad_fn.name())
    Hp.trace().backward()
    print("pinv hermitian grad", H.grad)
    R = t(rng.normal(0, 1, (3, 4)), grad=True)
    Rp = torch.linalg.pinv(R, rtol=1e-8)
    (Rp ** 2).sum().backward()
    print("pinv rtol", Rp[0], R.grad[0])

    G = t([[0.0, -0.7, 0.2], [0.7, 0.0, -0.4], [-0.2, 0.4, 0.0]], grad=True)
    E = torch.linalg.matrix_exp(G)
    print("matrix_exp", E, (E @ E.T).diagonal())
    (E[0, 1] + E[2, 0] * 2).backward()
    print("matrix_exp grad", G.grad)

    C = t(B @ B.T + np.eye(4), grad=True)
    sign, logabs = torch.linalg.slogdet(C)
    (logabs + torch.logdet(C)).backward()
    print("slogdet", sign, logabs, C.grad[0])
    C.grad = None
    for upper in (False, True):
        Ci = torch.cholesky_inverse(torch.linalg.cholesky(C, upper=upper), upper=upper)
        Ci[0].sum().backward()
        print("cholesky_inverse", upper, Ci.grad_fn.name(), Ci[1], C.grad[2])
        C.grad = None
    LU, piv = torch.linalg.lu_factor(C.detach())
    rhs = t(rng.normal(0, 1, (4, 2)))
    print("lu_solve", torch.linalg.lu_solve(LU, piv, rhs).T, piv)
    Q = t(rng.normal(0, 1, (3, 3)) + 3 * np.eye(3), grad=True)
    right = t(rng.normal(0, 1, (2, 3)), grad=True)
    X = torch.linalg.solve(Q, right, left=False)
    print("solve left=False", X, torch.allclose(X @ Q, right))
    X.sum().backward()
    print("solve grads", Q.grad[0], right.grad[1])

    target = t([[2.0, 0.6, 0.1], [0.6, 1.0, -0.3], [0.1, -0.3, 0.5]])
    raw = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([raw], lr=0.05)
    for step in range(60):
        Lc = torch.tril(raw, -1) + torch.diag(torch.nn.functional.softplus(raw.diagonal()) + 0.1)
        cov = Lc @ Lc.T
        loss = torch.linalg.matrix_norm(cov - target) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 19:
            print("cov fit", step, round(loss.item(), 8), torch.linalg.cholesky(cov.detach()).diagonal())
