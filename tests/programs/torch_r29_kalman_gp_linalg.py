"""A Kalman filter and a Gaussian-process regression written with torch.linalg, with gradients of the
marginal likelihoods: the state transition of a damped oscillator comes from `matrix_exp` of its generator, the
filter's gains from `cholesky` + `cholesky_solve`, the innovations' log-likelihood from `solve_triangular`;
the GP posterior from `cholesky_solve`, its predictive variance from `solve_triangular(left=False)`, a second
solve path through `lu_factor` + `lu_solve` (also `adjoint=True`), a least-squares trend through `lstsq`, and the
noise/lengthscale/frequency gradients from one backward. Float64; the data come from torch.manual_seed.
"""
import math

import torch


def transition(omega, zeta, dt):
    gen = torch.stack([torch.stack([torch.zeros_like(omega), torch.ones_like(omega)]),
                       torch.stack([-omega ** 2, -2 * zeta * omega])])
    return torch.linalg.matrix_exp(gen * dt)


def kalman_loglik(ys, A, Q, R, H):
    m = torch.zeros(2, dtype=ys.dtype)
    P = torch.eye(2, dtype=ys.dtype)
    total = ys.new_zeros(())
    for y in ys:
        m = A @ m
        P = A @ P @ A.T + Q
        S = H @ P @ H.T + R
        L = torch.linalg.cholesky(S)
        innov = (y - H @ m).unsqueeze(-1)
        z = torch.linalg.solve_triangular(L, innov, upper=False)
        total = total - 0.5 * (z.pow(2).sum() + 2 * torch.log(torch.diagonal(L)).sum() + math.log(2 * math.pi))
        K = torch.cholesky_solve(H @ P, L).T
        m = m + (K @ innov).squeeze(-1)
        P = (torch.eye(2, dtype=ys.dtype) - K @ H) @ P
    return total, m, P


def rbf(a, b, ell):
    return torch.exp(-0.5 * torch.cdist(a, b).pow(2) / ell ** 2)


def main():
    torch.manual_seed(0)
    dt = 0.1
    A_true = transition(torch.tensor(2.0, dtype=torch.float64), torch.tensor(0.1, dtype=torch.float64), dt)
    print("A_true", A_true)
    x = torch.tensor([1.0, 0.0], dtype=torch.float64)
    H = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    ys = []
    for _ in range(30):
        x = A_true @ x + 0.02 * torch.randn(2, dtype=torch.float64)
        ys.append(H @ x + 0.1 * torch.randn(1, dtype=torch.float64))
    ys = torch.stack(ys)
    omega = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    zeta = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    log_r = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([omega, zeta, log_r], lr=0.05)
    for step in range(6):
        opt.zero_grad()
        A = transition(omega, zeta, dt)
        ll, m, P = kalman_loglik(ys, A, 1e-3 * torch.eye(2, dtype=torch.float64), log_r.exp().reshape(1, 1), H)
        (-ll).backward()
        print(f"kalman {step}: ll {ll.item():.10f} d_omega {omega.grad.item():.8f} d_zeta {zeta.grad.item():.8f}"
              f" d_logr {log_r.grad.item():.8f}")
        opt.step()
    print("filtered mean", m, "cov diag", torch.diagonal(P))
    print("ll node", ll.grad_fn.name(), "A node", A.grad_fn.name())

    xt = torch.rand(12, 1, dtype=torch.float64) * 4
    yt = torch.sin(2 * xt).squeeze(-1) + 0.3 * xt.squeeze(-1) + 0.05 * torch.randn(12, dtype=torch.float64)
    design = torch.cat([torch.ones_like(xt), xt], dim=1)
    trend = torch.linalg.lstsq(design, yt.unsqueeze(-1))
    print("lstsq trend", trend.solution.squeeze(-1), trend.rank, trend.residuals)
    resid = yt - (design @ trend.solution).squeeze(-1)
    log_ell = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    log_noise = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    xs = torch.linspace(0, 4, 5, dtype=torch.float64).unsqueeze(-1)
    for step in range(4):
        K = rbf(xt, xt, log_ell.exp()) + log_noise.exp() * torch.eye(12, dtype=torch.float64)
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(resid.unsqueeze(-1), L)
        mll = -0.5 * (resid.unsqueeze(0) @ alpha).squeeze() - torch.log(torch.diagonal(L)).sum() \
            - 6 * math.log(2 * math.pi)
        g_ell, g_noise = torch.autograd.grad(mll, [log_ell, log_noise])
        print(f"gp {step}: mll {mll.item():.10f} grads {g_ell.item():.8f} {g_noise.item():.8f}")
        with torch.no_grad():
            log_ell += 0.1 * g_ell
            log_noise += 0.1 * g_noise
    K = rbf(xt, xt, log_ell.exp()) + log_noise.exp() * torch.eye(12, dtype=torch.float64)
    L = torch.linalg.cholesky(K)
    Ks = rbf(xs, xt, log_ell.exp())
    alpha = torch.cholesky_solve(resid.unsqueeze(-1), L)
    mean = (Ks @ alpha).squeeze(-1)
    V = torch.linalg.solve_triangular(L.T, Ks, upper=True, left=False)
    var = 1.0 - V.pow(2).sum(-1)
    print("posterior mean", mean)
    print("posterior var", var)
    LU, piv = torch.linalg.lu_factor(K)
    alpha_lu = torch.linalg.lu_solve(LU, piv, resid.unsqueeze(-1))
    alpha_adj = torch.linalg.lu_solve(LU, piv, resid.unsqueeze(-1), adjoint=True)
    print("lu pivots", piv.tolist(), piv.dtype)
    print("lu agrees", torch.allclose(alpha_lu, alpha), torch.allclose(alpha_adj, alpha))
    mean.sum().backward()
    print("d mean / d log_ell", log_ell.grad, "d mean / d log_noise", log_noise.grad)
    print("nodes", L.grad_fn.name(), alpha.grad_fn.name(), V.grad_fn.name(), alpha_lu.grad_fn.name())


if __name__ == "__main__":
    main()
