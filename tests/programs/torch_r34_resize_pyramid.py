"""An image pyramid a detection or super-resolution script builds (float64): F.interpolate in 'area' mode with
sizes that do and do not divide, 'nearest-exact' against 'nearest' (1-D, 2-D, 3-D, scale factors below and above
one, recompute_scale_factor), 'bicubic' and 'bilinear' with antialias=True when shrinking, align_corners, and a
small CNN trained on the multi-scale features with the gradients of each resize checked."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


class Pyramid(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.head = nn.Linear(3 * 3, 2)

    def forward(self, img):
        levels = [img, F.interpolate(img, scale_factor=0.5, mode="area"),
                  F.interpolate(img, size=(5, 7), mode="bicubic", antialias=True, align_corners=False),
                  F.interpolate(img, scale_factor=0.37, mode="nearest-exact", recompute_scale_factor=True)]
        feats = [F.adaptive_avg_pool2d(torch.relu(self.conv(level)), 1).flatten(1) for level in levels[1:]]
        return self.head(torch.cat(feats, 1)), levels


def main():
    torch.manual_seed(11)
    d = torch.float64
    img = torch.randn(2, 1, 12, 10, dtype=d, requires_grad=True)
    for size in [(6, 5), (5, 4), (7, 3), (12, 10), (16, 13)]:
        out = F.interpolate(img, size=size, mode="area")
        (g,) = torch.autograd.grad((out * torch.arange(out.numel(), dtype=d).reshape(out.shape)).sum(), img)
        print("area", size, out.grad_fn.name(), r(out[0, 0, 0]), r(g[0, 0, :2]))
    seq = torch.arange(10, dtype=d).reshape(1, 1, 10)
    for sf in [0.3, 0.5, 0.7, 1.6, 2.5]:
        a = F.interpolate(seq, scale_factor=sf, mode="nearest-exact")
        b = F.interpolate(seq, scale_factor=sf, mode="nearest")
        c = F.interpolate(seq, scale_factor=sf, mode="nearest-exact", recompute_scale_factor=True)
        print("nearest 1d", sf, r(a), r(b), r(c))
    vol = torch.randn(1, 2, 4, 5, 6, dtype=d, requires_grad=True)
    v = F.interpolate(vol, size=(3, 7, 4), mode="nearest-exact")
    (gv,) = torch.autograd.grad(v.pow(2).sum(), vol)
    print("nearest-exact 3d", v.grad_fn.name(), r(v[0, 0, 1, :2]), r(gv[0, 1, 1]))
    print("area 3d", r(F.interpolate(vol, size=(2, 3, 4), mode="area")[0, 0, 1]))
    print("area 1d", r(F.interpolate(seq, size=4, mode="area")), r(F.interpolate(seq, size=3, mode="area")))
    for mode in ["bilinear", "bicubic"]:
        for aa in [False, True]:
            for ac in [False, True]:
                out = F.interpolate(img, size=(5, 4), mode=mode, antialias=aa, align_corners=ac)
                (g,) = torch.autograd.grad(out.sum(), img)
                print(mode, "aa" if aa else "--", "ac" if ac else "--", out.grad_fn.name(), r(out[1, 0, 2], 7), r(g[0, 0, 0, :3], 7))
    up = F.interpolate(img, scale_factor=(1.5, 1.25), mode="bicubic", antialias=True)
    print("bicubic aa up", tuple(up.shape), r(up[0, 0, 0, :4]))

    model = Pyramid().double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    batch = torch.randn(6, 1, 12, 10, dtype=d)
    labels = torch.tensor([0, 1, 0, 1, 1, 0])
    for step in range(5):
        logits, levels = model(batch)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("train", step, f"{loss.item():.10f}", [tuple(level.shape[-2:]) for level in levels], r(model.conv.weight.grad[0, 0, 0]))


main()
