"""SimCLR-style contrastive learning written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. Two augmented views per example (noise, feature dropout masks and scaling drawn by a
seeded NumPy generator), an encoder with BatchNorm1d and a projection head, the NT-Xent loss built from
F.normalize, a cosine-similarity matrix, masked_fill of the self-similarities with -inf, and cross_entropy
against the positive's index; plus a supervised-contrastive variant with a label mask and logsumexp, a linear
probe trained on frozen features (requires_grad_(False), torch.no_grad), and LARS-like per-layer trust ratios
computed with torch.linalg.vector_norm. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 16))
        self.projector = nn.Sequential(nn.Linear(16, 16), nn.ReLU(inplace=True), nn.Linear(16, 8))

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def nt_xent(z1, z2, temperature=0.5):
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    n = z1.shape[0]
    sim = z @ z.T / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def sup_con(z, labels, temperature=0.3):
    z = F.normalize(z, dim=-1)
    logits = torch.matmul(z, z.t()) / temperature
    self_mask = torch.eye(len(labels), dtype=torch.bool)
    pos = (labels[:, None] == labels[None, :]) & ~self_mask
    logits = logits.masked_fill(self_mask, -1e9)
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -(log_prob * pos).sum(1).div(pos.sum(1).clamp(min=1)).mean()


def augment(x, rng):
    keep = torch.from_numpy((rng.random(x.shape) > 0.2).astype(np.float64))
    scale = torch.from_numpy(rng.uniform(0.8, 1.2, (x.shape[0], 1)))
    return x * keep * scale + 0.1 * torch.from_numpy(rng.standard_normal(x.shape))


def main():
    rng = np.random.default_rng(31)
    centers = rng.standard_normal((3, 8)) * 1.5
    y = torch.from_numpy(np.repeat(np.arange(3), 16))
    x = torch.from_numpy(centers[y.numpy()] + 0.6 * rng.standard_normal((48, 8)))
    model = Encoder().double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) / np.sqrt(p.shape[1])))
            else:
                p.copy_(torch.from_numpy(rng.uniform(-0.1, 0.1, tuple(p.shape))) + (name.endswith("1.weight")))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    for step in range(8):
        v1, v2 = augment(x, rng), augment(x, rng)
        _, z1 = model(v1)
        _, z2 = model(v2)
        loss = nt_xent(z1, z2) + 0.5 * sup_con(torch.cat([z1, z2]), torch.cat([y, y]))
        opt.zero_grad()
        loss.backward()
        ratios = []
        for p in model.parameters():
            if p.dim() > 1:
                ratios.append((torch.linalg.vector_norm(p) / torch.linalg.vector_norm(p.grad).clamp_min(1e-12)).item())
        opt.step()
        print(f"step {step} loss {loss.item():.8f} trust {min(ratios):.6f} {max(ratios):.6f}")
    bn = model.backbone[1]
    print("bn", bn.running_mean[:3], bn.running_var[:3], bn.num_batches_tracked)

    model.eval()
    model.requires_grad_(False)
    print("frozen", all(not p.requires_grad for p in model.parameters()))
    with torch.no_grad():
        feats, _ = model(x)
    probe = nn.Linear(16, 3).double()
    with torch.no_grad():
        probe.weight.zero_()
        probe.bias.zero_()
    popt = optim.Adam(probe.parameters(), lr=0.05)
    for step in range(20):
        loss = F.cross_entropy(probe(feats), y)
        popt.zero_grad()
        loss.backward()
        popt.step()
    acc = (probe(feats).argmax(1) == y).double().mean()
    print(f"probe loss {loss.item():.8f} acc {acc.item():.4f}", feats.requires_grad, probe.weight.grad.shape)
    with torch.no_grad():
        emb = F.normalize(model(x)[1], dim=1)
        sim = F.cosine_similarity(emb.unsqueeze(1), emb.unsqueeze(0), dim=-1)
        sim.fill_diagonal_(-1)
        nn_acc = (y[sim.argmax(1)] == y).double().mean().item()
        print("knn acc", nn_acc, "alignment", F.pairwise_distance(emb[:16], emb[16:32]).pow(2).mean().item())
        print("uniformity", torch.pdist(emb).pow(2).mul(-2).exp().mean().log().item(), torch.pdist(emb).shape)


if __name__ == "__main__":
    main()
