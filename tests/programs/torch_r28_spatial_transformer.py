"""A spatial transformer network as the PyTorch tutorial writes it, on small synthetic digits: a localisation
network (Conv2d, MaxPool2d, ReLU, Linear) regresses a 2x3 affine matrix, initialised to the identity, F.affine_grid
builds the sampling grid and F.grid_sample warps the input, then a small classifier; trained a few SGD steps with
cross-entropy. Afterwards every padding_mode (zeros, border, reflection) with align_corners True and False, and the
bilinear, nearest and bicubic modes, warp one image by a rotation that reaches outside it; gradients with respect
to the image and the grid are printed for each, with the node names. Float64 throughout; every random number comes
from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.loc = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.ReLU(), nn.Conv2d(4, 6, 3), nn.ReLU())
        self.fc_loc = nn.Sequential(nn.Linear(6 * 3 * 3, 16), nn.ReLU(), nn.Linear(16, 6))
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float64))
        self.cls = nn.Sequential(nn.Flatten(), nn.Linear(12 * 12, 3))

    def stn(self, x):
        theta = self.fc_loc(self.loc(x).flatten(1)).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False), theta

    def forward(self, x):
        x, theta = self.stn(x)
        return self.cls(x), theta


def make_digits(n):
    imgs = torch.zeros(n, 1, 12, 12, dtype=torch.float64)
    labels = torch.arange(n) % 3
    for i in range(n):
        c = int(labels[i])
        if c == 0:
            imgs[i, 0, 3:9, 5:7] = 1.0
        elif c == 1:
            imgs[i, 0, 5:7, 3:9] = 1.0
        else:
            imgs[i, 0, 3:9, 3:9] = torch.eye(6, dtype=torch.float64)
        imgs[i] = torch.roll(imgs[i], shifts=(i % 3 - 1, (i // 3) % 3 - 1), dims=(1, 2))
    return imgs + 0.05 * torch.randn(n, 1, 12, 12, dtype=torch.float64), labels


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    x, y = make_digits(9)
    model = STN()
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    for step in range(5):
        opt.zero_grad()
        logits, theta = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        print(f"step {step} loss {loss.item():.8f} theta0 {[round(v, 6) for v in theta[0].flatten().tolist()]} "
              f"|g_loc| {model.fc_loc[0].weight.grad.norm().item():.8f}")
        opt.step()
    print("pred", model(x)[0].argmax(1).tolist(), "labels", y.tolist())

    img = torch.arange(20, dtype=torch.float64).reshape(1, 1, 4, 5) / 10
    a = math.pi / 5
    theta = torch.tensor([[[math.cos(a), -math.sin(a), 0.3], [math.sin(a), math.cos(a), -0.2]]]) * 1.2
    for align in (False, True):
        grid = F.affine_grid(theta, (1, 1, 3, 4), align_corners=align)
        print("align", align, "grid", grid.shape, grid[0, 0, :2].flatten())
        for mode in ("bilinear", "nearest", "bicubic"):
            for pad in ("zeros", "border", "reflection"):
                im = img.clone().requires_grad_(True)
                g = grid.clone().requires_grad_(True)
                out = F.grid_sample(im, g, mode=mode, padding_mode=pad, align_corners=align)
                w = torch.linspace(-1, 1, out.numel()).reshape(out.shape)
                (out * w).sum().backward()
                print(f"  {mode:8s} {pad:10s} out {out.flatten()[:4]} sum {out.sum().item():.10f}")
                print(f"    dimg {im.grad.abs().sum().item():.10f} dgrid |.| {g.grad.abs().sum().item():.10f} "
                      f"sum {[round(v, 10) for v in g.grad.sum(dim=(0, 1, 2)).tolist()]} {out.grad_fn.name()}")
                if mode == "bilinear":
                    print("    dgrid head", g.grad.flatten()[:4])
    theta_p = theta.clone().requires_grad_(True)
    out = F.grid_sample(img, F.affine_grid(theta_p, (1, 1, 3, 3), align_corners=True), padding_mode="border",
                        align_corners=True)
    out.sum().backward()
    print("dtheta", theta_p.grad)
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
