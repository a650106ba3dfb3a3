"""Resizing and resampling as vision pipelines use them: AdaptiveAvgPool2d / AdaptiveMaxPool2d with sizes that do
not divide the input (overlapping windows, return_indices), adaptive 1-D and 3-D pools with None in the output
size, F.interpolate bilinear / bicubic with and without antialias when shrinking, align_corners, nearest-exact,
recompute_scale_factor with fractional scales, area mode, and grid_sample with every padding mode (zeros, border,
reflection) and both align_corners over an affine_grid, gradients into the image and the grid. Float32.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(14)
    x = torch.tensor(rng.normal(0, 1, (1, 2, 7, 5)), dtype=torch.float32, requires_grad=True)
    avg = nn.AdaptiveAvgPool2d((3, 4))(x)
    print("adaptive avg (7,5)->(3,4):", avg[0, 0].detach())
    mx, idx = nn.AdaptiveMaxPool2d((4, 3), return_indices=True)(x)
    print("adaptive max:", mx[0, 1].detach(), "indices:", idx[0, 1])
    (avg.sum() + mx.sum()).backward()
    print("grad counts:", x.grad[0, 0])
    print("adaptive (None, 2):", nn.AdaptiveAvgPool2d((None, 2))(x).shape)
    seq = torch.tensor(rng.normal(0, 1, (1, 1, 10)), dtype=torch.float32)
    print("adaptive 1d 10->4:", F.adaptive_avg_pool1d(seq, 4), F.adaptive_max_pool1d(seq, 3))
    vol = torch.tensor(rng.normal(0, 1, (1, 1, 5, 4, 3)), dtype=torch.float32)
    print("adaptive 3d:", F.adaptive_avg_pool3d(vol, (2, None, 2)).flatten()[:6])

    img = torch.tensor(rng.uniform(0, 1, (1, 1, 9, 9)), dtype=torch.float32)
    for mode, kw in (("bilinear", {}), ("bilinear", {"antialias": True}), ("bicubic", {}),
                     ("bicubic", {"antialias": True}), ("area", {}), ("nearest", {}), ("nearest-exact", {})):
        small = F.interpolate(img, size=(4, 4), mode=mode, **kw)
        print(f"shrink {mode} {kw}: {small[0, 0, 1].detach()}")
    for ac in (False, True):
        big = F.interpolate(img[:, :, :3, :3], scale_factor=2, mode="bilinear", align_corners=ac)
        print(f"grow align_corners={ac}:", big[0, 0, 1])
    frac = F.interpolate(img, scale_factor=0.7, mode="bilinear", recompute_scale_factor=True)
    frac2 = F.interpolate(img, scale_factor=0.7, mode="bilinear")
    print("fractional scale:", tuple(frac.shape), frac[0, 0, 0, :3], frac2[0, 0, 0, :3])
    up_bc = F.interpolate(img[:, :, :4, :4], scale_factor=1.5, mode="bicubic", align_corners=True)
    print("bicubic up:", up_bc[0, 0, 2])
    line = torch.tensor(rng.normal(0, 1, (1, 2, 6)), dtype=torch.float32)
    print("linear 1d:", F.interpolate(line, size=4, mode="linear")[0, 0])

    src = torch.tensor(rng.normal(0, 1, (2, 1, 5, 5)), dtype=torch.float32, requires_grad=True)
    theta = torch.tensor([[[1.2, 0.3, 0.4], [-0.2, 0.9, -0.5]], [[0.8, 0.0, 0.0], [0.0, 1.3, 0.6]]],
                         dtype=torch.float32, requires_grad=True)
    for ac in (False, True):
        grid = F.affine_grid(theta, (2, 1, 4, 4), align_corners=ac)
        for pad in ("zeros", "border", "reflection"):
            for mode in ("bilinear", "nearest"):
                out = F.grid_sample(src, grid, mode=mode, padding_mode=pad, align_corners=ac)
                print(f"grid_sample {mode} {pad} ac={ac}: sum {out.sum().item():.5f} row {out[1, 0, 3].detach()}")
    grid = F.affine_grid(theta, (2, 1, 4, 4), align_corners=False)
    out = F.grid_sample(src, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    out.pow(2).sum().backward()
    print("theta grad:", theta.grad)
    print("src grad:", src.grad[0, 0, 2])
    bic = F.grid_sample(src.detach(), grid.detach(), mode="bicubic", padding_mode="border", align_corners=True)
    print("bicubic border:", bic[0, 0, 1])
