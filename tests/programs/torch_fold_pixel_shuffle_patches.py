"""Patch-based image models built from nn.Unfold / nn.Fold and the channel-space shuffles, as inpainting,
super-resolution and efficient-CNN code writes them: overlapping patches with stride, padding and dilation,
folding back and dividing by the overlap count (a ones image folded) to reconstruct exactly, a patch-wise linear
denoiser trained on the unfolded columns, F.unfold / F.fold on unbatched input, PixelUnshuffle -> convolution ->
PixelShuffle as a sub-pixel block, ChannelShuffle between grouped convolutions, and gradients through every
rearrangement. Float64 throughout, NumPy images and weights.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SubPixelBlock(nn.Module):
    def __init__(self, channels=2, factor=2):
        super().__init__()
        self.down = nn.PixelUnshuffle(factor)
        self.conv1 = nn.Conv2d(channels * factor ** 2, 8, 3, padding=1, groups=2)
        self.shuffle = nn.ChannelShuffle(2)
        self.conv2 = nn.Conv2d(8, channels * factor ** 2, 1, groups=2)
        self.up = nn.PixelShuffle(factor)

    def forward(self, x):
        return x + self.up(self.conv2(torch.relu(self.shuffle(self.conv1(self.down(x))))))


def main():
    rng = np.random.default_rng(1719)
    image = torch.from_numpy(rng.uniform(0, 1, (2, 2, 9, 10)))
    settings = [dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 0)),
                dict(kernel_size=2, stride=2, dilation=2, padding=1)]
    for cfg in settings:
        unfold = nn.Unfold(**cfg)
        fold = nn.Fold(output_size=(9, 10), **cfg)
        columns = unfold(image)
        overlap = fold(unfold(torch.ones_like(image)))
        rebuilt = fold(columns) / overlap.clamp(min=1)
        covered = overlap > 0
        err = (rebuilt - image)[covered].abs().max().item()
        print(unfold, tuple(columns.shape), "overlap max", int(overlap.max().item()), "uncovered",
              int((~covered).sum().item()), "rebuild error", f"{err:.2e}")
        print("  column sums", [round(v, 8) for v in columns[1, :, 3].tolist()[:5]])

    single = image[0]
    cols = F.unfold(single, kernel_size=(2, 3), dilation=(1, 2))
    back = F.fold(cols, output_size=(9, 10), kernel_size=(2, 3), dilation=(1, 2))
    print("unbatched", tuple(cols.shape), tuple(back.shape), round(back.sum().item(), 8))

    noisy = image + 0.1 * torch.from_numpy(rng.standard_normal(image.shape))
    unfold = nn.Unfold(kernel_size=3, padding=1)
    fold = nn.Fold(output_size=(9, 10), kernel_size=3, padding=1)
    counts = fold(unfold(torch.ones_like(image)))
    denoise = nn.Linear(18, 18).double()
    with torch.no_grad():
        denoise.weight.copy_(torch.eye(18) + 0.01 * torch.from_numpy(rng.standard_normal((18, 18))))
        denoise.bias.zero_()
    optimizer = torch.optim.Adam(denoise.parameters(), lr=0.01)
    for step in range(8):
        optimizer.zero_grad()
        patches = unfold(noisy).transpose(1, 2)
        cleaned = fold(denoise(patches).transpose(1, 2)) / counts
        loss = F.mse_loss(cleaned, image)
        loss.backward()
        optimizer.step()
        print(f"denoise step {step} mse {loss.item():.10f}")
    print("denoiser centre weight", round(denoise.weight[4, 4].item(), 8))

    x = torch.arange(2 * 8 * 2 * 2, dtype=torch.float64).reshape(2, 8, 2, 2)
    print("channel shuffle order", nn.ChannelShuffle(4)(x)[0, :, 0, 0].tolist())
    print("pixel shuffle", nn.PixelShuffle(2)(x)[1, 0, :, :].tolist())
    print("pixel unshuffle", nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(x)).equal(x),
          tuple(F.pixel_unshuffle(image, 1).shape))

    block = SubPixelBlock().double()
    with torch.no_grad():
        for p in block.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))))
    crop = image[:, :, :8, :10].clone().requires_grad_(True)
    out = block(crop)
    print("sub-pixel block", tuple(out.shape), round(out.sum().item(), 8))
    out.pow(2).mean().backward()
    print("input grad", round(crop.grad.abs().sum().item(), 8), [round(v, 8) for v in crop.grad[0, 1, 2, :4].tolist()])
    print("conv1 grad", round(block.conv1.weight.grad.norm().item(), 8))

    t = image.clone().requires_grad_(True)
    cols = F.unfold(t, 3, dilation=2, padding=2, stride=2)
    (cols * torch.linspace(-1, 1, cols.shape[-1], dtype=torch.float64)).sum().backward()
    print("unfold grad", [round(v, 8) for v in t.grad[1, 0, 4].tolist()])
