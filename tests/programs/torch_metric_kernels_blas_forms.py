"""Distance kernels and the BLAS-style fused ops as kernel-method and retrieval code writes them; tests run it as
is and with only its imports changed, and compare what both print. cdist with p = 0, 1, 2, 3 and inf and both
compute modes with gradients (including zero distances), pdist and its gradient, an RBF kernel ridge regression
with a length scale trained by LBFGS through cdist, pairwise_distance / cosine_similarity broadcasting with eps,
triplet_margin_with_distance_loss with a custom distance and swap, einsum with ellipses, repeated indices and
sublist form, tensordot with dims lists, linalg.multi_dot, and addmm / addmv / addr / baddbmm / addbmm /
addcmul / addcdiv with alpha, value and beta=0 over NaN inputs (ignored, as BLAS does). Float32 from a seeded
NumPy generator.
"""
import numpy as np
import torch
import torch.nn.functional as F


def rbf(a, b, log_scale):
    return torch.exp(-torch.cdist(a, b) ** 2 / (2 * log_scale.exp() ** 2))


def main():
    rng = np.random.default_rng(2409)
    a = torch.from_numpy(rng.normal(0, 1, (5, 3)).astype(np.float32)).requires_grad_(True)
    b = torch.from_numpy(rng.normal(0, 1, (4, 3)).astype(np.float32))
    b[0] = a[0].detach()
    for p in (0.0, 1.0, 2.0, 3.0, float("inf")):
        d = torch.cdist(a, b, p=p)
        (g,) = torch.autograd.grad(d.sum(), a)
        print("cdist p", p, d[0], g[0])
    d_mm = torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist")
    d_no = torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")
    print("compute modes", torch.allclose(d_mm, d_no, atol=1e-5), d_no[0, 0].item(), d_no[1, :2])
    batched = torch.cdist(a.detach().expand(2, 5, 3), b.unsqueeze(0).repeat(2, 1, 1), p=1.5)
    print("batched cdist", batched.shape, batched[1, 2])
    pts = a.detach().clone().requires_grad_(True)
    pd = F.pdist(pts, p=2)
    pd.pow(2).sum().backward()
    print("pdist", pd.shape, pd[:4], pts.grad[0])
    print("pdist p=inf", F.pdist(pts.detach(), p=float("inf"))[:3], torch.pdist(pts.detach(), 1)[-2:])

    x = torch.from_numpy(np.sort(rng.uniform(-3, 3, (30, 1)), axis=0).astype(np.float32))
    y = torch.sin(2 * x).squeeze(1) + 0.05 * torch.from_numpy(rng.normal(0, 1, 30).astype(np.float32))
    log_scale = torch.zeros((), requires_grad=True)
    opt = torch.optim.LBFGS([log_scale], lr=0.5, max_iter=20)
    train, test = slice(0, 30, 2), slice(1, 30, 2)

    def closure():
        opt.zero_grad()
        K = rbf(x[train], x[train], log_scale) + 1e-2 * torch.eye(15)
        alpha = torch.linalg.solve(K, y[train])
        pred = rbf(x[test], x[train], log_scale) @ alpha
        loss = ((pred - y[test]) ** 2).mean()
        loss.backward()
        return loss
    loss = opt.step(closure)
    print("kernel ridge", round(loss.item(), 5), round(log_scale.exp().item(), 4))

    u = torch.from_numpy(rng.normal(0, 1, (4, 1, 3)).astype(np.float32))
    v = torch.from_numpy(rng.normal(0, 1, (1, 2, 3)).astype(np.float32))
    print("pairwise broadcast", F.pairwise_distance(u, v, p=1.0, eps=0.1, keepdim=True).shape,
          F.pairwise_distance(u[0], v[0], p=3)[:2], F.cosine_similarity(u, v, dim=-1)[2])
    print("cosine eps", F.cosine_similarity(torch.zeros(2, 3), torch.ones(2, 3), eps=1e-3),
          F.cosine_similarity(u[:, 0], u[:, 0].flip(0)))
    anc, pos, neg = (torch.from_numpy(rng.normal(0, 1, (6, 4)).astype(np.float32)).requires_grad_(True)
                     for _ in range(3))
    dist = lambda s, t: 1 - F.cosine_similarity(s, t)
    trip = F.triplet_margin_with_distance_loss(anc, pos, neg, distance_function=dist, margin=0.5, swap=True)
    trip.backward()
    print("triplet custom", trip.item(), anc.grad[0], neg.grad[1])
    print("triplet default", F.triplet_margin_with_distance_loss(anc, pos, neg, reduction="none"))

    m = torch.from_numpy(rng.normal(0, 1, (2, 3, 3)).astype(np.float32))
    print("einsum diag", torch.einsum("...ii->...i", m), torch.einsum("bii->b", m))
    print("einsum sublist", torch.einsum(m, [0, 1, 2], m, [0, 2, 3], [0, 1, 3])[0, 0],
          torch.einsum("i,j->ij", torch.arange(3.0), torch.ones(2)).sum().item())
    print("einsum ellipsis broadcast", torch.einsum("...ij,jk->...ik", m, torch.eye(3)).shape,
          torch.einsum("bij,bij->", m, m).item())
    t1 = torch.from_numpy(rng.normal(0, 1, (2, 3, 4)).astype(np.float32))
    t2 = torch.from_numpy(rng.normal(0, 1, (4, 3, 5)).astype(np.float32))
    print("tensordot", torch.tensordot(t1, t2, dims=([1, 2], [1, 0])).shape,
          torch.tensordot(t1, t2, dims=([2], [0]))[0, 0, 0], torch.tensordot(t1[0], t1[0], dims=2).item())
    chain = [torch.from_numpy(rng.normal(0, 1, s).astype(np.float32)) for s in [(3,), (3, 6), (6, 2), (2,)]]
    print("multi_dot", torch.linalg.multi_dot(chain).item(), torch.linalg.multi_dot(chain[1:3]).shape)

    nan_in = torch.full((2, 2), float("nan"))
    mat, vec = torch.ones(2, 3), torch.arange(3.0)
    print("addmm beta 0", torch.addmm(nan_in, mat, torch.ones(3, 2), beta=0, alpha=2))
    print("addmv beta 0", torch.addmv(nan_in[0], mat, vec, beta=0), torch.addmv(torch.ones(2), mat, vec, beta=0.5,
                                                                                alpha=-1))
    print("addr", torch.addr(nan_in, torch.ones(2), torch.arange(2.0), beta=0),
          torch.addr(torch.eye(2), torch.ones(2), torch.arange(2.0), alpha=3))
    bm = torch.from_numpy(rng.normal(0, 1, (3, 2, 2)).astype(np.float32))
    print("baddbmm", torch.baddbmm(torch.full((3, 2, 2), float("nan")), bm, bm, beta=0)[0],
          torch.addbmm(torch.zeros(2, 2), bm, bm, beta=0.0, alpha=0.5))
    base = torch.ones(3, requires_grad=True)
    t, s = torch.tensor([1.0, 2.0, 3.0], requires_grad=True), torch.tensor([2.0, 4.0, 0.5])
    out = torch.addcmul(base, t, s, value=-0.5) + torch.addcdiv(base, t, s, value=2)
    out.sum().backward()
    print("addcmul addcdiv", out, t.grad, base.grad)
    w = torch.ones(2, 2, requires_grad=True)
    inp = torch.full((2, 2), 5.0, requires_grad=True)
    torch.addmm(inp, w, w, beta=0, alpha=1.5).sum().backward()
    print("addmm beta 0 grads", inp.grad, w.grad)


if __name__ == "__main__":
    main()
