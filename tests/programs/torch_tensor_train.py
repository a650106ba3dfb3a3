"""Tensor networks in float64, written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. A matrix-product-state (tensor-train) model of a function on a 2^L grid is contracted with
torch.einsum (ellipsis and explicit output), its norm by a transfer-matrix sweep, fitted by Adam, and compared with
the same contraction through tensordot (int and list dims), linalg.multi_dot, chain_matmul, kron (a Kronecker
factorised linear layer), baddbmm / addbmm / addmm / addmv / addr / addcmul / addcdiv and torch.outer; a TT-SVD
decomposition by repeated torch.linalg.svd with truncation, and einsum with repeated indices (trace / diagonal) and
sublist format. Data and cores from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.optim as optim


def mps_full(cores):
    out = cores[0]  # (1, 2, r)
    for core in cores[1:]:
        out = torch.einsum("...a,asb->...sb", out, core)
    return out.reshape(-1)


def mps_norm2(cores):
    env = torch.ones(1, 1, dtype=torch.float64)
    for core in cores:
        env = torch.einsum("ab,asc,bsd->cd", env, core, core)
    return env.squeeze()


def tt_svd(tensor, max_rank):
    dims = tensor.shape
    cores, rank, rest = [], 1, tensor
    for d in dims[:-1]:
        mat = rest.reshape(rank * d, -1)
        u, s, vh = torch.linalg.svd(mat, full_matrices=False)
        r = min(max_rank, s.shape[0])
        cores.append(u[:, :r].reshape(rank, d, r))
        rest = s[:r, None] * vh[:r]
        rank = r
    cores.append(rest.reshape(rank, dims[-1], 1))
    return cores


def main():
    rng = np.random.default_rng(1234)
    L, rank = 6, 3
    grid = np.linspace(0, 1, 2 ** L)
    target = torch.from_numpy(np.sin(6 * grid) * np.exp(-grid) + 0.3 * np.cos(17 * grid))
    shapes = [(1, 2, rank)] + [(rank, 2, rank)] * (L - 2) + [(rank, 2, 1)]
    cores = [torch.from_numpy(0.5 * rng.standard_normal(s)).requires_grad_(True) for s in shapes]
    print("norm^2 by sweep", mps_norm2(cores).item(), "by full", mps_full(cores).pow(2).sum().item())
    opt = optim.Adam(cores, lr=0.05)
    for step in range(60):
        loss = (mps_full(cores) - target).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 6 == 0:
            print(f"step {step} mse {loss.item():.10f} core0 grad {cores[0].grad.norm().item():.8f}")
    with torch.no_grad():
        fitted = mps_full(cores)
        print("fitted head", fitted[:4], "params", sum(c.numel() for c in cores))
        for max_rank in (1, 2, 4):
            tt = tt_svd(target.reshape([2] * L), max_rank)
            err = (mps_full(tt) - target).norm() / target.norm()
            print(f"tt-svd rank {max_rank} rel err {err.item():.10f} ranks {[c.shape[2] for c in tt]}")

    a = torch.from_numpy(rng.standard_normal((3, 4, 5)))
    b = torch.from_numpy(rng.standard_normal((5, 4, 2)))
    t1 = torch.tensordot(a, b, dims=([1, 2], [1, 0]))
    t2 = torch.einsum("ijk,kjl->il", a, b)
    t3 = torch.tensordot(a, b.permute(1, 0, 2).reshape(20, 2).reshape(4, 5, 2), dims=2)
    print("tensordot", t1[0], (t1 - t2).abs().max().item(), t3.shape)
    sq = torch.from_numpy(rng.standard_normal((4, 4)))
    print("trace/diag by einsum", torch.einsum("ii", sq).item(), torch.einsum("ii->i", sq),
          torch.einsum(sq, [0, 1], sq, [1, 2], [0, 2])[0])
    mats = [torch.from_numpy(rng.standard_normal(s)) for s in ((3, 6), (6, 2), (2, 5), (5, 4))]
    print("multi_dot", torch.linalg.multi_dot(mats)[1],
          (torch.linalg.multi_dot(mats) - torch.chain_matmul(*mats)).abs().max().item())

    # a Kronecker-factorised linear layer: W = A kron B, applied without forming W
    A = torch.from_numpy(0.5 * rng.standard_normal((3, 2))).requires_grad_(True)
    B = torch.from_numpy(0.5 * rng.standard_normal((4, 3))).requires_grad_(True)
    x = torch.from_numpy(rng.standard_normal((5, 6)))
    y_full = x @ torch.kron(A, B).t()
    y_fact = torch.einsum("ia,jb,nab->nij", A, B, x.reshape(5, 2, 3)).reshape(5, 12)
    print("kron layer", y_full[0, :4], (y_full - y_fact).abs().max().item())
    y_fact.pow(2).sum().backward()
    print("kron grads", A.grad, B.grad.sum().item())

    M = torch.from_numpy(rng.standard_normal((2, 3, 3)))
    N = torch.from_numpy(rng.standard_normal((2, 3, 4)))
    bias = torch.from_numpy(rng.standard_normal((3, 4)))
    v = torch.from_numpy(rng.standard_normal(3))
    w = torch.from_numpy(rng.standard_normal(4))
    print("baddbmm", torch.baddbmm(bias, M, N, beta=0.5, alpha=2.0)[1, 0])
    print("addbmm", torch.addbmm(bias, M, N, alpha=0.5)[2])
    print("addmm", torch.addmm(bias, M[0], N[0], beta=2.0)[0], "addmv", torch.addmv(v, M[1], v, alpha=-1.0))
    print("addr", torch.addr(bias, v, w)[1], "outer", torch.outer(v, w)[2])
    print("addcmul", torch.addcmul(v, v, v, value=0.5), "addcdiv", torch.addcdiv(w, w, w.abs() + 1, value=-2.0))


if __name__ == "__main__":
    main()
