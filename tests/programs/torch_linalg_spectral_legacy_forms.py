"""More of torch.linalg and its older torch.* spellings in float64, as control and statistics code calls them:
matrix_exp of a batch with gradients (a rotation generator and a rate matrix), eig / eigvals of non-symmetric
matrices as complex tensors with a gradient through the real parts of the eigenvalues, geqrf + orgqr / ormqr,
cholesky_inverse and cholesky_solve (upper and lower), lu_unpack of lu_factor, solve with left=False, vander with
N and increasing powers, vecdot, multi_dot with vectors at the ends, linalg.diagonal, cross with dim, and the
gradient of a Gaussian log-likelihood through cholesky / solve_triangular.
"""
import math

import numpy as np
import torch


def main():
    rng = np.random.default_rng(4242)
    torch.set_printoptions(precision=6)

    w = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)
    zero = torch.zeros((), dtype=torch.float64)
    K = torch.stack([torch.stack([zero, -w[2], w[1]]), torch.stack([w[2], zero, -w[0]]),
                     torch.stack([-w[1], w[0], zero])])
    R = torch.linalg.matrix_exp(K)
    print("rotation", R[0], "det", torch.linalg.det(R).item())
    print("orthogonal", torch.allclose(R.T @ R, torch.eye(3, dtype=torch.float64)))
    R.trace().backward()
    print("trace grad", w.grad, "angle", w.norm().item(), "1 + 2cos", 1 + 2 * math.cos(w.norm().item()))
    Q = torch.tensor(rng.uniform(0.1, 1.0, size=(2, 3, 3)), requires_grad=True)
    gen = Q - torch.diag_embed(Q.sum(-1))
    P = torch.linalg.matrix_exp(0.5 * gen)
    print("rate matrix rows sum to one", P.sum(-1))
    shear = torch.tensor([[0.0, 1.5, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
    print("nilpotent exp", torch.linalg.matrix_exp(shear), torch.matrix_exp(torch.zeros(2, 2, dtype=torch.float64)))
    P[:, 0, 2].sum().backward()
    print("rate grad", Q.grad[1, 0])

    A = torch.tensor(rng.normal(size=(4, 4)), requires_grad=True)
    vals, vecs = torch.linalg.eig(A)
    order = torch.argsort(vals.real.detach(), stable=True)
    print("eig dtype", vals.dtype, vecs.dtype, vals[order])
    ev = torch.linalg.eigvals(A)
    print("eigvals match", torch.allclose(ev[torch.argsort(ev.real.detach(), stable=True)], vals[order]))
    recon = (vecs @ torch.diag_embed(vals) @ torch.linalg.inv(vecs)).real
    print("reconstruct", torch.allclose(recon, A.detach()))
    ev.real.max().backward(retain_graph=True)
    print("spectral abscissa grad", A.grad[0])
    A.grad = None
    (ev.abs() ** 2).sum().backward()
    print("sum |lambda|^2 grad", A.grad[2])

    M = torch.tensor(rng.normal(size=(5, 3)))
    a, tau = torch.geqrf(M)
    Qh = torch.linalg.householder_product(a, tau)
    Qo = torch.orgqr(a, tau)
    print("geqrf tau", tau, "orgqr same", torch.allclose(Qh, Qo))
    Rm = torch.triu(a[:3])
    print("QR reconstructs", torch.allclose(Qh @ Rm, M))
    C = torch.tensor(rng.normal(size=(5, 2)))
    print("ormqr", torch.ormqr(a, tau, C)[:, 0], torch.ormqr(a, tau, C, transpose=True)[:2, 1])
    print("ormqr right", torch.ormqr(a, tau, C.T, left=False)[1])

    B = torch.tensor(rng.normal(size=(4, 4)))
    S = B @ B.T + torch.eye(4, dtype=torch.float64)
    L = torch.linalg.cholesky(S)
    U = torch.linalg.cholesky(S, upper=True)
    print("cholesky_inverse", torch.allclose(torch.cholesky_inverse(L), torch.linalg.inv(S)),
          torch.allclose(torch.cholesky_inverse(U, upper=True), torch.linalg.inv(S)))
    rhs = torch.tensor(rng.normal(size=(4, 2)))
    print("cholesky_solve", torch.cholesky_solve(rhs, L)[:, 0], torch.cholesky_solve(rhs, U, upper=True)[:, 1])

    G = torch.tensor(rng.normal(size=(2, 3, 3)))
    LU, piv = torch.linalg.lu_factor(G)
    Pm, Lm, Um = torch.lu_unpack(LU, piv)
    print("lu_unpack", Pm.shape, torch.allclose(Pm @ Lm @ Um, G), Lm[1].diagonal(), piv.tolist())
    _, Lonly, Uonly = torch.lu_unpack(LU, piv, unpack_pivots=False)
    print("unpack_data only", Lonly[0, 2], Uonly[0, 0])

    X = torch.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    Y = torch.linalg.solve(G[0], X, left=False)
    print("solve left=False", Y[0], torch.allclose(Y @ G[0], X))
    Y.sum().backward()
    print("solve right grad", X.grad[1])

    x = torch.tensor([1.0, 2.0, 3.0, 0.5], dtype=torch.float64, requires_grad=True)
    V = torch.linalg.vander(x, N=5)
    print("vander", V[1], torch.vander(x.detach(), N=3, increasing=False)[1], torch.vander(x.detach())[3])
    V.sum().backward()
    print("vander grad", x.grad)
    u = torch.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    v = torch.tensor(rng.normal(size=(4,)))
    vd = torch.linalg.vecdot(u, v)
    print("vecdot", vd, torch.linalg.vecdot(u, u, dim=0))
    p, q = torch.tensor(rng.normal(size=3)), torch.tensor(rng.normal(size=5))
    mats = [torch.tensor(rng.normal(size=(3, 4)), requires_grad=True), torch.tensor(rng.normal(size=(4, 5)))]
    md = torch.linalg.multi_dot([p, mats[0], mats[1], q])
    print("multi_dot", md.item(), md.shape, torch.linalg.multi_dot([mats[0], mats[1]]).shape)
    (md + vd.sum()).backward()
    print("multi_dot grad", mats[0].grad[0], "vecdot grad", u.grad[2])
    T = torch.arange(24.0, dtype=torch.float64).reshape(2, 3, 4)
    print("linalg.diagonal", torch.linalg.diagonal(T), torch.linalg.diagonal(T, offset=1, dim1=0, dim2=2))
    a3, b3 = torch.tensor(rng.normal(size=(3, 2))), torch.tensor(rng.normal(size=(3, 2)))
    print("cross dim 0", torch.linalg.cross(a3, b3, dim=0)[:, 1], torch.cross(a3.T, b3.T, dim=1)[0])

    mu = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    F = torch.tensor(rng.normal(size=(3, 3)), requires_grad=True)
    data = torch.tensor(rng.normal(size=(10, 3)))
    cov = F @ F.T + 0.5 * torch.eye(3, dtype=torch.float64)
    Lc = torch.linalg.cholesky(cov)
    z = torch.linalg.solve_triangular(Lc, (data - mu).T, upper=False)
    nll = 0.5 * (z ** 2).sum() + data.shape[0] * (Lc.diagonal().log().sum() + 1.5 * math.log(2 * math.pi))
    nll.backward()
    ref = -torch.distributions.MultivariateNormal(mu.detach(), cov.detach()).log_prob(data).sum()
    print("gaussian nll", nll.item(), ref.item())
    print("nll grads", mu.grad, F.grad[1])
