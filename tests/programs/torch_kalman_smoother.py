"""A linear-Gaussian state-space model written for PyTorch the way system-identification code writes it; tests run
it as is and with only its imports changed, and compare what both print. A constant-velocity tracker with log
process and measurement noise as parameters: the Kalman filter (predict, innovation covariance, gain by
torch.linalg.cholesky and torch.cholesky_solve, Joseph-form covariance update), its log-likelihood through
torch.linalg.slogdet and a solve_triangular whitening, the Rauch-Tung-Striebel smoother with torch.linalg.solve,
maximum-likelihood fitting of the noise parameters by gradient steps through the whole recursion, an exact
multivariate-normal log-density of the stacked observations checked against the filter's, and torch.linalg.inv /
torch.linalg.eigvalsh of the steady-state covariance. Observations from a seeded NumPy generator; float64.
"""
import math

import numpy as np
import torch


def model_matrices(dt=0.5):
    F = torch.tensor([[1.0, dt, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, dt], [0.0, 0.0, 0.0, 1.0]])
    H = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    G = torch.tensor([[0.5 * dt ** 2, 0.0], [dt, 0.0], [0.0, 0.5 * dt ** 2], [0.0, dt]])
    return F, H, G


def kalman_filter(ys, F, H, Q, R, m0, P0):
    m, P = m0, P0
    eye = torch.eye(m0.shape[0])
    loglik = torch.zeros(())
    filtered_m, filtered_P, pred_m, pred_P = [], [], [], []
    for y in ys:
        m_pred = F @ m
        P_pred = F @ P @ F.T + Q
        S = H @ P_pred @ H.T + R
        L = torch.linalg.cholesky(S)
        v = y - H @ m_pred
        K = torch.cholesky_solve(H @ P_pred, L).T
        m = m_pred + K @ v
        A = eye - K @ H
        P = A @ P_pred @ A.T + K @ R @ K.T
        white = torch.linalg.solve_triangular(L, v.unsqueeze(-1), upper=False).squeeze(-1)
        sign, logdet = torch.linalg.slogdet(S)
        loglik = loglik - 0.5 * (white @ white + logdet + y.shape[0] * math.log(2 * math.pi))
        filtered_m.append(m)
        filtered_P.append(P)
        pred_m.append(m_pred)
        pred_P.append(P_pred)
    return torch.stack(filtered_m), torch.stack(filtered_P), torch.stack(pred_m), torch.stack(pred_P), loglik


def rts_smoother(F, fm, fP, pm, pP):
    ms, Ps = [fm[-1]], [fP[-1]]
    for k in range(fm.shape[0] - 2, -1, -1):
        C = torch.linalg.solve(pP[k + 1], F @ fP[k]).T
        ms.insert(0, fm[k] + C @ (ms[0] - pm[k + 1]))
        Ps.insert(0, fP[k] + C @ (Ps[0] - pP[k + 1]) @ C.T)
    return torch.stack(ms), torch.stack(Ps)


def noise(log_q, log_r, G):
    Q = torch.exp(log_q) * (G @ G.T) + 1e-9 * torch.eye(4)
    R = torch.diag(torch.exp(log_r))
    return Q, R


def simulate(rng, F, H, G, n, q, r):
    x = np.array([0.0, 1.0, 0.0, -0.5])
    ys, xs = [], []
    for _ in range(n):
        x = F.numpy() @ x + G.numpy() @ (np.sqrt(q) * rng.standard_normal(2))
        xs.append(x)
        ys.append(H.numpy() @ x + np.sqrt(r) * rng.standard_normal(2))
    return torch.from_numpy(np.array(ys)), torch.from_numpy(np.array(xs))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(3)
    F, H, G = model_matrices()
    ys, xs = simulate(rng, F, H, G, 12, 0.4, 0.25)
    m0, P0 = torch.zeros(4), torch.eye(4) * 2.0

    log_q = torch.tensor(0.0, requires_grad=True)
    log_r = torch.tensor([0.0, 0.5], requires_grad=True)
    Q, R = noise(log_q, log_r, G)
    fm, fP, pm, pP, ll = kalman_filter(ys, F, H, Q, R, m0, P0)
    print("log-likelihood:", round(ll.item(), 8))
    ll.backward()
    print("d ll / d log q:", round(log_q.grad.item(), 8), "d ll / d log r:", [round(v, 8) for v in log_r.grad.tolist()])

    with torch.no_grad():
        sm, sP = rts_smoother(F, fm, fP, pm, pP)
    print("filter rmse:", round(torch.sqrt(((fm - xs) ** 2).mean()).item(), 8))
    print("smoother rmse:", round(torch.sqrt(((sm - xs) ** 2).mean()).item(), 8))
    print("smoothed first state:", [round(v, 8) for v in sm[0].tolist()])
    print("smoothed var trace:", [round(v, 6) for v in torch.diagonal(sP, dim1=-2, dim2=-1).sum(-1)[:4].tolist()])

    # joint Gaussian of all observations: the same likelihood in one shot
    with torch.no_grad():
        n = ys.shape[0]
        mats = [torch.linalg.matrix_power(F, k + 1) for k in range(n)]
        Pq = [torch.zeros(4, 4)]
        for k in range(n):
            Pq.append(F @ Pq[-1] @ F.T + Q)
        cov = torch.zeros(2 * n, 2 * n)
        for i in range(n):
            for j in range(n):
                lo, hi = min(i, j), max(i, j)
                cross = torch.linalg.matrix_power(F, hi - lo) @ (mats[lo] @ P0 @ mats[lo].T + Pq[lo + 1])
                block = H @ cross @ H.T if i >= j else (H @ cross @ H.T).T
                cov[2 * i:2 * i + 2, 2 * j:2 * j + 2] = block
        cov = cov + torch.block_diag(*([R] * n))
        L = torch.linalg.cholesky(cov)
        z = torch.linalg.solve_triangular(L, ys.reshape(-1, 1), upper=False)
        joint = -0.5 * (z.pow(2).sum() + 2 * torch.log(torch.diagonal(L)).sum() + 2 * n * math.log(2 * math.pi))
    print("joint log-density:", round(joint.item(), 8), "matches filter:", bool(torch.isclose(joint, ll.detach())))

    opt = torch.optim.Adam([log_q, log_r], lr=0.1)
    for step in range(6):
        opt.zero_grad()
        Q, R = noise(log_q, log_r, G)
        nll = -kalman_filter(ys, F, H, Q, R, m0, P0)[-1]
        nll.backward()
        opt.step()
        print(f"mle step {step}: nll {nll.item():.8f} q {log_q.exp().item():.8f} "
              f"r {[round(v, 8) for v in log_r.exp().tolist()]}")
    with torch.no_grad():
        P_ss = fP[-1]
        print("steady-state eigvals:", [round(v, 8) for v in torch.linalg.eigvalsh(P_ss).tolist()])
        print("information trace:", round(torch.linalg.inv(P_ss).trace().item(), 6))
