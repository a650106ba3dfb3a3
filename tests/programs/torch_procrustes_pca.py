"""Shape alignment and dimensionality reduction through matrix decompositions, as geometry and statistics code
writes them; tests run it as is and with only its imports changed, and compare what both print, values and
gradients. Orthogonal Procrustes and Kabsch alignment through torch.linalg.svd with a reflection fix, PCA through
torch.linalg.eigh of the covariance and through the SVD with explained variance, ZCA whitening
with eigh, Gram-Schmidt against torch.linalg.qr (sign-fixed), a Mahalanobis distance through cholesky and
cholesky_solve, log-determinants through slogdet / logdet, matrix square root and inverse square root, and
gradients of a Procrustes loss, of singular values and of eigenvalues. Float64, NumPy data.
"""
import math

import numpy as np
import torch


def kabsch(p, q):
    pc, qc = p - p.mean(0), q - q.mean(0)
    h = pc.T @ qc
    u, s, vh = torch.linalg.svd(h)
    d = torch.sign(torch.linalg.det(vh.T @ u.T))
    fix = torch.diag(torch.stack([torch.ones_like(d), torch.ones_like(d), d]))
    rot = vh.T @ fix @ u.T
    return rot, q.mean(0) - p.mean(0) @ rot.T


def main():
    rng = np.random.default_rng(125)
    pts = torch.tensor(rng.standard_normal((10, 3)), dtype=torch.float64)
    angle = 0.7
    true_rot = torch.tensor([[math.cos(angle), -math.sin(angle), 0.0], [math.sin(angle), math.cos(angle), 0.0],
                             [0.0, 0.0, 1.0]], dtype=torch.float64)
    moved = pts @ true_rot.T + torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    noisy = moved + 0.01 * torch.tensor(rng.standard_normal((10, 3)), dtype=torch.float64)
    rot, shift = kabsch(pts, noisy)
    print(rot, shift, torch.linalg.det(rot), (pts @ rot.T + shift - noisy).norm())
    a = torch.tensor(rng.standard_normal((6, 4)), dtype=torch.float64)
    b = a @ torch.linalg.qr(torch.tensor(rng.standard_normal((4, 4)), dtype=torch.float64)).Q
    u, s, vh = torch.linalg.svd(a.T @ b)
    omega = u @ vh
    print(omega.T @ omega - torch.eye(4, dtype=torch.float64) < 1e-12, (a @ omega - b).abs().max() < 1e-10)
    data = torch.tensor(rng.standard_normal((50, 4)) @ rng.standard_normal((4, 4)), dtype=torch.float64)
    centred = data - data.mean(0)
    cov = centred.T @ centred / (data.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    print(evals, torch.allclose(cov, torch.cov(data.T)), evecs.abs()[:, -1])
    _, sv, vt = torch.linalg.svd(centred, full_matrices=False)
    explained = sv ** 2 / (data.shape[0] - 1)
    print(explained, explained / explained.sum(), torch.allclose(explained.flip(0), evals))
    proj = centred @ vt[:2].T
    print(proj.var(0), proj[:2].abs())
    zca = evecs @ torch.diag(evals.rsqrt()) @ evecs.T
    white = centred @ zca
    print(torch.cov(white.T).diagonal(), white[0])
    qm, rm = torch.linalg.qr(a)
    signs = torch.sign(torch.diagonal(rm))
    qm, rm = qm * signs, rm * signs[:, None]
    basis = []
    for col in a.T:
        v = col.clone()
        for e in basis:
            v = v - (v @ e) * e
        basis.append(v / v.norm())
    gs = torch.stack(basis, dim=1)
    print(rm.diagonal(), (gs - qm).abs().max() < 1e-10, torch.linalg.qr(a, mode="r").R.shape, torch.linalg.qr(a, mode="complete").Q.shape)
    spd = cov + 0.1 * torch.eye(4, dtype=torch.float64)
    chol = torch.linalg.cholesky(spd)
    diff = (data[:5] - data.mean(0)).T
    maha = (diff * torch.cholesky_solve(diff, chol)).sum(0)
    z = torch.linalg.solve_triangular(chol, diff, upper=False)
    print(maha, (z ** 2).sum(0), torch.linalg.cholesky(spd, upper=True)[0])
    sign, logabs = torch.linalg.slogdet(spd)
    print(sign, logabs, torch.logdet(spd), 2 * chol.diagonal().log().sum(), torch.linalg.slogdet(a[:4]))
    ev, vecs = torch.linalg.eigh(spd)
    sqrt_m = vecs @ torch.diag(ev.sqrt()) @ vecs.T
    inv_sqrt = vecs @ torch.diag(ev.rsqrt()) @ vecs.T
    print((sqrt_m @ sqrt_m - spd).abs().max() < 1e-12, (inv_sqrt @ spd @ inv_sqrt - torch.eye(4, dtype=torch.float64)).abs().max() < 1e-12)
    r = torch.tensor(rng.standard_normal((3, 3)), dtype=torch.float64, requires_grad=True)
    target = true_rot
    opt = torch.optim.SGD([r], lr=0.1)
    for step in range(4):
        uu, ss, vvh = torch.linalg.svd(r)
        proj_rot = uu @ vvh
        loss = ((pts @ proj_rot.T - pts @ target.T) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.8f}", r.grad[0])
    m = torch.tensor(rng.standard_normal((4, 3)), dtype=torch.float64, requires_grad=True)
    torch.linalg.svdvals(m).sum().backward()
    print(m.grad)
    sym = torch.tensor(rng.standard_normal((3, 3)), dtype=torch.float64, requires_grad=True)
    w = torch.linalg.eigvalsh(sym @ sym.T + torch.eye(3, dtype=torch.float64))
    (w * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    print(w, sym.grad)
    k = torch.tensor(rng.standard_normal((4, 4)), dtype=torch.float64, requires_grad=True)
    kk = k @ k.T + torch.eye(4, dtype=torch.float64)
    (torch.linalg.slogdet(kk).logabsdet + torch.linalg.cholesky(kk).diagonal().sum()).backward()
    print(k.grad[0])


if __name__ == "__main__":
    main()
