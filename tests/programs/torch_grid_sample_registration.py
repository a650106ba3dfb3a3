"""Image registration with a spatial transformer, the way a medical-imaging notebook writes it: F.affine_grid and
F.grid_sample in every mode (bilinear, nearest, bicubic) and padding mode (zeros, border, reflection), with and
without align_corners, a 3-D volume resampled through a 5-D grid, gradients with respect to both the image and
the sampling grid, and a small loop that fits an affine matrix by gradient descent so that a warped moving image
matches a fixed one. Float64 throughout, NumPy data.
"""
import numpy as np
import torch
import torch.nn.functional as F


def blob_image(rng, n, h, w):
    ys, xs = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    images = []
    for _ in range(n):
        cy, cx = rng.uniform(-0.4, 0.4, 2)
        images.append(np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / 0.15) + 0.05 * rng.standard_normal((h, w)))
    return torch.from_numpy(np.stack(images)[:, None])


def main():
    rng = np.random.default_rng(1701)
    image = blob_image(rng, 2, 7, 9)
    theta = torch.tensor([[[0.9, -0.2, 0.1], [0.25, 1.1, -0.05]],
                          [[1.2, 0.0, -0.3], [0.0, 0.8, 0.2]]], dtype=torch.float64)
    for align in (False, True):
        grid = F.affine_grid(theta, list(image.shape), align_corners=align)
        print("grid", tuple(grid.shape), "align", align, "corner", [round(v, 6) for v in grid[0, 0, 0].tolist()],
              [round(v, 6) for v in grid[1, -1, -1].tolist()])
        for mode in ("bilinear", "nearest", "bicubic"):
            for padding in ("zeros", "border", "reflection"):
                out = F.grid_sample(image, grid, mode=mode, padding_mode=padding, align_corners=align)
                print(f"{mode:8s} {padding:10s} sum {out.sum().item():.8f} max {out.max().item():.8f} "
                      f"px {out[1, 0, 3, 4].item():.8f}")

    # a grid that reaches far outside the image, where the padding modes differ the most
    far = torch.from_numpy(rng.uniform(-2.5, 2.5, (2, 4, 5, 2)))
    for padding in ("zeros", "border", "reflection"):
        out = F.grid_sample(image, far, mode="bilinear", padding_mode=padding, align_corners=False)
        print("far", padding, [round(v, 8) for v in out[0, 0, 0].tolist()])

    # gradients with respect to the image and to the grid
    moving = image.clone().requires_grad_(True)
    grid = F.affine_grid(theta, list(image.shape), align_corners=False).requires_grad_(True)
    for mode in ("bilinear", "bicubic"):
        moving.grad, grid.grad = None, None
        out = F.grid_sample(moving, grid, mode=mode, padding_mode="border", align_corners=False)
        (out * out).sum().backward()
        print(mode, "d image", f"{moving.grad.abs().sum().item():.8f}", "d grid", f"{grid.grad.sum().item():.8f}",
              [round(v, 8) for v in grid.grad[0, 2, 3].tolist()])

    # a volume resampled through a 3-D affine grid
    volume = torch.from_numpy(rng.standard_normal((1, 2, 4, 5, 6)))
    theta3 = torch.tensor([[[0.9, 0.1, 0.0, 0.05], [0.0, 1.0, 0.2, 0.0], [0.1, 0.0, 0.8, -0.1]]],
                          dtype=torch.float64)
    grid3 = F.affine_grid(theta3, [1, 2, 3, 4, 5], align_corners=True)
    print("grid3", tuple(grid3.shape), [round(v, 6) for v in grid3[0, 1, 2, 3].tolist()])
    for mode in ("bilinear", "nearest"):
        out3 = F.grid_sample(volume, grid3, mode=mode, padding_mode="zeros", align_corners=True)
        print("volume", mode, tuple(out3.shape), f"{out3.sum().item():.8f}", f"{out3[0, 1, 2, 1, 3].item():.8f}")

    # register: fit an affine matrix that warps `moving` onto `fixed`
    fixed = F.grid_sample(image, F.affine_grid(theta, list(image.shape), align_corners=False),
                          padding_mode="border", align_corners=False)
    params = torch.eye(2, 3, dtype=torch.float64).repeat(2, 1, 1).requires_grad_(True)
    optimizer = torch.optim.Adam([params], lr=0.05)
    for step in range(30):
        optimizer.zero_grad()
        warped = F.grid_sample(image, F.affine_grid(params, list(image.shape), align_corners=False),
                               padding_mode="border", align_corners=False)
        loss = F.mse_loss(warped, fixed)
        loss.backward()
        optimizer.step()
        if step % 6 == 0 or step == 29:
            print(f"step {step:2d} loss {loss.item():.10f} theta00 {params[0, 0, 0].item():.8f}")
    print("fitted", [[round(v, 6) for v in row] for row in params[1].tolist()])
