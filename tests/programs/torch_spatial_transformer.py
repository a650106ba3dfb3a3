"""A spatial transformer network written for PyTorch in the style of its STN tutorial; tests run it as is and with
only its imports changed, and compare what both print. A localisation net whose last Linear starts at the identity
transform (weight.data.zero_(), bias.data.copy_(...)), F.affine_grid + F.grid_sample (bilinear, zeros padding,
and the align_corners=True / padding_mode='border' / 'reflection' / nearest / bicubic variants on a fixed
theta), a small classifier after it, F.nll_loss on log_softmax, a few Adam steps. Float64, weights from a seeded
NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3)
        self.conv2 = nn.Conv2d(4, 6, kernel_size=3)
        self.fc1 = nn.Linear(6 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 3)
        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(4, 6, kernel_size=3),
            nn.ReLU(True),
        )
        self.fc_loc = nn.Sequential(nn.Linear(6 * 4 * 4, 12), nn.ReLU(True), nn.Linear(12, 3 * 2))

    def init_identity(self):
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 6 * 4 * 4)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False), theta

    def forward(self, x):
        x, theta = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = x.view(-1, 6 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1), theta


def load_numpy_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("fc_loc.2"):
                continue
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else p.shape[0]
            p.copy_(torch.from_numpy(rng.uniform(-1.0, 1.0, tuple(p.shape)) / np.sqrt(fan_in)))


def make_data(rng, n):
    """14x14 images of three shapes (bar, cross, square), shifted about, with their class labels."""
    labels = rng.integers(0, 3, size=n)
    images = np.zeros((n, 1, 14, 14))
    for i, c in enumerate(labels):
        dy, dx = rng.integers(-2, 3, size=2)
        canvas = np.zeros((14, 14))
        if c == 0:
            canvas[6:8, 3:11] = 1.0
        elif c == 1:
            canvas[6:8, 3:11] = 1.0
            canvas[3:11, 6:8] = 1.0
        else:
            canvas[4:10, 4:10] = 1.0
            canvas[6:8, 6:8] = 0.0
        images[i, 0] = np.roll(canvas, (dy, dx), axis=(0, 1))
    images += rng.normal(0.0, 0.1, size=images.shape)
    return torch.from_numpy(images), torch.from_numpy(labels)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(5)
    x, y = make_data(rng, 24)
    print("data", tuple(x.shape), y.dtype, "class counts", torch.bincount(y, minlength=3).tolist())

    model = Net()
    load_numpy_weights(model, rng)
    model.init_identity()
    print("fc_loc bias", model.fc_loc[2].bias.tolist(), model.fc_loc[2].bias.dtype)

    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for step in range(8):
        model.train()
        batch = slice((step % 3) * 8, (step % 3) * 8 + 8)
        optimizer.zero_grad()
        output, theta = model(x[batch])
        loss = F.nll_loss(output, y[batch])
        loss.backward()
        optimizer.step()
        print(f"step {step}: loss {loss.item()} theta[0] {theta[0].detach().flatten().tolist()}")

    model.eval()
    with torch.no_grad():
        output, theta = model(x)
        pred = output.argmax(dim=1)
        print("accuracy", (pred == y).double().mean().item(), "nll", F.nll_loss(output, y, reduction="sum").item())
        print("theta mean", theta.mean(dim=0).tolist())

        # the sampling variants on one fixed transform: rotate a little, zoom out, shift right
        a = 0.3
        fixed = torch.tensor([[[np.cos(a) * 1.2, -np.sin(a) * 1.2, 0.15],
                               [np.sin(a) * 1.2, np.cos(a) * 1.2, -0.1]]])
        img = x[:1]
        for align in (False, True):
            grid = F.affine_grid(fixed, img.size(), align_corners=align)
            print(f"grid align_corners={align}", tuple(grid.shape), grid[0, 0, 0].tolist(), grid[0, 13, 13].tolist())
            for padding in ("zeros", "border", "reflection"):
                out = F.grid_sample(img, grid, mode="bilinear", padding_mode=padding, align_corners=align)
                print(f"  bilinear {padding}: sum {out.sum().item()} row7 {out[0, 0, 7, :4].tolist()}")
        nearest = F.grid_sample(img, F.affine_grid(fixed, img.size(), align_corners=False), mode="nearest",
                                padding_mode="zeros", align_corners=False)
        print("  nearest zeros: sum", nearest.sum().item())
        bicubic = F.grid_sample(img, F.affine_grid(fixed, img.size(), align_corners=False), mode="bicubic",
                                padding_mode="border", align_corners=False)
        print("  bicubic border: sum", bicubic.sum().item(), "row7", bicubic[0, 0, 7, :3].tolist())

    # gradients flow through grid_sample to the image and through affine_grid to theta
    theta_param = fixed.clone().requires_grad_(True)
    img_param = x[:2].clone().requires_grad_(True)
    grid = F.affine_grid(theta_param.expand(2, 2, 3), img_param.size(), align_corners=False)
    sampled = F.grid_sample(img_param, grid, padding_mode="border", align_corners=False)
    (sampled ** 2).sum().backward()
    print("theta grad", theta_param.grad.flatten().tolist())
    print("image grad sum", img_param.grad.sum().item(), "shape", img_param.grad.shape)
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
