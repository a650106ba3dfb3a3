"""Random geometric batch transforms with torchvision's meanings: RandomRotation, RandomAffine,
RandomResizedCrop.

Batches are (N, H, W) or (N, C, H, W); every image gets its own random parameters (torchvision draws one
set per call), and the whole batch is resampled at once through one sampling grid
(nn.functional.affine_warp). Angles are in degrees; RandomRotation turns counter-clockwise for positive
angles, RandomAffine clockwise (torchvision's conventions for rotate and affine).
"""
import math
import numbers

import numpy as np

import autograd as ag

from ..functional.affine_warp import INTERPOLATIONS, affine_transform
from .transform_base import RandomTransform, check_images, pair_of


def _range(value, who, name, centre=0.0):
    """(low, high) from a number x (centre - x, centre + x; x >= 0) or a pair."""
    if isinstance(value, numbers.Real):
        if value < 0:
            raise ValueError(f"{who}: {name} must be >= 0 when a single number, got {value}")
        return centre - float(value), centre + float(value)
    value = tuple(float(v) for v in value)
    if len(value) != 2 or value[0] > value[1]:
        raise ValueError(f"{who}: {name} must be a number or a pair (low, high) with low <= high, got {value!r}")
    return value


def warp_batch(batch, matrices, interpolation, fill, fill_mode="constant", output_size=None, source_box=None):
    """NCHW (or NHW) NumPy batch resampled through (N, 8) Keras-style transforms (output -> input)."""
    dtype = batch.dtype if batch.dtype.kind == "f" else np.dtype(np.float32)
    images = batch[:, None] if batch.ndim == 3 else batch.reshape((batch.shape[0], -1) + batch.shape[-2:])
    with ag.no_grad():
        out = affine_transform(ag.tensor(np.ascontiguousarray(images.transpose(0, 2, 3, 1)), dtype=dtype,
                                         device="cpu"), matrices, interpolation, fill_mode, float(fill),
                               output_size, source_box).numpy()
    out = out.transpose(0, 3, 1, 2)
    out = out.reshape(batch.shape[:-2] + out.shape[-2:])
    if batch.dtype.kind in "ui":   # integer images stay integer, rounded back (nearest keeps values exact)
        info = np.iinfo(batch.dtype)
        out = np.clip(np.rint(out), info.min, info.max).astype(batch.dtype)
    return out


def inverse_affine_matrices(angle, translate, scale, shear_x, shear_y, height, width):
    """(N, 8) output -> input transforms of torchvision's affine (angle clockwise, degrees; shear in
    degrees; translate (tx, ty) pixels; about the image centre)."""
    rot, sx, sy = np.radians(angle), np.radians(shear_x), np.radians(shear_y)
    cx, cy = (width - 1) * 0.5, (height - 1) * 0.5
    tx, ty = translate
    a = np.cos(rot - sy) / np.cos(sy)
    b = -np.cos(rot - sy) * np.tan(sx) / np.cos(sy) - np.sin(rot)
    c = np.sin(rot - sy) / np.cos(sy)
    d = -np.sin(rot - sy) * np.tan(sx) / np.cos(sy) + np.cos(rot)
    m0, m1, m3, m4 = d / scale, -b / scale, -c / scale, a / scale
    m2 = m0 * (-cx - tx) + m1 * (-cy - ty) + cx
    m5 = m3 * (-cx - tx) + m4 * (-cy - ty) + cy
    zeros = np.zeros_like(m0)
    return np.stack([m0, m1, m2, m3, m4, m5, zeros, zeros], 1)


def _check_interpolation(interpolation, who):
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{who}: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")


class RandomRotation(RandomTransform):
    """Rotate each image about its centre by an angle drawn from `degrees` (x means [-x, x], or a pair);
    positive angles turn counter-clockwise. Uncovered pixels get `fill`."""

    def __init__(self, degrees, interpolation="nearest", fill=0, seed=None):
        super().__init__(seed)
        self.degrees = _range(degrees, "RandomRotation", "degrees")
        _check_interpolation(interpolation, "RandomRotation")
        self.interpolation, self.fill = interpolation, fill

    def apply(self, batch):
        """The rotated batch, same shape (float batches keep their dtype, integer ones too)."""
        check_images(batch, "RandomRotation")
        n, (h, w) = len(batch), batch.shape[-2:]
        angle = self._rng.uniform(*self.degrees, n)
        zeros = np.zeros(n)
        matrices = inverse_affine_matrices(-angle, (zeros, zeros), np.ones(n), zeros, zeros, h, w)
        return warp_batch(batch, matrices, self.interpolation, self.fill)


