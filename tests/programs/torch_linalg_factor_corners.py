"""torch.linalg's rarer corners in float64, as a numerical-methods notebook uses them: Householder reflectors
assembled by householder_product (with gradients through the reflectors and tau), symmetric-indefinite systems by
ldl_factor / ldl_solve (hermitian flag), lu_factor / lu_solve with adjoint= and left=, the *_ex variants' info
codes on singular and non-positive-definite inputs (cholesky_ex, inv_ex, solve_ex, ldl_factor_ex), svdvals and
matrix_power with negative exponents differentiated, pinv(hermitian=True) on a rank-deficient PSD matrix,
cond with every p, matrix_rank with atol / rtol / hermitian, and tensorinv / tensorsolve round trips.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(2323)
    torch.set_printoptions(precision=6)

    # Householder: reflectors below the diagonal of A, scales tau; Q = H_1 ... H_k
    A = torch.tensor(rng.normal(size=(5, 3)), requires_grad=True)
    tau = torch.tensor([1.2, 0.7, 1.5], dtype=torch.float64, requires_grad=True)
    Q = torch.linalg.householder_product(A, tau)
    print("householder Q", Q.shape, Q[0])
    print("Q^T Q diag", (Q.T @ Q).diagonal())
    (Q * torch.arange(15.0, dtype=torch.float64).reshape(5, 3)).sum().backward()
    print("grad reflectors", A.grad[1:, 0])
    print("grad tau", tau.grad)
    batch = torch.tensor(rng.normal(size=(2, 4, 2)))
    print("batched orgqr", torch.linalg.householder_product(batch, torch.ones(2, 2, dtype=torch.float64))[1, :, 1])

    # symmetric indefinite: LDL^T with Bunch-Kaufman pivots
    M = torch.tensor(rng.normal(size=(4, 4)))
    S = M + M.T
    LD, piv = torch.linalg.ldl_factor(S)
    print("ldl pivots", piv.tolist(), LD.dtype, LD.shape)
    b = torch.tensor(rng.normal(size=(4, 2)))
    x = torch.linalg.ldl_solve(LD, piv, b)
    print("ldl solution", x[:, 0])
    print("ldl residual small", bool(torch.allclose(S @ x, b)))
    LD2, piv2, info = torch.linalg.ldl_factor_ex(S, hermitian=True)
    print("ldl_factor_ex info", info.item(), torch.allclose(torch.linalg.ldl_solve(LD2, piv2, b, hermitian=True), x))

    # LU with adjoint / left
    G = torch.tensor(rng.normal(size=(3, 3)), requires_grad=True)
    LU, pivots = torch.linalg.lu_factor(G)
    rhs = torch.tensor(rng.normal(size=(3, 2)))
    x_adj = torch.linalg.lu_solve(LU, pivots, rhs, adjoint=True)
    print("lu_solve adjoint", x_adj[:, 1])
    rows = torch.tensor(rng.normal(size=(2, 3)))
    x_right = torch.linalg.lu_solve(LU, pivots, rows, left=False)
    print("lu_solve right", x_right[0])
    print("right check", torch.allclose(x_right @ G, rows))
    (x_adj.square().sum() + x_right.sum()).backward()
    print("lu grad", G.grad[2])
    P, L, U = torch.linalg.lu(G.detach())
    print("lu P row", P.argmax(dim=1).tolist(), "U diag", U.diagonal())

    # the _ex variants: report instead of raising
    sing = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=torch.float64)
    inv, info = torch.linalg.inv_ex(sing)
    print("inv_ex info", info.item())
    notpd = torch.tensor([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, -3.0]], dtype=torch.float64)
    L, info = torch.linalg.cholesky_ex(notpd)
    print("cholesky_ex info", info.item())
    spd = S @ S.T + torch.eye(4, dtype=torch.float64)
    L, info = torch.linalg.cholesky_ex(spd, upper=True)
    print("cholesky_ex upper", info.item(), L[0], torch.allclose(L.T @ L, spd))
    sol, info = torch.linalg.solve_ex(spd, b, check_errors=False)
    print("solve_ex", info.item(), sol[:, 1])
    stack = torch.stack([spd, notpd.new_zeros(4, 4)])
    L, info = torch.linalg.cholesky_ex(stack)
    print("batched cholesky_ex info", info.tolist())

    # spectra and powers, differentiated
    W = torch.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    sv = torch.linalg.svdvals(W)
    print("svdvals", sv)
    (sv[0] - sv[-1]).backward()
    print("svdvals grad", W.grad[0])
    K = torch.tensor(rng.normal(size=(3, 3)) + 3 * np.eye(3), requires_grad=True)
    Km2 = torch.linalg.matrix_power(K, -2)
    print("matrix_power -2", Km2[0])
    print("times K^2 is I", torch.allclose(Km2 @ K @ K, torch.eye(3, dtype=torch.float64)))
    Km2.trace().backward()
    print("matrix_power grad", K.grad[1])
    print("matrix_power 0", torch.linalg.matrix_power(K.detach(), 0).diagonal())

    # pinv of a rank-deficient PSD matrix through its eigendecomposition
    V = torch.tensor(rng.normal(size=(4, 2)), requires_grad=True)
    C = V @ V.T
    Cp = torch.linalg.pinv(C, hermitian=True)
    print("pinv hermitian", Cp.diagonal())
    print("Moore-Penrose", torch.allclose(C @ Cp @ C, C))
    Cp.sum().backward()
    print("pinv grad", V.grad[:, 0])

    # conditioning and rank
    T = torch.tensor(rng.normal(size=(3, 3)), requires_grad=True)
    conds = [torch.linalg.cond(T, p) for p in (None, "fro", "nuc", 1, -1, float("inf"), float("-inf"), 2, -2)]
    print("cond", [round(c.item(), 8) for c in conds])
    # (PyTorch's cond backward fails for the fro / 1 / inf norms: its inv_ex output is modified in place)
    (conds[0] + conds[2] + conds[7] + conds[8]).backward()
    print("cond grad", T.grad[0])
    R = torch.tensor(rng.normal(size=(5, 2)) @ rng.normal(size=(2, 4)) + 1e-6 * rng.normal(size=(5, 4)))
    print("rank default", torch.linalg.matrix_rank(R).item(), "atol 1e-3", torch.linalg.matrix_rank(R, atol=1e-3).item(),
          "rtol 0.5", torch.linalg.matrix_rank(R, rtol=0.5).item())
    print("rank hermitian", torch.linalg.matrix_rank(C.detach(), hermitian=True).item(),
          torch.linalg.matrix_rank(C.detach(), atol=1e-8, rtol=0.0, hermitian=True).item())

    # tensor inverses
    Tn = torch.tensor(rng.normal(size=(6, 2, 3)))
    Ti = torch.linalg.tensorinv(Tn, ind=1)
    print("tensorinv shape", Ti.shape, torch.allclose(torch.tensordot(Tn, Ti, dims=2), torch.eye(6, dtype=torch.float64)))
    Ab = torch.tensor(rng.normal(size=(2, 3, 6)), requires_grad=True)
    Bb = torch.tensor(rng.normal(size=(2, 3)))
    X = torch.linalg.tensorsolve(Ab, Bb)
    print("tensorsolve", X.shape, X)
    X.square().sum().backward()
    print("tensorsolve grad", Ab.grad[0, 0])
