"""Single-image super-resolution with an ESPCN (efficient sub-pixel convolution) network, written for PyTorch the way
its super-resolution example does; tests run it as is and with only its imports changed, and compare what both
print. Low-resolution inputs by F.interpolate(mode='area') and bicubic/bilinear baselines (align_corners both ways,
and antialiased shrinking), a reflection-padded feature extractor, nn.PixelShuffle to upscale (checked against
pixel_unshuffle), PSNR from MSE, overlapping-tile inference with F.unfold/F.fold and an overlap count, augmentation
by affine_grid + grid_sample (reflection and border padding, nearest and bilinear), and nn.Upsample. Float64, data
from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ESPCN(nn.Module):
    def __init__(self, scale=2, channels=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(2), nn.Conv2d(channels, 16, 5), nn.Tanh(),
            nn.ReplicationPad2d(1), nn.Conv2d(16, 8, 3), nn.Tanh(),
            nn.Conv2d(8, channels * scale ** 2, 3, padding=1, padding_mode="reflect"))
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        return self.shuffle(self.body(x))


def psnr(a, b):
    return 10 * math.log10(1.0 / F.mse_loss(a, b).item())


def make_images(rng, n=4, size=16):
    yy, xx = np.meshgrid(np.linspace(0, 1, size), np.linspace(0, 1, size), indexing="ij")
    imgs = []
    for _ in range(n):
        fx, fy, ph = rng.uniform(1, 4), rng.uniform(1, 4), rng.uniform(0, 6)
        imgs.append(0.5 + 0.4 * np.sin(2 * np.pi * (fx * xx + fy * yy) + ph) * np.cos(3 * yy))
    return torch.from_numpy(np.stack(imgs)[:, None])


def tiled_inference(model, lr, tile=4, stride=2, scale=2):
    n, c, h, w = lr.shape
    cols = F.unfold(lr, kernel_size=tile, stride=stride)
    tiles = cols.transpose(1, 2).reshape(-1, c, tile, tile)
    sr_tiles = model(tiles)
    sr_cols = sr_tiles.reshape(n, -1, c * (tile * scale) ** 2).transpose(1, 2)
    out_size = (h * scale, w * scale)
    summed = F.fold(sr_cols, out_size, kernel_size=tile * scale, stride=stride * scale)
    counts = F.fold(torch.ones_like(sr_cols), out_size, kernel_size=tile * scale, stride=stride * scale)
    return summed / counts, counts


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(5)
    hr = make_images(rng)
    lr = F.interpolate(hr, scale_factor=0.5, mode="area")
    print("shapes:", tuple(hr.shape), tuple(lr.shape))
    for mode, ac in (("bicubic", False), ("bicubic", True), ("bilinear", False), ("nearest", None)):
        up = F.interpolate(lr, scale_factor=2, mode=mode, align_corners=ac)
        print(f"{mode} align_corners={ac}: psnr {psnr(up.clamp(0, 1), hr):.6f}")
    for mode in ("bilinear", "bicubic"):
        small = F.interpolate(hr, size=(6, 6), mode=mode, antialias=True)
        print(f"antialiased {mode} 6x6: mean {small.mean().item():.6f} std {small.std().item():.6f} "
              f"vs aliased std {F.interpolate(hr, size=(6, 6), mode=mode).std().item():.6f}")

    model = ESPCN()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.1, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    feats = model.body(lr)
    print("pixel_unshuffle inverts:", torch.equal(F.pixel_unshuffle(model.shuffle(feats), 2), feats))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(6):
        theta = np.zeros((4, 2, 3))
        for i, a in enumerate(rng.uniform(-0.3, 0.3, 4)):
            theta[i] = [[math.cos(a), -math.sin(a), rng.uniform(-0.1, 0.1)],
                        [math.sin(a), math.cos(a), rng.uniform(-0.1, 0.1)]]
        grid = F.affine_grid(torch.from_numpy(theta), list(hr.shape), align_corners=False)
        hr_aug = F.grid_sample(hr, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
        lr_aug = F.interpolate(hr_aug, scale_factor=0.5, mode="area")
        loss = F.mse_loss(model(lr_aug), hr_aug)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.6f} psnr {psnr(model(lr).detach().clamp(0, 1), hr):.6f}")

    with torch.no_grad():
        whole = model(lr)
        tiled, counts = tiled_inference(model, lr)
    print("overlap counts:", counts[0, 0, 0, ::2].tolist())
    print("tiled vs whole max diff:", round((tiled - whole).abs().max().item(), 6),
          "interior", round((tiled - whole)[..., 4:12, 4:12].abs().max().item(), 6))
    border = F.grid_sample(hr, F.affine_grid(torch.tensor([[[1.2, 0.0, 0.1], [0.0, 1.2, 0.0]]]).expand(4, 2, 3),
                                             [4, 1, 8, 8], align_corners=True),
                           mode="nearest", padding_mode="border", align_corners=True)
    print("nearest/border sample:", [round(v, 6) for v in border[1, 0, 0].tolist()])
    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
    print("Upsample:", [round(v, 6) for v in up(lr)[0, 0, 1, :6].tolist()])