class RandomAffine(RandomTransform):
    """A random affine map per image: rotation from `degrees` (clockwise, as torchvision's affine),
    translation up to `translate` = (a, b) fractions of width and height (whole pixels), scale from
    `scale` = (low, high), shear from `shear` (x: x-shear in [-x, x]; (lo, hi): x-shear range;
    (xlo, xhi, ylo, yhi): both). Uncovered pixels get `fill`."""

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation="nearest", fill=0, seed=None):
        super().__init__(seed)
        self.degrees = _range(degrees, "RandomAffine", "degrees")
        if translate is not None and (len(translate) != 2 or not all(0 <= t <= 1 for t in translate)):
            raise ValueError(f"RandomAffine: translate must be (a, b) with values in [0, 1], got {translate!r}")
        if scale is not None and (len(scale) != 2 or min(scale) <= 0 or scale[0] > scale[1]):
            raise ValueError(f"RandomAffine: scale must be (low, high) with 0 < low <= high, got {scale!r}")
        self.translate, self.scale = translate, scale
        if shear is None or isinstance(shear, numbers.Real):
            self.shear = None if shear is None else (_range(shear, "RandomAffine", "shear"), (0.0, 0.0))
        elif len(shear) == 2:
            self.shear = (_range(shear, "RandomAffine", "shear"), (0.0, 0.0))
        elif len(shear) == 4:
            self.shear = (_range(shear[:2], "RandomAffine", "shear"), _range(shear[2:], "RandomAffine", "shear"))
        else:
            raise ValueError(f"RandomAffine: shear must be a number or 2 or 4 numbers, got {shear!r}")
        _check_interpolation(interpolation, "RandomAffine")
        self.interpolation, self.fill = interpolation, fill

    def parameters(self, n, height, width):
        """(angle, (tx, ty), scale, shear_x, shear_y), each of n values, drawn for n images."""
        rng, zeros = self._rng, np.zeros(n)
        angle = rng.uniform(*self.degrees, n)
        if self.translate is not None:
            max_dx, max_dy = self.translate[0] * width, self.translate[1] * height
            translate = (np.round(rng.uniform(-max_dx, max_dx, n)), np.round(rng.uniform(-max_dy, max_dy, n)))
        else:
            translate = (zeros, zeros)
        scale = rng.uniform(*self.scale, n) if self.scale is not None else np.ones(n)
        if self.shear is not None:
            shear_x, shear_y = rng.uniform(*self.shear[0], n), rng.uniform(*self.shear[1], n)
        else:
            shear_x = shear_y = zeros
        return angle, translate, scale, shear_x, shear_y

    def apply(self, batch):
        """The transformed batch, same shape."""
        check_images(batch, "RandomAffine")
        n, (h, w) = len(batch), batch.shape[-2:]
        matrices = inverse_affine_matrices(*self.parameters(n, h, w), h, w)
        return warp_batch(batch, matrices, self.interpolation, self.fill)


class RandomResizedCrop(RandomTransform):
    """Cut from each image a window of random area (a `scale` fraction of the image) and aspect ratio
    (from `ratio`, drawn log-uniformly) and resize it to `size` (int or (height, width)) by bilinear
    interpolation (no antialiasing), as torchvision: 10 tries, then the centre crop as a fallback."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3), interpolation="bilinear", seed=None):
        super().__init__(seed)
        self.size = pair_of(size, "RandomResizedCrop", "size")
        if len(scale) != 2 or not 0 < scale[0] <= scale[1]:
            raise ValueError(f"RandomResizedCrop: scale must be (low, high) with 0 < low <= high, got {scale!r}")
        if len(ratio) != 2 or not 0 < ratio[0] <= ratio[1]:
            raise ValueError(f"RandomResizedCrop: ratio must be (low, high) with 0 < low <= high, got {ratio!r}")
        _check_interpolation(interpolation, "RandomResizedCrop")
        self.scale, self.ratio, self.interpolation = tuple(scale), tuple(ratio), interpolation

    def boxes(self, n, height, width, tries=10):
        """(top, left, h, w) arrays of n crop windows."""
        rng, area = self._rng, height * width
        target = area * rng.uniform(*self.scale, (n, tries))
        aspect = np.exp(rng.uniform(math.log(self.ratio[0]), math.log(self.ratio[1]), (n, tries)))
        w = np.round(np.sqrt(target * aspect)).astype(np.int64)
        h = np.round(np.sqrt(target / aspect)).astype(np.int64)
        ok = (w > 0) & (w <= width) & (h > 0) & (h <= height)
        first = ok.argmax(1)
        found = ok.any(1)
        rows = np.arange(n)
        h, w = h[rows, first], w[rows, first]
        # fallback: the whole image cut to the nearest allowed aspect ratio, centred
        in_ratio = width / height
        if in_ratio < self.ratio[0]:
            fw, fh = width, int(round(width / self.ratio[0]))
        elif in_ratio > self.ratio[1]:
            fh, fw = height, int(round(height * self.ratio[1]))
        else:
            fw, fh = width, height
        h, w = np.where(found, h, fh), np.where(found, w, fw)
        top = np.where(found, np.floor(rng.random(n) * (height - h + 1)), (height - h) // 2).astype(np.int64)
        left = np.where(found, np.floor(rng.random(n) * (width - w + 1)), (width - w) // 2).astype(np.int64)
        return top, left, h, w

    def apply(self, batch):
        """The batch of resized crops, shaped (..., size[0], size[1])."""
        check_images(batch, "RandomResizedCrop")
        n, (height, width) = len(batch), batch.shape[-2:]
        top, left, h, w = self.boxes(n, height, width)
        out_h, out_w = self.size
        sy, sx = h / out_h, w / out_w
        zeros = np.zeros(n)
        # align_corners=False: output pixel centre x + 0.5 maps to left + (x + 0.5) * sx in the input
        matrices = np.stack([sx, zeros, left + 0.5 * sx - 0.5, zeros, sy, top + 0.5 * sy - 0.5, zeros, zeros], 1)
        return warp_batch(batch, matrices, self.interpolation, 0, fill_mode="nearest", output_size=self.size,
                          source_box=(top, left, h, w))
