"""Resizing feature maps and images to odd sizes with F.interpolate, as super-resolution, segmentation and data
pipelines do: bilinear with and without align_corners, bicubic, nearest and nearest-exact, area, antialiased
bilinear and bicubic downsampling, scale_factor with and without recompute_scale_factor, 1-D linear and 3-D
trilinear, nn.Upsample and nn.UpsamplingBilinear2d modules, and gradients back through each mode into a small
learned upsampler. Float32, NumPy images.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def stats(name, t):
    print(f"{name:24s} {tuple(t.shape)} sum {t.sum().item():.5f} corner {t[0, 0, 0, 0].item():.5f} "
          f"mid {t[0, -1, t.shape[2] // 2, t.shape[3] // 2].item():.5f}")


def main():
    rng = np.random.default_rng(1713)
    image = torch.from_numpy(rng.uniform(0, 1, (2, 3, 7, 10)).astype(np.float32))
    stats("bilinear 11x5", F.interpolate(image, size=(11, 5), mode="bilinear", align_corners=False))
    stats("bilinear aligned 11x5", F.interpolate(image, size=(11, 5), mode="bilinear", align_corners=True))
    stats("bicubic 9x13", F.interpolate(image, size=(9, 13), mode="bicubic", align_corners=False))
    stats("bicubic aligned 4x6", F.interpolate(image, size=(4, 6), mode="bicubic", align_corners=True))
    stats("nearest 5x7", F.interpolate(image, size=(5, 7), mode="nearest"))
    stats("nearest-exact 5x7", F.interpolate(image, size=(5, 7), mode="nearest-exact"))
    stats("nearest-exact x1.7", F.interpolate(image, scale_factor=1.7, mode="nearest-exact"))
    stats("area 3x4", F.interpolate(image, size=(3, 4), mode="area"))
    stats("antialias bilinear 3x4", F.interpolate(image, size=(3, 4), mode="bilinear", antialias=True))
    stats("antialias bicubic 4x3", F.interpolate(image, size=(4, 3), mode="bicubic", antialias=True))
    stats("antialias bilinear up", F.interpolate(image, size=(9, 12), mode="bilinear", antialias=True))
    scaled = F.interpolate(image, scale_factor=(0.45, 0.65), mode="bilinear", align_corners=False)
    recomputed = F.interpolate(image, scale_factor=(0.45, 0.65), mode="bilinear", align_corners=False,
                               recompute_scale_factor=True)
    stats("scale 0.45x0.65", scaled)
    stats("recomputed scale", recomputed)
    print("scale vs recompute differ by", round((scaled - recomputed).abs().max().item(), 5))

    signal = torch.from_numpy(rng.standard_normal((1, 2, 9)).astype(np.float32))
    print("linear 1-D", [round(v, 5) for v in F.interpolate(signal, size=14, mode="linear")[0, 0].tolist()])
    print("linear 1-D aligned", [round(v, 5) for v in
                                 F.interpolate(signal, size=4, mode="linear", align_corners=True)[0, 1].tolist()])
    print("nearest 1-D x2.5", F.interpolate(signal, scale_factor=2.5, mode="nearest").shape)
    volume = torch.from_numpy(rng.standard_normal((1, 1, 3, 4, 5)).astype(np.float32))
    tri = F.interpolate(volume, size=(5, 3, 7), mode="trilinear", align_corners=False)
    print("trilinear", tuple(tri.shape), round(tri.sum().item(), 5), round(tri[0, 0, 2, 1, 3].item(), 5))
    print("nearest 3-D", round(F.interpolate(volume, scale_factor=(1.5, 0.5, 1.2), mode="nearest").sum().item(), 5))

    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
    print("Upsample", up, tuple(up(image).shape))
    legacy = nn.UpsamplingBilinear2d(size=(5, 6))
    stats("UpsamplingBilinear2d", legacy(image))
    stats("UpsamplingNearest2d", nn.UpsamplingNearest2d(scale_factor=3)(image))

    x = image.clone().requires_grad_(True)
    for mode, extra in (("bilinear", {"align_corners": False}), ("bicubic", {"align_corners": True}),
                        ("nearest-exact", {}), ("area", {}), ("bilinear", {"antialias": True})):
        x.grad = None
        out = F.interpolate(x, size=(4, 6), mode=mode, **extra)
        (out ** 2).sum().backward()
        print(f"grad {mode:14s} {sorted(extra)} {x.grad.sum().item():.5f} {x.grad[1, 2, 3, 4].item():.5f}")

    low = F.interpolate(image, size=(3, 5), mode="area")
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.2 * rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(6):
        optimizer.zero_grad()
        upsampled = F.interpolate(low, size=(7, 10), mode="bicubic", align_corners=False)
        loss = F.l1_loss(upsampled + model(upsampled), image)
        loss.backward()
        optimizer.step()
        print(f"step {step} l1 {loss.item():.6f}")
