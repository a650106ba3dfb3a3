"""Batched torch.linalg as numerical and robotics code calls it: matrix_norm with every ord ('fro', 'nuc', 2,
-2, 1, -1, inf, -inf) and their gradients, vector_norm over dim tuples, pinv of rank-deficient and Hermitian
batches, matrix_rank with atol / rtol, cond in several norms, eigvals of general matrices (complex, sorted by
real part) against eigvalsh of symmetric ones, slogdet, solve_triangular, lu_factor / lu_solve, matrix_power and
multi_dot, and a Tikhonov least-squares fit differentiated through solve. Float64.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(17)
    A = torch.tensor(rng.normal(0, 1, (3, 4, 4)), requires_grad=True)
    for ord_ in ("fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf")):
        n = torch.linalg.matrix_norm(A, ord=ord_)
        (g,) = torch.autograd.grad(n.sum(), A)
        print(f"matrix_norm {ord_}: {n.detach()} grad[0,0] {g[0, 0].detach()}")
    v = torch.linalg.vector_norm(A, ord=3, dim=(-2, -1))
    print("vector_norm ord 3:", v.detach(), torch.linalg.vector_norm(A, ord=0).item())
    low = torch.tensor(rng.normal(0, 1, (2, 5, 2))) @ torch.tensor(rng.normal(0, 1, (2, 2, 4)))
    P = torch.linalg.pinv(low)
    print("pinv shape:", P.shape, "Penrose 1:", torch.allclose(low @ P @ low, low))
    print("pinv [0]:", P[0])
    S = low @ low.transpose(-1, -2)
    print("hermitian pinv agrees:", torch.allclose(torch.linalg.pinv(S, hermitian=True), torch.linalg.pinv(S)))
    print("matrix_rank:", torch.linalg.matrix_rank(low), torch.linalg.matrix_rank(S, hermitian=True),
          torch.linalg.matrix_rank(A.detach()), torch.linalg.matrix_rank(A.detach(), atol=1.0, rtol=0.0))
    M = A.detach()
    for p in (None, "fro", "nuc", 1, float("inf"), -2):
        print(f"cond {p}:", torch.linalg.cond(M, p) if p is not None else torch.linalg.cond(M))
    ev = torch.linalg.eigvals(M[0])
    order = torch.argsort(ev.real * 1000 + ev.imag)
    print("eigvals general:", ev[order])
    sym = M + M.transpose(-1, -2)
    evs = torch.linalg.eigvals(sym[1]).real.sort().values
    print("eigvals symmetric:", evs)
    print("eigvalsh agrees:", torch.allclose(evs, torch.linalg.eigvalsh(sym[1])))
    sign, logabs = torch.linalg.slogdet(M)
    print("slogdet:", sign, logabs)
    L = torch.tril(M) + 4 * torch.eye(4)
    B = torch.tensor(rng.normal(0, 1, (3, 4, 2)))
    X = torch.linalg.solve_triangular(L, B, upper=False)
    print("solve_triangular residual:", (L @ X - B).abs().max().item() < 1e-12)
    Xl = torch.linalg.solve_triangular(L.transpose(-1, -2), B.transpose(-1, -2), upper=True, left=False)
    print("right solve:", Xl[0])
    LU, piv = torch.linalg.lu_factor(M)
    print("pivots:", piv)
    print("lu_solve:", torch.linalg.lu_solve(LU, piv, B)[2])
    print("matrix_power -2:", torch.linalg.matrix_power(M[0], -2)[0])
    print("multi_dot:", torch.linalg.multi_dot([M[0], M[1], M[2]])[1])
    Xd = torch.tensor(rng.normal(0, 1, (20, 3)))
    yd = Xd @ torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64) + torch.tensor(rng.normal(0, 0.1, 20))
    lam = torch.tensor(0.3, requires_grad=True)
    w = torch.linalg.solve(Xd.T @ Xd + lam * torch.eye(3), Xd.T @ yd)
    loss = ((Xd @ w - yd) ** 2).mean()
    loss.backward()
    print("ridge w:", w.detach(), "dloss/dlambda:", lam.grad.item())
    print("lstsq:", torch.linalg.lstsq(Xd, yd.unsqueeze(-1)).solution.squeeze(-1))
