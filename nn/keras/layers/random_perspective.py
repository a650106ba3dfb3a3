"""Keras's RandomPerspective: each chosen image (chosen with a probability drawn from `factor`) warped by the
homography that moves its four corners by random offsets of up to scale / 2 of their coordinates, with constant
fill. As Keras's, `get_random_transformation(images)` draws (from the layer's own generator) and
`transform_images(images, transformation, training=True)` replays a transformation exactly."""
import functools

import numpy as np

import autograd as ag
from autograd import arrays
from autograd.ops.no_grad_op import no_grad_op

from ...functional.affine_warp import bilinear_taps
from .augmentation import host_draws, keras_uniform
from .color_augmentation import _base_factor
from .random_erasing_blur import _ReplayLayer, _tensor

_INTERPOLATIONS = ("nearest", "bilinear")


def homography(xp, start_points, end_points):
    """The (N, 8) projective maps [a0..a7] taking each end point to its start point, as Keras's
    compute_homography_matrix (one float32 8x8 solve per image; points (N, 4, 2) arrays of module xp)."""
    start, end = start_points.astype(xp.float32), end_points.astype(xp.float32)
    rows = []
    for k in range(4):
        sx, sy, ex, ey = start[:, k, 0], start[:, k, 1], end[:, k, 0], end[:, k, 1]
        one, zero = xp.ones_like(ex), xp.zeros_like(ex)
        rows.append(xp.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(xp.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
    target = xp.stack([start[:, k // 2, k % 2] for k in range(8)], -1)[..., None]
    return xp.linalg.solve(xp.stack(rows, 1), target).reshape(-1, 8).astype(xp.float32)


def _perspective_grid(xp, start_points, end_points, size, interpolation, dtype):
    """Per interpolation tap: source rows, columns (N, H, W) clipped into the image, and the tap's weight
    (N, H, W, 1), zero where the tap falls outside (Keras's map_coordinates with constant fill)."""
    h, w = size
    t = homography(xp, start_points, end_points)
    grid_x, grid_y = xp.meshgrid(xp.arange(w, dtype=xp.float32), xp.arange(h, dtype=xp.float32), indexing="xy")
    a = [t[:, k][:, None, None] for k in range(8)]
    denom = a[6] * grid_x + a[7] * grid_y + 1.0
    src_x = (a[0] * grid_x + a[1] * grid_y + a[2]) / denom
    src_y = (a[3] * grid_x + a[4] * grid_y + a[5]) / denom
    if interpolation == "nearest":
        taps = [(xp.round(src_y).astype(xp.int64), xp.round(src_x).astype(xp.int64), None)]
    else:
        taps = bilinear_taps(xp, src_y, src_x)
    grid = []
    for rows, cols, weight in taps:
        valid = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        weight = xp.ones(rows.shape, dtype=dtype) if weight is None else weight.astype(dtype)
        grid += [xp.clip(rows, 0, h - 1), xp.clip(cols, 0, w - 1), (weight * valid)[..., None],
                 (weight * ~valid)[..., None]]
    return tuple(grid)


def perspective_warp(images, start_points, end_points, interpolation="bilinear", fill_value=0.0):
    """Channels-last images (N, H, W, C) warped by the homographies from end to start points: each output pixel
    (x, y) reads ((a0 x + a1 y + a2) / d, (a3 x + a4 y + a5) / d), d = a6 x + a7 y + 1; taps outside the image
    read `fill_value`. The grid is one no-gradient op (an ag.jit replay rebuilds it); gradients reach the images."""
    n, h, w, _ = images.shape
    grid = no_grad_op("perspective_grid", functools.partial(
        _perspective_grid, size=(h, w), interpolation=interpolation, dtype=images.dtype), start_points, end_points)
    batch = arrays.wrap(images.device.xp.arange(n)[:, None, None], images.device)
    out = None
    for k in range(0, len(grid), 4):
        rows, cols, weight, outside = grid[k:k + 4]
        term = images[batch, rows, cols] * weight + outside * float(fill_value)
        out = term if out is None else out + term
    return out


class RandomPerspective(_ReplayLayer):
    """Warps each chosen image by a random perspective (corners moved by up to scale / 2 of their coordinates)."""

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.scale, self.fill_value, self.interpolation = scale, fill_value, interpolation
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {_INTERPOLATIONS}.")

    def get_random_transformation(self, images, training=True, seed=None):
        """{'apply_perspective': (N,) bool, 'start_points' and 'end_points': (N, 4, 2), 'input_shape'}."""
        if not training:
            return None
        images, _ = self._batched(images)
        n, (height, width) = images.shape[0], self._hw(images)
        apply = host_draws(self, images, lambda: self._apply_draw(n), seed)
        start = np.repeat(np.array([[[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]],
                                   np.float32), n, axis=0)
        offsets = host_draws(self, images, lambda: keras_uniform(self, (n, 4, 2), -0.5 * self.scale, 0.5 * self.scale,
                                                                 self.compute_dtype), seed)
        start_points = ag.tensor(start, device=images.device)
        return {"apply_perspective": apply, "start_points": start_points,
                "end_points": start_points + start_points * offsets, "input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation=None, training=True):
        """The chosen images warped by the homography from start_points to end_points."""
        images, single = self._batched(images)
        if training and transformation is not None:
            x = images if self.data_format == "channels_last" else images.permute(0, 2, 3, 1)
            points = [_tensor(transformation[key], images) for key in ("start_points", "end_points")]
            warped = perspective_warp(x, *points, self.interpolation, self.fill_value)
            warped = warped if self.data_format == "channels_last" else warped.permute(0, 3, 1, 2)
            apply = _tensor(transformation["apply_perspective"], images).reshape(-1, 1, 1, 1)
            images = ag.where(apply, warped, images)
        return images.squeeze(0) if single else images

    def get_config(self):
        """Keras's: data_format, factor, scale, interpolation, fill_value, seed."""
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value, "seed": self.seed}
