"""Normalisation layers side by side in float32, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. A small conv net is trained once per normaliser: BatchNorm2d (default
momentum, momentum=None for a cumulative average, track_running_stats=False), GroupNorm with 1, 2 and 4 groups,
InstanceNorm2d(affine=True, track_running_stats=True), LayerNorm over (C, H, W) with elementwise_affine=False and
LocalResponseNorm; their train/eval outputs, running statistics and num_batches_tracked are printed, and the
functional forms (F.group_norm, F.instance_norm with running stats, F.layer_norm, F.local_response_norm,
F.batch_norm in training mode) are checked against hand-written formulas. Data and weights from a seeded NumPy
generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def make_norm(kind):
    return {
        "bn": lambda: nn.BatchNorm2d(4),
        "bn_cumulative": lambda: nn.BatchNorm2d(4, momentum=None),
        "bn_no_stats": lambda: nn.BatchNorm2d(4, track_running_stats=False),
        "gn1": lambda: nn.GroupNorm(1, 4),
        "gn2": lambda: nn.GroupNorm(2, 4, eps=1e-3),
        "gn4": lambda: nn.GroupNorm(4, 4, affine=False),
        "in": lambda: nn.InstanceNorm2d(4, affine=True, track_running_stats=True, momentum=0.2),
        "ln": lambda: nn.LayerNorm([4, 6, 6], elementwise_affine=False),
        "lrn": lambda: nn.LocalResponseNorm(3, alpha=0.1, beta=0.75, k=1.0),
    }[kind]()


def main():
    rng = np.random.default_rng(321)
    x = torch.from_numpy(rng.standard_normal((6, 2, 6, 6)) * 2 + 1).float()
    y = torch.from_numpy(rng.integers(0, 3, 6))
    conv_w = rng.standard_normal((4, 2, 3, 3)) * 0.4
    head_w = rng.standard_normal((3, 4)) * 0.5
    for kind in ["bn", "bn_cumulative", "bn_no_stats", "gn1", "gn2", "gn4", "in", "ln", "lrn"]:
        net = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), make_norm(kind), nn.ReLU(),
                            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3, bias=False))
        with torch.no_grad():
            net[0].weight.copy_(torch.from_numpy(conv_w).float())
            net[5].weight.copy_(torch.from_numpy(head_w).float())
        opt = optim.SGD(net.parameters(), lr=0.1)
        for step in range(4):
            loss = F.cross_entropy(net(x[step % 2 * 3:step % 2 * 3 + 3]), y[step % 2 * 3:step % 2 * 3 + 3])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            eval_loss = F.cross_entropy(net(x), y).item()
        norm = net[1]
        stats = ""
        if getattr(norm, "running_mean", None) is not None:
            stats = (f" running_mean {[round(v, 5) for v in norm.running_mean.tolist()]}"
                     f" var {[round(v, 5) for v in norm.running_var.tolist()]}"
                     f" batches {norm.num_batches_tracked.item()}")
        print(f"{kind:13s} train {loss.item():.6f} eval {eval_loss:.6f}{stats}")

    h = torch.from_numpy(rng.standard_normal((3, 6, 4, 5))).float().requires_grad_(True)
    weight = torch.from_numpy(rng.uniform(0.5, 1.5, 6)).float()
    bias = torch.from_numpy(rng.uniform(-0.5, 0.5, 6)).float()
    gn = F.group_norm(h, 3, weight, bias, eps=1e-5)
    g = h.reshape(3, 3, -1)
    std = torch.sqrt(g.var(-1, unbiased=False, keepdim=True) + 1e-5)
    manual = ((g - g.mean(-1, keepdim=True)) / std).reshape(h.shape)
    manual = manual * weight[:, None, None] + bias[:, None, None]
    print("group_norm", gn[0, :, 0, 0], "max diff", (gn - manual).abs().max().item() < 1e-5)
    rm, rv = torch.zeros(6), torch.ones(6)
    inorm = F.instance_norm(h, running_mean=rm, running_var=rv, weight=weight, bias=bias, use_input_stats=True,
                            momentum=0.3)
    print("instance_norm", inorm[1, 2, 0], "running", rm, rv)
    ln = F.layer_norm(h, (4, 5), eps=1e-6)
    print("layer_norm", ln[2, 5, :, 0], ln.mean().item() < 1e-6)
    lrn = F.local_response_norm(h, 5, alpha=2e-2, beta=0.5, k=2.0)
    sq = F.pad(h.pow(2).unsqueeze(1), (0, 0, 0, 0, 2, 2)).squeeze(1)
    denom = torch.stack([sq[:, c:c + 5].sum(1) for c in range(6)], 1) * 2e-2 / 5 + 2.0
    print("local_response_norm", lrn[0, :, 1, 1], (lrn - h / denom.pow(0.5)).abs().max().item() < 1e-5)
    bm, bv = torch.zeros(6), torch.ones(6)
    bn = F.batch_norm(h, bm, bv, weight, bias, training=True, momentum=0.5)
    print("batch_norm", bn[0, 0, 0], "running", bm, bv)
    (gn.pow(2).sum() + inorm.sum() * 0 + (ln * h).sum() + lrn.sum() + (bn * bn.detach().sign()).sum()).backward()
    print("input grad", h.grad[0, :, 0, 0], h.grad.abs().sum().item())


if __name__ == "__main__":
    main()
