"""keras.ops.image.perspective_transform: images warped by the homography that carries four `end_points` onto
four `start_points`, so that the quadrilateral at `start_points` in the input fills the one at `end_points` in the
output. Sampling (bilinear or nearest, constant fill) is differentiable in the images."""
import numpy as np

import autograd as ag

from .ops_affine import warp
from .ops_args import _t
from .ops_layout import image_batch, image_restore


def _points(points, name):
    array = np.asarray(_t(points).detach().numpy(), np.float64)
    if array.ndim not in (2, 3) or array.shape[-2:] != (4, 2):
        raise ValueError(f"keras.ops.image.perspective_transform: {name} must be (4, 2) for every image or "
                         f"(batch, 4, 2), got shape {array.shape}")
    return array.reshape(-1, 4, 2)


def homography(start_points, end_points):
    """(batch, 8) coefficients [a0..a7] with start = ((a0 x + a1 y + a2), (a3 x + a4 y + a5)) / (a6 x + a7 y + 1)
    for each end point (x, y): the 8x8 linear system that the four point pairs give, solved per image."""
    rows = []
    for k in range(4):
        (sx, sy), (ex, ey) = start_points[:, k].T, end_points[:, k].T
        zero, one = np.zeros_like(ex), np.ones_like(ex)
        rows.append(np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
    system = np.stack(rows, 1)                                     # (batch, 8, 8)
    targets = np.stack([start_points[:, :, 0], start_points[:, :, 1]], -1).reshape(len(system), 8)
    return np.linalg.solve(system, targets[..., None])[..., 0]


def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Images (N, H, W, C) or (H, W, C) (channels first with data_format='channels_first') warped so that the
    four `start_points` ((4, 2) or (N, 4, 2), as (x, y)) land on `end_points`; outside points take `fill_value`."""
    op = "keras.ops.image.perspective_transform"
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: interpolation must be 'bilinear' or 'nearest', got {interpolation!r}")
    start, end = _points(start_points, "start_points"), _points(end_points, "end_points")
    if start.shape != end.shape:
        raise ValueError(f"{op}: start_points and end_points must have the same shape, got {start.shape} and "
                         f"{end.shape}")
    x, how = image_batch(images, data_format, "perspective_transform")
    n, h, w, _ = x.shape
    if len(start) not in (1, n):
        raise ValueError(f"{op}: {len(start)} sets of points for {n} images; pass one set or one per image")
    dtype = x.dtype if x.is_floating_point() else np.float32
    a = homography(start, end).astype(dtype)[:, :, None, None]     # (batch, 8, 1, 1)
    cols, rows = np.meshgrid(np.arange(w, dtype=dtype), np.arange(h, dtype=dtype))
    denominator = a[:, 6] * cols + a[:, 7] * rows + 1.0
    src_x = (a[:, 0] * cols + a[:, 1] * rows + a[:, 2]) / denominator
    src_y = (a[:, 3] * cols + a[:, 4] * rows + a[:, 5]) / denominator
    return image_restore(warp(x, ag.tensor(src_x), ag.tensor(src_y), interpolation, "constant", fill_value), how)
