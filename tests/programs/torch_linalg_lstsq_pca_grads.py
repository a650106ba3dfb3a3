"""Least squares and PCA with torch.linalg as a data-analysis notebook writes them, gradients included: a
polynomial fit by torch.linalg.lstsq (solution, residuals, rank, singular values with driver="gelsd"), the same
fit through QR and through pinv, PCA from svd(full_matrices=False) and from eigh of the covariance, explained
variance, matrix_norm in its orders and cond, and gradients of the fitted coefficients' norm, the top singular
value and the smallest eigenvalue with respect to the data. Float64; data from a seeded NumPy generator.
"""
import numpy as np
import torch


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(18)
    x = torch.tensor(rng.uniform(-1, 1, 30))
    y = torch.tensor(0.5 - 1.2 * rng.uniform(-1, 1, 30) + 2.0 * rng.uniform(-1, 1, 30) ** 2)
    y = y + torch.tensor(0.05 * rng.standard_normal(30))
    A = torch.stack([x ** 0, x, x ** 2, x ** 3], dim=1).requires_grad_(True)
    B = y[:, None]
    sol = torch.linalg.lstsq(A, B, driver="gelsd")
    print("lstsq solution:", r(sol.solution), "rank:", int(sol.rank))
    print("singular values:", r(sol.singular_values))
    sol_qr = torch.linalg.qr(A)
    coef_qr = torch.linalg.solve_triangular(sol_qr.R, sol_qr.Q.T @ B, upper=True)
    print("qr shapes:", tuple(sol_qr.Q.shape), tuple(sol_qr.R.shape), "qr coef:", r(coef_qr))
    coef_pinv = torch.linalg.pinv(A) @ B
    print("pinv coef:", r(coef_pinv), "agree:", bool(torch.allclose(coef_pinv, coef_qr)))
    resid = B - A @ coef_qr
    print("residual norm:", round(torch.linalg.vector_norm(resid).item(), 10))
    coef_qr.norm().backward()
    print("d|coef|/dA row0:", r(A.grad[0]))
    print("d|coef|/dA col sums:", r(A.grad.sum(0)))
    X = torch.tensor(rng.standard_normal((40, 5)) @ rng.standard_normal((5, 5)), requires_grad=True)
    Xc = X - X.mean(0, keepdim=True)
    U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
    print("svd shapes:", tuple(U.shape), tuple(S.shape), tuple(Vh.shape))
    print("singular values:", r(S, 7))
    explained = S ** 2 / (S ** 2).sum()
    print("explained:", r(explained, 7), "cumulative 2:", round(explained[:2].sum().item(), 8))
    cov = Xc.T @ Xc / (X.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    print("eigh values:", r(evals, 7))
    print("eig vs svd:", bool(torch.allclose(evals.flip(0), S ** 2 / (X.shape[0] - 1))))
    align = (evecs[:, -1] @ Vh[0]).abs()
    print("top direction alignment:", round(align.item(), 8))
    proj = Xc @ Vh[:2].T
    print("projection:", tuple(proj.shape), "variance:", r(proj.var(0), 6))
    for ord in ["fro", "nuc", 2, -2, 1, float("inf")]:
        print("matrix_norm", ord, round(torch.linalg.matrix_norm(cov, ord=ord).item(), 7))
    print("cond:", round(torch.linalg.cond(cov).item(), 6), "cond fro:", round(torch.linalg.cond(cov, "fro").item(), 6))
    (S[0] + evals[0]).backward()
    print("grad X row0:", r(X.grad[0], 7))
    print("grad X total:", round(X.grad.sum().item(), 8), "abs:", round(X.grad.abs().sum().item(), 7))
    M = torch.tensor(rng.standard_normal((3, 4, 4)), requires_grad=True)
    norms = torch.linalg.matrix_norm(M, ord=2) + torch.linalg.matrix_norm(M, ord="nuc")
    norms.sum().backward()
    print("batched norms:", r(norms, 7), "grad sum:", round(M.grad.sum().item(), 7))
