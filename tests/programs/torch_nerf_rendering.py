"""NeRF-style volume rendering written for PyTorch the way NeRF reimplementations write it; tests run it as is and
with only its imports changed, and compare what both print. Rays from a pinhole camera (meshgrid with
indexing="xy", a camera-to-world rotation), stratified samples along each ray with fixed uniform jitter from a seeded
NumPy generator, a sinusoidal positional encoding, a small MLP giving density and colour, alpha compositing with
the transmittance as an exclusive torch.cumprod, depth and accumulated opacity maps, hierarchical (fine) sampling
by inverse-transform sampling of the coarse weights (cumsum, searchsorted(right=True), gather, clamp), and a few
Adam steps on the photometric loss of coarse and fine renders. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def get_rays(h, w, focal, c2w):
    i, j = torch.meshgrid(torch.arange(w, dtype=torch.float64), torch.arange(h, dtype=torch.float64), indexing="xy")
    dirs = torch.stack([(i - w * 0.5) / focal, -(j - h * 0.5) / focal, -torch.ones_like(i)], -1)
    rays_d = torch.sum(dirs[..., None, :] * c2w[:3, :3], -1)
    rays_o = c2w[:3, -1].expand(rays_d.shape)
    return rays_o.reshape(-1, 3), rays_d.reshape(-1, 3)


def positional_encoding(x, n_freqs):
    out = [x]
    for k in range(n_freqs):
        out += [torch.sin((2.0 ** k) * x), torch.cos((2.0 ** k) * x)]
    return torch.cat(out, dim=-1)


class TinyNeRF(nn.Module):
    def __init__(self, n_freqs=4, hidden=32):
        super().__init__()
        self.n_freqs = n_freqs
        d = 3 + 6 * n_freqs
        self.trunk = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.sigma = nn.Linear(hidden, 1)
        self.rgb = nn.Linear(hidden, 3)

    def forward(self, pts):
        h = self.trunk(positional_encoding(pts, self.n_freqs))
        return F.softplus(self.sigma(h)).squeeze(-1), torch.sigmoid(self.rgb(h))


def render(model, rays_o, rays_d, z_vals):
    pts = rays_o[:, None, :] + rays_d[:, None, :] * z_vals[..., :, None]
    sigma, rgb = model(pts)
    dists = z_vals[..., 1:] - z_vals[..., :-1]
    dists = torch.cat([dists, torch.full_like(dists[..., :1], 1e10)], -1)
    dists = dists * torch.norm(rays_d[..., None, :], dim=-1)
    alpha = 1.0 - torch.exp(-sigma * dists)
    trans = torch.cumprod(torch.cat([torch.ones_like(alpha[:, :1]), 1.0 - alpha + 1e-10], -1), -1)[:, :-1]
    weights = alpha * trans
    rgb_map = torch.sum(weights[..., None] * rgb, -2)
    depth = torch.sum(weights * z_vals, -1)
    acc = weights.sum(-1)
    return rgb_map + (1.0 - acc[..., None]), depth, acc, weights


def sample_pdf(bins, weights, u):
    weights = weights + 1e-5
    pdf = weights / torch.sum(weights, -1, keepdim=True)
    cdf = torch.cumsum(pdf, -1)
    cdf = torch.cat([torch.zeros_like(cdf[..., :1]), cdf], -1)
    inds = torch.searchsorted(cdf, u.contiguous(), right=True)
    below = torch.max(torch.zeros_like(inds - 1), inds - 1)
    above = torch.min((cdf.shape[-1] - 1) * torch.ones_like(inds), inds)
    inds_g = torch.stack([below, above], -1)
    shape = [inds_g.shape[0], inds_g.shape[1], cdf.shape[-1]]
    cdf_g = torch.gather(cdf.unsqueeze(1).expand(shape), 2, inds_g)
    bins_g = torch.gather(bins.unsqueeze(1).expand(shape), 2, inds_g)
    denom = cdf_g[..., 1] - cdf_g[..., 0]
    denom = torch.where(denom < 1e-5, torch.ones_like(denom), denom)
    t = (u - cdf_g[..., 0]) / denom
    return bins_g[..., 0] + t * (bins_g[..., 1] - bins_g[..., 0])


def stratified(near, far, n_rays, n_samples, jitter):
    t = torch.linspace(0.0, 1.0, n_samples)
    z = (near * (1.0 - t) + far * t).expand(n_rays, n_samples)
    mids = 0.5 * (z[..., 1:] + z[..., :-1])
    upper = torch.cat([mids, z[..., -1:]], -1)
    lower = torch.cat([z[..., :1], mids], -1)
    return lower + (upper - lower) * jitter


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(5)
    angle = 0.3
    c2w = torch.tensor([[np.cos(angle), 0.0, np.sin(angle), 1.2], [0.0, 1.0, 0.0, 0.1],
                        [-np.sin(angle), 0.0, np.cos(angle), 3.0]])
    rays_o, rays_d = get_rays(4, 5, 4.0, c2w)
    print("rays:", tuple(rays_o.shape), "first dir:", [round(v, 8) for v in rays_d[0].tolist()])
    enc = positional_encoding(torch.tensor([[0.1, -0.2, 0.3]]), 4)
    print("encoding width and sum:", enc.shape[-1], round(enc.sum().item(), 8))

    coarse, fine = TinyNeRF(), TinyNeRF()
    with torch.no_grad():
        for p in list(coarse.parameters()) + list(fine.parameters()):
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
    target = torch.from_numpy(rng.uniform(0, 1, (20, 3)))
    opt = torch.optim.Adam(list(coarse.parameters()) + list(fine.parameters()), lr=5e-3)
    n = rays_o.shape[0]
    for step in range(6):
        z = stratified(2.0, 6.0, n, 8, torch.from_numpy(rng.uniform(0, 1, (n, 8))))
        rgb_c, depth_c, acc_c, w = render(coarse, rays_o, rays_d, z)
        mids = 0.5 * (z[..., 1:] + z[..., :-1])
        u = torch.from_numpy(np.sort(rng.uniform(0, 1, (n, 6)), axis=-1))
        z_fine = sample_pdf(mids, w[..., 1:-1].detach(), u)
        z_all, _ = torch.sort(torch.cat([z, z_fine], -1), -1)
        rgb_f, depth_f, acc_f, _ = render(fine, rays_o, rays_d, z_all)
        loss = F.mse_loss(rgb_c, target) + F.mse_loss(rgb_f, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        psnr = -10.0 * torch.log10(F.mse_loss(rgb_f, target))
        print(f"step {step}: loss {loss.item():.8f} psnr {psnr.item():.8f} depth {depth_f.mean().item():.8f}"
              f" acc {acc_c.mean().item():.8f}")
    print("fine samples of ray 0:", [round(v, 6) for v in z_fine[0].tolist()])
    print("samples sorted:", bool((z_all[:, 1:] >= z_all[:, :-1]).all()))
    bins = torch.linspace(0, 1, 5).expand(2, 5)
    wts = torch.tensor([[0.0, 1.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    print("inverse-cdf samples:", [[round(v, 6) for v in r] for r in
                                    sample_pdf(bins, wts, torch.tensor([[0.1, 0.5, 0.9]] * 2)).tolist()])
    print("searchsorted:", torch.searchsorted(torch.tensor([0.0, 0.5, 0.5, 1.0]), torch.tensor([0.5, 0.7]),
                                              right=True).tolist(),
          torch.searchsorted(torch.tensor([0.0, 0.5, 0.5, 1.0]), torch.tensor([0.5, 0.7])).tolist())
    print("sigma grad norm:", round(fine.sigma.weight.grad.norm().item(), 8))
