"""System identification with torch.linalg in float64, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. A continuous-time linear system dx/dt = A x + B u is discretised
with torch.linalg.matrix_exp of the block matrix [[A, B], [0, 0]] (zero-order hold), simulated, and A, B are
recovered by gradient descent through matrix_exp; a least-squares initial guess comes from torch.linalg.pinv and
qr, the stability margin from eigvals (complex), and the fitted model is analysed with lu_factor / lu_solve (DC
gain), solve_ex / inv_ex, det, matrix_rank, cond, a Vandermonde basis (linalg.vander) fitted to the step response,
cross / vecdot and tensorsolve. Data from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.optim as optim


def discretise(A, B, dt):
    n, m = A.shape[0], B.shape[1]
    block = torch.zeros(n + m, n + m, dtype=A.dtype)
    block[:n, :n] = A
    block[:n, n:] = B
    E = torch.linalg.matrix_exp(block * dt)
    return E[:n, :n], E[:n, n:]


def simulate(Ad, Bd, x0, inputs):
    xs, x = [], x0
    for u in inputs:
        x = Ad @ x + Bd @ u
        xs.append(x)
    return torch.stack(xs)


def main():
    rng = np.random.default_rng(12)
    A_true = torch.tensor([[-0.5, 1.0, 0.0], [-1.0, -0.3, 0.2], [0.0, 0.4, -0.8]], dtype=torch.float64)
    B_true = torch.tensor([[0.0], [1.0], [0.5]], dtype=torch.float64)
    dt = 0.1
    Ad, Bd = discretise(A_true, B_true, dt)
    print("Ad", Ad[0], "Bd", Bd.flatten())
    inputs = torch.from_numpy(np.sign(np.sin(np.arange(60) / 4.0))[:, None] + 0.1 * rng.standard_normal((60, 1)))
    x0 = torch.tensor([1.0, 0.0, -0.5], dtype=torch.float64)
    states = simulate(Ad, Bd, x0, inputs) + 0.01 * torch.from_numpy(rng.standard_normal((60, 3)))

    prev = torch.cat([x0[None], states[:-1]])
    regress = torch.cat([prev, inputs], 1)
    theta = torch.linalg.pinv(regress) @ states
    q, r = torch.linalg.qr(regress)
    theta_qr = torch.linalg.solve_triangular(r, q.t() @ states, upper=True)
    print("least squares Ad row", theta[:3].t()[0], "qr agrees", (theta - theta_qr).abs().max().item() < 1e-10)
    print("r diag", r.diagonal().abs())

    A = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    B = torch.zeros(3, 1, dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        A.copy_(-0.2 * torch.eye(3, dtype=torch.float64))
    opt = optim.Adam([A, B], lr=0.05)
    for step in range(80):
        Adh, Bdh = discretise(A, B, dt)
        pred = prev @ Adh.t() + inputs @ Bdh.t()
        loss = (pred - states).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.12f} |dA| {A.grad.norm().item():.10f}")
    A_fit, B_fit = A.detach(), B.detach()
    print("A fit", A_fit)
    print("B fit", B_fit.flatten(), "error", (A_fit - A_true).norm().item())
    eig = torch.linalg.eigvals(A_fit)
    order = torch.argsort(eig.real * 10 + eig.imag)
    print("eigvals", eig[order], "stable", bool((eig.real < 0).all()))
    print("eigvals true", torch.linalg.eigvals(A_true).real.sort().values)

    LU, pivots = torch.linalg.lu_factor(A_fit)
    dc_gain = -torch.linalg.lu_solve(LU, pivots, B_fit)
    print("dc gain", dc_gain.flatten(), "pivots", pivots.tolist())
    sol, info = torch.linalg.solve_ex(A_fit, B_fit)
    inv, info2 = torch.linalg.inv_ex(A_fit)
    print("solve_ex", sol.flatten(), info.item(), "inv_ex row", inv[0], info2.item())
    print("det", torch.linalg.det(A_fit).item(), "rank", torch.linalg.matrix_rank(regress).item(),
          "cond", torch.linalg.cond(A_fit).item(), "cond fro", torch.linalg.cond(A_fit, "fro").item())

    t = torch.linspace(0, 1, 12, dtype=torch.float64)
    step_response = simulate(*discretise(A_fit, B_fit, dt), torch.zeros(3, dtype=torch.float64),
                             torch.ones(12, 1, dtype=torch.float64))[:, 1]
    V = torch.linalg.vander(t, N=4)
    coef = torch.linalg.lstsq(V, step_response[:, None]).solution.flatten()
    print("vander", V[3], "poly fit", coef)
    v1, v2 = A_fit[0], A_fit[1]
    print("cross", torch.linalg.cross(v1, v2), "vecdot", torch.linalg.vecdot(v1, v2).item())
    T = torch.from_numpy(rng.standard_normal((2, 3, 6)))
    rhs = torch.from_numpy(rng.standard_normal((2, 3)))
    X = torch.linalg.tensorsolve(T, rhs)
    print("tensorsolve", X.shape, X, torch.tensordot(T, X, dims=1).sub(rhs).abs().max().item() < 1e-10)

    # the gradient of a matrix-exponential quantity against finite differences
    M = torch.from_numpy(0.3 * rng.standard_normal((3, 3))).requires_grad_(True)
    f = torch.linalg.matrix_exp(M).trace() + torch.linalg.matrix_exp(2 * M)[0, 1]
    (g,) = torch.autograd.grad(f, M)
    print("matrix_exp grad", g[0], "trace identity", torch.allclose(g.diagonal().sum(), g.trace()))


if __name__ == "__main__":
    main()
