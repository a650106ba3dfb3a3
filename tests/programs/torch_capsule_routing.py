"""A capsule network with dynamic routing written for PyTorch the way CapsNet reimplementations write it; tests run
it as is and with only its imports changed, and compare what both print. A Conv2d stem, primary capsules by a
strided convolution reshaped into 8-D vectors, the squash non-linearity, prediction vectors u_hat from a per-pair
weight tensor through torch.einsum, three iterations of routing-by-agreement (softmax over the parent capsules,
weighted sums, agreement updates, the coupling logits detached on all but the last iteration), the margin loss on
capsule lengths, a masked reconstruction decoder, and Adam steps. Images from a seeded NumPy generator; float64,
weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def squash(s, dim=-1, eps=1e-8):
    sq = (s ** 2).sum(dim=dim, keepdim=True)
    return (sq / (1.0 + sq)) * s / torch.sqrt(sq + eps)


def route(u_hat, iterations=3):
    # u_hat: (batch, in_caps, out_caps, out_dim)
    b = torch.zeros(u_hat.shape[:3], dtype=u_hat.dtype)
    u_detached = u_hat.detach()
    for i in range(iterations):
        c = F.softmax(b, dim=2)
        last = i == iterations - 1
        s = torch.einsum("bio,biod->bod", c, u_hat if last else u_detached)
        v = squash(s)
        if not last:
            b = b + torch.einsum("biod,bod->bio", u_detached, v)
    return v, c


class CapsNet(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3)
        self.primary = nn.Conv2d(8, 4 * 8, 3, stride=2)
        self.W = nn.Parameter(torch.zeros(36, classes, 6, 8))
        self.decoder = nn.Sequential(nn.Linear(classes * 6, 32), nn.ReLU(), nn.Linear(32, 100), nn.Sigmoid())
        self.classes = classes

    def forward(self, x, y=None):
        h = F.relu(self.stem(x))
        p = self.primary(h)                                   # (B, 32, 3, 3)
        B = p.shape[0]
        u = p.view(B, 4, 8, 3, 3).permute(0, 1, 3, 4, 2).reshape(B, 36, 8)
        u = squash(u)
        u_hat = torch.einsum("iodk,bik->biod", self.W, u)
        v, c = route(u_hat)
        lengths = v.norm(dim=-1)
        if y is None:
            y = lengths.argmax(dim=1)
        mask = F.one_hot(y, self.classes).to(v.dtype)
        recon = self.decoder((v * mask.unsqueeze(-1)).flatten(1))
        return lengths, recon, c


def margin_loss(lengths, y, m_pos=0.9, m_neg=0.1, lam=0.5):
    t = F.one_hot(y, lengths.shape[1]).to(lengths.dtype)
    pos = t * F.relu(m_pos - lengths) ** 2
    neg = lam * (1 - t) * F.relu(lengths - m_neg) ** 2
    return (pos + neg).sum(dim=1).mean()


def make_images(rng, n):
    imgs = np.zeros((n, 1, 10, 10))
    ys = rng.integers(0, 3, n)
    for k, cls in enumerate(ys):
        r = rng.integers(1, 4)
        if cls == 0:
            imgs[k, 0, r:r + 5, 4] = 1.0
        elif cls == 1:
            imgs[k, 0, 5, r:r + 5] = 1.0
        else:
            imgs[k, 0, np.arange(r, r + 5), np.arange(r, r + 5)] = 1.0
    return torch.from_numpy(imgs + 0.05 * rng.standard_normal(imgs.shape)), torch.from_numpy(ys)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(13)
    v = squash(torch.tensor([[3.0, 4.0], [0.3, 0.4]]))
    print("squash lengths:", [round(x, 8) for x in v.norm(dim=-1).tolist()])
    model = CapsNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape))))
    x, y = make_images(rng, 12)
    lengths, recon, c = model(x, y)
    print("capsule lengths[0]:", [round(v, 8) for v in lengths[0].tolist()])
    print("coupling sums to one:", torch.allclose(c.sum(-1), torch.ones(12, 36)),
          "coupling[0, :3]:", [[round(v, 6) for v in r] for r in c[0, :3].tolist()])
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for step in range(6):
        lengths, recon, _ = model(x, y)
        m = margin_loss(lengths, y)
        r = F.mse_loss(recon, x.flatten(1).clamp(0, 1), reduction="sum") / x.shape[0]
        loss = m + 0.0005 * r
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = (lengths.argmax(1) == y).double().mean()
        print(f"step {step}: margin {m.item():.8f} recon {r.item():.8f} acc {acc.item():.4f}")
    print("W grad norm:", round(model.W.grad.norm().item(), 8), "stem grad norm:",
          round(model.stem.weight.grad.norm().item(), 8))
    with torch.no_grad():
        lengths, recon, _ = model(x)
    print("eval predictions:", lengths.argmax(1).tolist())
    print("recon mean:", round(recon.mean().item(), 8))
    u = torch.from_numpy(rng.standard_normal((2, 5, 3, 4))).requires_grad_(True)
    v, _ = route(u)
    v.pow(2).sum().backward()
    print("routing grad (last iteration only):", [round(g, 8) for g in u.grad[0, 0, 0].tolist()])
