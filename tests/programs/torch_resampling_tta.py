"""Resampling and test-time augmentation in float32, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. F.interpolate in every mode on 3-, 4- and 5-D inputs (nearest,
nearest-exact, linear / bilinear / bicubic / trilinear with and without align_corners, area, scale_factor with
recompute_scale_factor, antialias on downsampling), the Upsample / UpsamplingNearest2d / UpsamplingBilinear2d
modules, grid_sample on a 5-D volume and with padding_mode 'border' / 'reflection' and mode 'nearest', and a small
segmentation net trained on multi-scale inputs and evaluated with test-time augmentation (flip, rot90, roll,
and a resize round trip), its predictions mapped back by the inverse transforms. Data and weights from a seeded
NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def main():
    rng = np.random.default_rng(88)
    img = torch.from_numpy(rng.standard_normal((2, 3, 7, 9))).float()
    sig = torch.from_numpy(rng.standard_normal((2, 2, 10))).float()
    vol = torch.from_numpy(rng.standard_normal((1, 2, 4, 5, 6))).float()
    cases = [
        ("nearest 1d", F.interpolate(sig, size=15, mode="nearest")),
        ("nearest-exact 1d", F.interpolate(sig, size=15, mode="nearest-exact")),
        ("linear", F.interpolate(sig, scale_factor=1.7, mode="linear")),
        ("linear ac", F.interpolate(sig, size=6, mode="linear", align_corners=True)),
        ("area 1d", F.interpolate(sig, size=4, mode="area")),
        ("nearest 2d", F.interpolate(img, scale_factor=(1.5, 0.5), mode="nearest")),
        ("nearest-exact 2d", F.interpolate(img, size=(4, 5), mode="nearest-exact")),
        ("bilinear", F.interpolate(img, size=(11, 13), mode="bilinear")),
        ("bilinear ac", F.interpolate(img, scale_factor=1.5, mode="bilinear", align_corners=True)),
        ("bilinear recompute", F.interpolate(img, scale_factor=1.3, mode="bilinear", recompute_scale_factor=True)),
        ("bilinear antialias", F.interpolate(img, size=(3, 4), mode="bilinear", antialias=True)),
        ("bicubic", F.interpolate(img, size=(9, 12), mode="bicubic")),
        ("bicubic ac", F.interpolate(img, size=(5, 6), mode="bicubic", align_corners=True)),
        ("bicubic antialias", F.interpolate(img, size=(4, 4), mode="bicubic", antialias=True)),
        ("area 2d", F.interpolate(img, size=(3, 4), mode="area")),
        ("trilinear", F.interpolate(vol, size=(6, 7, 8), mode="trilinear")),
        ("trilinear ac", F.interpolate(vol, scale_factor=(2, 1.5, 0.5), mode="trilinear", align_corners=True)),
        ("nearest 3d", F.interpolate(vol, size=(3, 7, 4), mode="nearest")),
        ("area 3d", F.adaptive_avg_pool3d(vol, (2, 3, 3))),
    ]
    for name, out in cases:
        print(f"{name:19s} {tuple(out.shape)} sum {out.sum().item():.5f} first {out.flatten()[:3].tolist()}")
    mods = [nn.Upsample(scale_factor=2, mode="nearest"), nn.Upsample(size=(5, 5), mode="bilinear", align_corners=False),
            nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=(8, 10))]
    print("modules", [round(m(img).sum().item(), 4) for m in mods], mods[3](img)[0, 0, 1, :3])

    theta = torch.tensor([[[0.9, 0.2, 0.0, 0.1], [-0.1, 1.1, 0.1, 0.0], [0.0, 0.1, 0.8, -0.2]]])
    grid3 = F.affine_grid(theta, (1, 2, 3, 4, 5), align_corners=False)
    print("grid_sample 3d", F.grid_sample(vol, grid3, align_corners=False).sum().item(), tuple(grid3.shape))
    theta2 = torch.tensor([[[1.3, 0.3, 0.2], [-0.2, 1.2, -0.3]], [[0.7, 0.0, 0.5], [0.0, 0.7, 0.4]]])
    grid2 = F.affine_grid(theta2, (2, 3, 6, 6), align_corners=True)
    for pad in ("zeros", "border", "reflection"):
        for mode in ("bilinear", "nearest", "bicubic"):
            out = F.grid_sample(img, grid2, mode=mode, padding_mode=pad, align_corners=True)
            print(f"grid_sample {pad:10s} {mode:8s} {out.sum().item():.5f} {out[1, 2, 5, :2].tolist()}")

    # a segmentation net trained on inputs of several scales, then evaluated with TTA
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 2, 3, padding=1))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
    target = (img[:, :1] + img[:, 1:2] > 0).long().squeeze(1)
    opt = optim.Adam(net.parameters(), lr=0.02)
    for step, scale in enumerate([1.0, 1.5, 0.75, 1.25, 1.0, 2.0]):
        x = F.interpolate(img, scale_factor=scale, mode="bilinear", align_corners=False) if scale != 1.0 else img
        logits = F.interpolate(net(x), size=img.shape[-2:], mode="bilinear", align_corners=False)
        loss = F.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} scale {scale} loss {loss.item():.6f}")
    with torch.no_grad():
        views = [
            net(img),
            net(img.flip(-1)).flip(-1),
            net(img.flip(-2)).flip(-2),
            torch.rot90(net(torch.rot90(img[..., :7], 1, (2, 3))), -1, (2, 3)),
            torch.roll(net(torch.roll(img, shifts=(2, -3), dims=(2, 3))), shifts=(-2, 3), dims=(2, 3)),
            F.interpolate(net(F.interpolate(img, scale_factor=2.0, mode="bicubic")), size=(7, 9), mode="area"),
        ]
        probs = [F.softmax(v[..., :7], 1) for v in views]
        mean = torch.stack(probs).mean(0)
        accuracy = [round((p.argmax(1) == target[..., :7]).float().mean().item(), 4) for p in probs]
        print("tta accuracy per view", accuracy)
        print("tta mean", (mean.argmax(1) == target[..., :7]).float().mean().item(), mean[0, 1, 3, :4])


if __name__ == "__main__":
    main()
