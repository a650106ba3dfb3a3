"""Structural analysis of a small planar truss, written for PyTorch with torch.linalg: the stiffness matrix is
assembled with index_put_(accumulate=True), supports are imposed through a KKT system solved with ldl_factor /
ldl_solve and with lu_factor / lu_solve (one factorisation, several load cases), natural frequencies from the
generalised eigenproblem K v = w^2 M v via cholesky_ex and solve_triangular then eigh, a QR through geqrf and
householder_product, the member areas fitted by gradient descent through linalg.solve to hit a target deflection,
and the condition numbers, ranks and norms printed along the way. Float64, geometry from a seeded NumPy generator."""
import numpy as np
import torch


def element_matrices(nodes, members):
    d = nodes[members[:, 1]] - nodes[members[:, 0]]
    length = torch.linalg.vector_norm(d, dim=1)
    c, s = d[:, 0] / length, d[:, 1] / length
    v = torch.stack([-c, -s, c, s], dim=1)
    return length, v.unsqueeze(2) * v.unsqueeze(1)


def assemble(nodes, members, areas, youngs=200.0):
    length, outer = element_matrices(nodes, members)
    k_local = (youngs * areas / length)[:, None, None] * outer
    dofs = torch.stack([2 * members[:, 0], 2 * members[:, 0] + 1, 2 * members[:, 1], 2 * members[:, 1] + 1], 1)
    rows = dofs.unsqueeze(2).expand(-1, 4, 4).reshape(-1)
    cols = dofs.unsqueeze(1).expand(-1, 4, 4).reshape(-1)
    n = 2 * nodes.shape[0]
    return torch.zeros(n, n, dtype=nodes.dtype).index_put((rows, cols), k_local.reshape(-1), accumulate=True)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(716)
    base = np.array([[0, 0], [1, 0], [2, 0], [3, 0], [0.5, 1], [1.5, 1], [2.5, 1]], dtype=np.float64)
    nodes = torch.from_numpy(base + rng.normal(0, 0.03, base.shape))
    members = torch.tensor([[0, 1], [1, 2], [2, 3], [4, 5], [5, 6], [0, 4], [1, 4], [1, 5], [2, 5], [2, 6],
                            [3, 6]])
    areas = torch.from_numpy(rng.uniform(0.8, 1.2, len(members)))
    K = assemble(nodes, members, areas)
    print("K", K.shape, "symmetric", torch.allclose(K, K.T), "rank", torch.linalg.matrix_rank(K, hermitian=True).item())
    eig = torch.linalg.eigvalsh(K)
    print("rigid modes", int((eig.abs() < 1e-9).sum()), "smallest elastic", eig[3:6])

    fixed = torch.tensor([0, 1, 7])
    C = torch.zeros(len(fixed), K.shape[0])
    C[torch.arange(len(fixed)), fixed] = 1.0
    kkt = torch.cat([torch.cat([K, C.T], 1), torch.cat([C, torch.zeros(3, 3)], 1)], 0)
    loads = torch.zeros(K.shape[0], 3)
    loads[9, 0], loads[11, 1], loads[12, 2], loads[2 * 5, 2] = -1.0, -2.0, 0.5, 1.0
    rhs = torch.cat([loads, torch.zeros(3, 3)], 0)
    LD, pivots = torch.linalg.ldl_factor(kkt)
    x_ldl = torch.linalg.ldl_solve(LD, pivots, rhs)
    LU, piv = torch.linalg.lu_factor(kkt)
    x_lu = torch.linalg.lu_solve(LU, piv, rhs)
    print("ldl == lu", torch.allclose(x_ldl, x_lu, atol=1e-10), "pivots", pivots.dtype, piv[:5])
    u = x_lu[: K.shape[0]]
    print("tip deflections", u[9], u[11])
    reactions = x_lu[K.shape[0]:]
    print("reactions", torch.where(reactions.abs() < 1e-12, torch.zeros_like(reactions), reactions))
    print("equilibrium residual", torch.linalg.matrix_norm(kkt @ x_lu - rhs).item() < 1e-10)
    print("kkt cond", torch.linalg.cond(kkt).item(), torch.linalg.cond(kkt, p="fro").item())

    lumped = torch.zeros(K.shape[0])
    length, _ = element_matrices(nodes, members)
    for m, (a, b) in enumerate(members.tolist()):
        for node in (a, b):
            lumped[2 * node: 2 * node + 2] += 0.5 * areas[m] * length[m]
    free = torch.tensor([i for i in range(K.shape[0]) if i not in fixed.tolist()])
    Kf, Mf = K[free][:, free], torch.diag(lumped[free] + 0.1)
    L, info = torch.linalg.cholesky_ex(Mf)
    print("cholesky info", info.item(), torch.linalg.cholesky_ex(Kf - 5.0 * torch.eye(len(free))).info.item())
    Linv_K = torch.linalg.solve_triangular(L, Kf, upper=False)
    A = torch.linalg.solve_triangular(L, Linv_K.T, upper=False).T
    w2, modes = torch.linalg.eigh(A)
    print("frequencies", torch.sqrt(w2[:5]))
    phi = torch.linalg.solve_triangular(L.T, modes, upper=True)
    print("M-orthonormal", torch.allclose(phi.T @ Mf @ phi, torch.eye(len(free)), atol=1e-10))

    a_qr, tau = torch.geqrf(Kf[:, :6])
    Q = torch.linalg.householder_product(a_qr, tau)
    Q2, R2 = torch.linalg.qr(Kf[:, :6])
    print("householder Q", Q.shape, torch.allclose(Q.abs(), Q2.abs(), atol=1e-10), torch.diagonal(a_qr).abs()[:3])

    log_areas = torch.log(areas).clone().requires_grad_(True)
    opt = torch.optim.Adam([log_areas], lr=0.05)
    for step in range(8):
        opt.zero_grad()
        Kx = assemble(nodes, members, torch.exp(log_areas))
        kkt_x = torch.cat([torch.cat([Kx, C.T], 1), torch.cat([C, torch.zeros(3, 3)], 1)], 0)
        sol = torch.linalg.solve(kkt_x, rhs)
        deflection = sol[11, 1]
        weight = (torch.exp(log_areas) * length).sum()
        loss = (deflection + 0.02) ** 2 * 1e3 + 0.01 * weight
        loss.backward()
        opt.step()
        print(f"step {step} deflection {deflection.item():.6f} weight {weight.item():.5f} "
              f"grad norm {log_areas.grad.norm().item():.6f}")
    print("areas", torch.exp(log_areas.detach()))
    sens = torch.func.jacrev(lambda a: torch.linalg.solve(kkt[9:12, 9:12] + torch.diag(a), rhs[9:12, 1:2]))(areas[:3])
    print("sensitivity", sens.squeeze(1), torch.linalg.svdvals(sens.squeeze(1)))


if __name__ == "__main__":
    main()
