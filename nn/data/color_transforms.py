"""ColorJitter: random brightness, contrast, saturation and hue, as torchvision's ColorJitter.

Float images are taken to hold values in [0, 1] (results are clipped there); batches are (N, C, H, W)
with C = 3 (RGB) for saturation and hue, C = 1 or 3 for brightness and contrast. Each image gets its own
factors; the order of the four adjustments is drawn once per batch, as torchvision draws it once per call.
The hue shift converts to HSV and back exactly as torchvision's tensor code does.
"""
import numbers

import numpy as np

from .transform_base import RandomTransform

_GRAY_WEIGHTS = np.array([0.299, 0.587, 0.114])


def grayscale(batch):
    """(N, 1, H, W) luma of an RGB (N, 3, H, W) batch (ITU-R 601-2 weights); a 1-channel batch itself."""
    if batch.shape[1] == 1:
        return batch
    return np.tensordot(_GRAY_WEIGHTS.astype(batch.dtype), batch, axes=([0], [1]))[:, None]


def _blend(image, other, factor):
    """factor * image + (1 - factor) * other, clipped to [0, 1] (factor: one value per image)."""
    f = factor.reshape(-1, 1, 1, 1).astype(image.dtype)
    return np.clip(f * image + (1 - f) * other, 0, 1)


def rgb_to_hsv(batch):
    """(N, 3, H, W) RGB in [0, 1] -> HSV, every component in [0, 1]."""
    r, g, b = batch[:, 0], batch[:, 1], batch[:, 2]
    maxc, minc = batch.max(1), batch.min(1)
    same = maxc == minc
    spread = maxc - minc
    s = spread / np.where(same, 1, maxc)
    divisor = np.where(same, 1, spread)
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc) + \
        ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod(h / 6.0 + 1.0, 1.0)
    return np.stack([h, s, maxc], 1)


def hsv_to_rgb(batch):
    """(N, 3, H, W) HSV -> RGB (the inverse of rgb_to_hsv)."""
    h, s, v = batch[:, 0], batch[:, 1], batch[:, 2]
    sector = np.floor(h * 6.0)
    f = h * 6.0 - sector
    sector = sector.astype(np.int64) % 6
    p = np.clip(v * (1 - s), 0, 1)
    q = np.clip(v * (1 - s * f), 0, 1)
    t = np.clip(v * (1 - s * (1 - f)), 0, 1)
    r = np.choose(sector, [v, q, p, p, t, v])
    g = np.choose(sector, [t, v, v, q, p, p])
    b = np.choose(sector, [p, p, t, v, v, q])
    return np.stack([r, g, b], 1)


def _factor_range(value, who, name, centre=1.0, bound=None):
    if isinstance(value, numbers.Real):
        if value < 0:
            raise ValueError(f"{who}: {name} must be >= 0, got {value}")
        low, high = centre - float(value), centre + float(value)
        if centre == 1.0:
            low = max(low, 0.0)
    else:
        low, high = (float(v) for v in value)
    if low > high or (bound is not None and not (bound[0] <= low and high <= bound[1])):
        raise ValueError(f"{who}: {name} must give a range (low, high) within {bound}, got {value!r}")
    return None if low == high == centre else (low, high)


class ColorJitter(RandomTransform):
    """Randomly change brightness, contrast and saturation (factors drawn from [max(0, 1 - x), 1 + x] for
    x, or from a given (low, high)) and hue (shift in [-x, x] of a full turn, x <= 0.5)."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0, seed=None):
        super().__init__(seed)
        self.brightness = _factor_range(brightness, "ColorJitter", "brightness")
        self.contrast = _factor_range(contrast, "ColorJitter", "contrast")
        self.saturation = _factor_range(saturation, "ColorJitter", "saturation")
        self.hue = _factor_range(hue, "ColorJitter", "hue", centre=0.0, bound=(-0.5, 0.5))

    def apply(self, batch):
        """The jittered batch (float32 unless float64; integer images are scaled to [0, 1] first)."""
        if batch.ndim != 4 or batch.shape[1] not in (1, 3):
            raise ValueError(f"ColorJitter: expects images shaped (N, 1, H, W) or (N, 3, H, W), got {batch.shape}")
        if (self.saturation or self.hue) and batch.shape[1] != 3:
            raise ValueError(f"ColorJitter: saturation and hue need RGB images (N, 3, H, W), got {batch.shape}")
        if batch.dtype.kind in "ui":
            out = batch.astype(np.float32) / np.float32(np.iinfo(batch.dtype).max)
        else:
            out = batch.astype(batch.dtype if batch.dtype.kind == "f" else np.float32)
        n = len(batch)
        for step in self._rng.permutation(4):
            if step == 0 and self.brightness:
                out = _blend(out, 0.0, self._rng.uniform(*self.brightness, n))
            elif step == 1 and self.contrast:
                mean = grayscale(out).mean(axis=(1, 2, 3), keepdims=True)
                out = _blend(out, mean, self._rng.uniform(*self.contrast, n))
            elif step == 2 and self.saturation:
                out = _blend(out, grayscale(out), self._rng.uniform(*self.saturation, n))
            elif step == 3 and self.hue:
                hsv = rgb_to_hsv(out)
                shift = self._rng.uniform(*self.hue, n).reshape(-1, 1, 1).astype(out.dtype)
                hsv[:, 0] = (hsv[:, 0] + shift) % 1.0
                out = hsv_to_rgb(hsv).astype(out.dtype)
        return out
