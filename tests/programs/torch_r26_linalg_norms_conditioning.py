"""Norms, conditioning and determinants as a numerical analyst writes them with torch.linalg, in float64:
vector_norm over every ord (2, 1, inf, -inf, 0, 3.5, -1) with dim tuples, keepdim and dtype=, matrix_norm over
every ord ('fro', 'nuc', 2, -2, 1, -1, inf, -inf) on batches, linalg.norm choosing between them, cond under
each p with its relation to the singular values, slogdet of batched matrices with negative and positive
determinants, det and logdet, multi_dot with a vector at either end, householder_product rebuilding Q from
geqrf, and gradients of each (the nuclear and spectral norms, cond, slogdet's log|det|, multi_dot's chain, the
reflectors) with the grad_fn names; a ridge-regularised least squares whose condition number is printed as the
regulariser grows; and a Newton-Schulz inverse iteration stopped by a matrix-norm residual.
"""
import torch


def main():
    torch.manual_seed(2607)
    v = torch.randn(3, 4, dtype=torch.float64)
    v[0, 1] = 0.0
    for ord in [2, 1, float("inf"), float("-inf"), 0, 3.5, -1]:
        print("vector", ord, torch.linalg.vector_norm(v, ord=ord), torch.linalg.vector_norm(v, ord=ord, dim=1))
    print(torch.linalg.vector_norm(v, dim=(0, 1), keepdim=True), torch.linalg.vector_norm(v.float(),
          dtype=torch.float64).dtype)
    A = torch.randn(2, 3, 3, dtype=torch.float64)
    for ord in ["fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf")]:
        print("matrix", ord, torch.linalg.matrix_norm(A, ord=ord))
    print(torch.linalg.norm(v), torch.linalg.norm(v, ord=2), torch.linalg.norm(v, ord=2, dim=1),
          torch.linalg.norm(A, dim=(1, 2)))
    for p in [None, 2, -2, "fro", "nuc", 1, float("inf")]:
        print("cond", p, torch.linalg.cond(A, p=p))
    s = torch.linalg.svdvals(A)
    print(s, s[..., 0] / s[..., -1])
    B = torch.randn(4, 3, 3, dtype=torch.float64)
    sign, logabs = torch.linalg.slogdet(B)
    print(sign, logabs, torch.linalg.det(B), sign * logabs.exp())
    print(torch.logdet(B), torch.det(B[0]))

    M1 = torch.randn(3, 4, dtype=torch.float64)
    M2 = torch.randn(4, 5, dtype=torch.float64)
    M3 = torch.randn(5, 2, dtype=torch.float64)
    u = torch.randn(3, dtype=torch.float64)
    w = torch.randn(2, dtype=torch.float64)
    print(torch.linalg.multi_dot([M1, M2, M3]), torch.linalg.multi_dot([u, M1, M2, M3]).shape,
          torch.linalg.multi_dot([u, M1, M2, M3, w]))

    G = torch.randn(5, 3, dtype=torch.float64)
    qr_a, tau = torch.geqrf(G)
    Q = torch.linalg.householder_product(qr_a, tau)
    Q_ref, R_ref = torch.linalg.qr(G)
    print(Q.shape, (Q.abs() - Q_ref.abs()).abs().max() < 1e-12, (Q.T @ Q - torch.eye(3, dtype=torch.float64)).abs().max() < 1e-12)
    print(tau)

    Ag = A.clone().requires_grad_()
    print(torch.linalg.matrix_norm(Ag, 1).grad_fn.name(), torch.linalg.matrix_norm(Ag, -float("inf"), keepdim=True)
          .grad_fn.name(), torch.linalg.tensorinv(Ag[0], 1).grad_fn.name())
    loss = torch.linalg.matrix_norm(Ag, ord="nuc").sum() + torch.linalg.matrix_norm(Ag, ord=2).sum()
    loss.backward()
    print(loss.item(), Ag.grad)
    Ag.grad = None
    torch.linalg.cond(Ag).sum().backward()
    print(Ag.grad)
    Bg = B.clone().requires_grad_()
    sign, logabs = torch.linalg.slogdet(Bg)
    print(logabs.grad_fn.name())
    logabs.sum().backward()
    print(Bg.grad, (Bg.grad - torch.linalg.inv(B).transpose(-2, -1)).abs().max() < 1e-10)
    vg = v.clone().requires_grad_()
    norms = torch.linalg.vector_norm(vg, ord=3.5, dim=1) + torch.linalg.vector_norm(vg, ord=float("inf"))
    norms.sum().backward()
    print(norms.grad_fn.name(), vg.grad)
    parts = [M1.clone().requires_grad_(), M2.clone().requires_grad_(), M3.clone().requires_grad_()]
    chain = torch.linalg.multi_dot(parts)
    chain.pow(2).sum().backward()
    print(chain.grad_fn.name(), parts[1].grad)
    ag = qr_a.clone().requires_grad_()
    tg = tau.clone().requires_grad_()
    Qg = torch.linalg.householder_product(ag, tg)
    (Qg * torch.arange(15.0, dtype=torch.float64).view(5, 3)).sum().backward()
    print(Qg.grad_fn.name(), ag.grad, tg.grad)

    X = torch.randn(8, 3, dtype=torch.float64)
    X[:, 2] = X[:, 0] + 1e-2 * torch.randn(8, dtype=torch.float64)
    y = torch.randn(8, dtype=torch.float64)
    for lam in [0.0, 1e-3, 1e-1, 1.0]:
        lhs = X.T @ X + lam * torch.eye(3, dtype=torch.float64)
        beta = torch.linalg.solve(lhs, X.T @ y)
        print(lam, f"{torch.linalg.cond(lhs).item():.6e}", beta, torch.linalg.vector_norm(X @ beta - y))

    P = torch.randn(4, 4, dtype=torch.float64) + 4 * torch.eye(4, dtype=torch.float64)
    Y = P.T / (torch.linalg.matrix_norm(P, ord=1) * torch.linalg.matrix_norm(P, ord=float("inf")))
    eye = torch.eye(4, dtype=torch.float64)
    for it in range(30):
        residual = torch.linalg.matrix_norm(eye - P @ Y)
        if residual < 1e-10:
            break
        Y = Y @ (2 * eye - P @ Y)
    print(it, residual < 1e-10, (Y - torch.linalg.inv(P)).abs().max() < 1e-9)


if __name__ == "__main__":
    main()
