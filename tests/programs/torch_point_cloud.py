"""Point-cloud classification written for PyTorch the way PointNet / PointNet++ / voxel-CNN code does it; tests run it
as is and with only its imports changed, and compare what both print. Toy shapes (sphere, cube surface, cylinder)
sampled by a seeded NumPy generator; a PointNet with an input T-Net (bmm with an identity-initialised 3x3
transform), shared MLPs as 1x1 Conv1d + BatchNorm1d, a symmetric max over points, the feature-transform
orthogonality regulariser, NLL loss on log_softmax, BatchNorm running statistics used in eval; farthest point
sampling and k-nearest-neighbour grouping with cdist / topk(largest=False) / gather; and a voxel branch that
scatters points into an occupancy grid with index_put_(accumulate=True) and runs Conv3d, BatchNorm3d, MaxPool3d and
AdaptiveAvgPool3d. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_shape(rng, kind, n=32):
    if kind == 0:
        p = rng.standard_normal((n, 3))
        p /= np.linalg.norm(p, axis=1, keepdims=True)
    elif kind == 1:
        p = rng.uniform(-1, 1, (n, 3))
        face = rng.integers(0, 3, n)
        p[np.arange(n), face] = np.sign(rng.standard_normal(n))
    else:
        a = rng.uniform(0, 2 * np.pi, n)
        p = np.stack([np.cos(a), np.sin(a), rng.uniform(-1, 1, n)], 1)
    return p + 0.02 * rng.standard_normal((n, 3))


class TNet(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.conv = nn.Sequential(nn.Conv1d(k, 16, 1), nn.BatchNorm1d(16), nn.ReLU(), nn.Conv1d(16, 32, 1))
        self.fc = nn.Linear(32, k * k)

    def forward(self, x):
        feat = self.conv(x).max(dim=2).values
        eye = torch.eye(self.k).flatten().expand(x.size(0), -1)
        return (self.fc(feat) + eye).view(-1, self.k, self.k)


class PointNet(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.tnet = TNet(3)
        self.mlp1 = nn.Sequential(nn.Conv1d(3, 16, 1), nn.BatchNorm1d(16), nn.ReLU())
        self.ftnet = TNet(16)
        self.mlp2 = nn.Sequential(nn.Conv1d(16, 32, 1), nn.BatchNorm1d(32), nn.ReLU(), nn.Conv1d(32, 64, 1))
        self.head = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, classes))

    def forward(self, pts):
        x = pts.transpose(1, 2)
        x = torch.bmm(self.tnet(x), x)
        x = self.mlp1(x)
        ft = self.ftnet(x)
        x = torch.bmm(ft, x)
        global_feat, argmax = self.mlp2(x).max(dim=2)
        return F.log_softmax(self.head(global_feat), dim=1), ft, argmax


def orthogonality(ft):
    eye = torch.eye(ft.size(1)).unsqueeze(0)
    return torch.linalg.matrix_norm(torch.bmm(ft, ft.transpose(1, 2)) - eye).mean()


def farthest_point_sample(pts, m):
    n = pts.size(1)
    idx = torch.zeros(pts.size(0), m, dtype=torch.long)
    dist = torch.full((pts.size(0), n), float("inf"))
    far = torch.zeros(pts.size(0), dtype=torch.long)
    batch = torch.arange(pts.size(0))
    for i in range(m):
        idx[:, i] = far
        centre = pts[batch, far].unsqueeze(1)
        dist = torch.minimum(dist, ((pts - centre) ** 2).sum(-1))
        far = dist.argmax(dim=1)
    return idx


def numpy_weights(module, rng):
    """The module's state with every weight and bias drawn from `rng` (BatchNorm's running statistics kept)."""
    return {k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape))) if v.is_floating_point() and "running" not in k
            else v for k, v in module.state_dict().items()}


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(19)
    labels = np.array([0, 1, 2] * 4)
    pts = torch.from_numpy(np.stack([make_shape(rng, k) for k in labels]))
    y = torch.from_numpy(labels)
    model = PointNet()
    model.load_state_dict(numpy_weights(model, rng))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(6):
        model.train()
        logp, ft, _ = model(pts)
        loss = F.nll_loss(logp, y) + 1e-3 * orthogonality(ft)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.6f} acc {(logp.argmax(1) == y).double().mean().item():.3f}")
    bn = model.mlp1[1]
    print("running stats:", [round(v, 6) for v in bn.running_mean[:3].tolist()],
          [round(v, 6) for v in bn.running_var[:3].tolist()], bn.num_batches_tracked.item())
    model.eval()
    with torch.no_grad():
        logp, ft, argmax = model(pts)
    print("eval log-probs:", [round(v, 6) for v in logp[0].tolist()], "critical points:", argmax[0, :6].tolist())
    print("orthogonality:", round(orthogonality(ft).item(), 6))

    centres_idx = farthest_point_sample(pts, 4)
    print("fps:", centres_idx[:3].tolist())
    centres = torch.gather(pts, 1, centres_idx.unsqueeze(-1).expand(-1, -1, 3))
    d = torch.cdist(centres, pts)
    knn_d, knn_i = d.topk(5, dim=2, largest=False)
    print("knn:", knn_i[0, 0].tolist(), [round(v, 6) for v in knn_d[0, 0].tolist()])
    groups = torch.gather(pts.unsqueeze(1).expand(-1, 4, -1, -1), 2, knn_i.unsqueeze(-1).expand(-1, -1, -1, 3))
    local = groups - centres.unsqueeze(2)
    print("grouped:", tuple(local.shape), round(local.norm(dim=-1).mean().item(), 6))

    res = 6
    cells = ((pts + 1.05) / 2.1 * res).long().clamp(0, res - 1)
    grid = torch.zeros(len(pts), 1, res, res, res)
    b = torch.arange(len(pts)).repeat_interleave(pts.size(1))
    flat = cells.reshape(-1, 3)
    grid.index_put_((b, torch.zeros_like(b), flat[:, 0], flat[:, 1], flat[:, 2]),
                    torch.ones(len(b)), accumulate=True)
    print("occupancy:", grid.sum().item(), (grid > 0).sum(dim=(1, 2, 3, 4))[:6].tolist(), grid.max().item())
    voxnet = nn.Sequential(nn.Conv3d(1, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(), nn.MaxPool3d(2),
                           nn.Conv3d(4, 8, (3, 3, 1)), nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(8, 3))
    voxnet.load_state_dict(numpy_weights(voxnet, rng))
    vopt = torch.optim.SGD(voxnet.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(4):
        loss = F.cross_entropy(voxnet(grid), y)
        vopt.zero_grad()
        loss.backward()
        vopt.step()
        print(f"voxel epoch {epoch}: loss {loss.item():.6f}")
