"""Batch transforms: each takes a whole batch (first axis = examples) and works on all of it at once.

    augment = transforms.Compose([transforms.ToFloat(), transforms.RandomCrop(28, padding=2),
                                  transforms.Normalize(0.1307, 0.3081)])
    loader = DataLoader(train_set, batch_size=64, shuffle=True, transform=augment)

Images are (N, H, W) or (N, C, H, W) (NCHW). A transform given a NumPy array returns one; given a Tensor,
it returns a Tensor on the same device. Random transforms draw from their own `np.random.Generator`,
seeded with `seed`, so a run can be repeated exactly.
"""
import numpy as np

from autograd import Tensor

from .color_transforms import ColorJitter
from .geometric_transforms import RandomAffine, RandomResizedCrop, RandomRotation
from .scaling import StandardScaler
from .transform_base import RandomTransform, Transform, check_images, pair_of

__all__ = ["Transform", "RandomTransform", "Compose", "ToFloat", "ToTensor", "Normalize", "StandardScaler",
           "GaussianNoise", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop", "RandomShift",
           "RandomRotation", "RandomAffine", "RandomResizedCrop", "ColorJitter"]


class Compose(Transform):
    """Apply `transforms` one after another."""

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f"Compose: every transform must be callable, got {type(t).__name__}")

    def __call__(self, batch):
        for t in self.transforms:
            batch = t(batch)
        return batch

    def apply(self, batch):
        """The batch after every transform in turn."""
        return self(batch)


class ToFloat(Transform):
    """Convert to a float dtype (float32 by default) and multiply by `scale`.

    `scale=None` maps integer images onto [0, 1] (divides by the dtype's largest value, 255 for uint8)
    and leaves float input unscaled.
    """

    def __init__(self, scale=None, dtype=np.float32):
        self.scale, self.dtype = scale, np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"ToFloat: dtype must be a float dtype, got {self.dtype}")

    def apply(self, batch):
        """The batch as `dtype`, scaled."""
        scale = self.scale
        if scale is None:
            scale = 1.0 / np.iinfo(batch.dtype).max if batch.dtype.kind in "ui" else 1.0
        out = batch.astype(self.dtype)
        if scale != 1.0:
            out *= self.dtype.type(scale)
        return out


class Normalize(Transform):
    """`(x - mean) / std`, per channel (axis 1) when `mean`/`std` are sequences, else for every value.
    Axis 1 is the channel axis of images (N, C, H, W) and the feature axis of tabular batches (N, F)."""

    def __init__(self, mean, std):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)
        if self.mean.ndim > 1 or self.std.ndim > 1:
            raise ValueError(f"Normalize: mean and std must be numbers or 1-D sequences (one per channel), got "
                             f"shapes {self.mean.shape} and {self.std.shape}")
        if np.any(self.std <= 0):
            raise ValueError(f"Normalize: std must be positive, got {self.std.tolist()}")

    def apply(self, batch):
        """The normalised batch (float32 unless the batch is float64)."""
        dtype = batch.dtype if batch.dtype.kind == "f" else np.dtype(np.float32)
        mean, std = self.mean.astype(dtype), self.std.astype(dtype)
        if mean.ndim == 1 or std.ndim == 1:
            channels = max(mean.size, std.size)
            if batch.ndim < 2 or batch.shape[1] != channels:
                raise ValueError(f"Normalize: {channels} per-channel values need batches shaped (N, {channels}, "
                                 f"...), got {batch.shape} (tabular data: (N, features))")
            shape = (1, channels) + (1,) * (batch.ndim - 2)
            mean, std = mean.reshape(shape), std.reshape(shape)
        return (batch.astype(dtype, copy=False) - mean) / std


class GaussianNoise(RandomTransform):
    """Add normal noise with standard deviation `std` (and mean `mean`) to every value."""

    def __init__(self, std, mean=0.0, seed=None):
        super().__init__(seed)
        if std < 0:
            raise ValueError(f"GaussianNoise: std must be >= 0, got {std}")
        self.std, self.mean = float(std), float(mean)

    def apply(self, batch):
        """The batch plus noise (float32 unless the batch is float64)."""
        dtype = batch.dtype if batch.dtype.kind == "f" else np.dtype(np.float32)
        noise = self._rng.standard_normal(batch.shape, dtype=dtype)
        noise *= dtype.type(self.std)
        if self.mean:
            noise += dtype.type(self.mean)
        return batch.astype(dtype, copy=False) + noise


class RandomHorizontalFlip(RandomTransform):
    """Mirror each image left-right (last axis) with probability `p`."""

    def __init__(self, p=0.5, seed=None):
        super().__init__(seed)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = float(p)

    def apply(self, batch):
        """The batch with a random subset of images flipped."""
        check_images(batch, "RandomHorizontalFlip")
        flip = self._rng.random(len(batch)) < self.p
        out = batch.copy()
        out[flip] = batch[flip, ..., ::-1]
        return out


class RandomVerticalFlip(RandomTransform):
    """Mirror each image top-bottom (second-last axis) with probability `p`."""

    def __init__(self, p=0.5, seed=None):
        super().__init__(seed)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomVerticalFlip: p must be in [0, 1], got {p}")
        self.p = float(p)

    def apply(self, batch):
        """The batch with a random subset of images flipped."""
        check_images(batch, "RandomVerticalFlip")
        flip = self._rng.random(len(batch)) < self.p
        out = batch.copy()
        out[flip] = batch[flip, ..., ::-1, :]
        return out


class ToTensor(Transform):
    """Channels-last images to channels-first floats, as torchvision's ToTensor: an image (H, W, C) becomes
    (C, H, W), (H, W) becomes (1, H, W), a batch (N, H, W, C) becomes (N, C, H, W); uint8 values are divided
    by 255, other dtypes only cast to float32 (float64 stays float64). Given NumPy, it returns a Tensor."""

    def __call__(self, batch):
        device = batch.device if isinstance(batch, Tensor) else None
        values = batch.numpy() if isinstance(batch, Tensor) else np.asarray(batch)
        return Tensor(self.apply(values), device=device)

    def apply(self, batch):
        """The channels-first float array."""
        if batch.ndim == 2:
            batch = batch[None]
        elif batch.ndim in (3, 4):
            batch = np.moveaxis(batch, -1, -3)
        else:
            raise ValueError(f"ToTensor: expects an image (H, W) or (H, W, C) or a batch (N, H, W, C), got shape "
                             f"{batch.shape}")
        if batch.dtype == np.uint8:
            return np.ascontiguousarray(batch, dtype=np.float32) / np.float32(255)
        return np.ascontiguousarray(batch, dtype=np.float64 if batch.dtype == np.float64 else np.float32)


class RandomCrop(RandomTransform):
    """Pad each image by `padding` pixels of `fill` on every side, then cut a `size` window at a random
    position of its own. `size` is an int (square) or (height, width)."""

    def __init__(self, size, padding=0, fill=0, seed=None):
        super().__init__(seed)
        self.size = pair_of(size, "RandomCrop", "size")
        self.padding, self.fill = int(padding), fill
        if self.padding < 0 or min(self.size) < 1:
            raise ValueError(f"RandomCrop: need size >= 1 and padding >= 0, got size={size}, padding={padding}")

    def apply(self, batch):
        """The batch of crops, shaped (..., height, width)."""
        check_images(batch, "RandomCrop")
        h, w = self.size
        padded = _pad_images(batch, self.padding, self.fill)
        room_h, room_w = padded.shape[-2] - h, padded.shape[-1] - w
        if room_h < 0 or room_w < 0:
            raise ValueError(f"RandomCrop: crop {self.size} is larger than the padded images "
                             f"{padded.shape[-2:]} (images {batch.shape[-2:]}, padding {self.padding})")
        top = self._rng.integers(0, room_h + 1, len(batch))
        left = self._rng.integers(0, room_w + 1, len(batch))
        return _crop_each(padded, top, left, h, w)


class RandomShift(RandomTransform):
    """Translate each image by its own random whole number of pixels, up to `max_shift` in each direction
    (an int, or a float fraction of the image size, as (vertical, horizontal) or one value for both);
    uncovered pixels get `fill`. A random affine translation without interpolation."""

    def __init__(self, max_shift, fill=0, seed=None):
        super().__init__(seed)
        self.max_shift = max_shift if isinstance(max_shift, (tuple, list)) else (max_shift, max_shift)
        if len(self.max_shift) != 2 or any(s < 0 for s in self.max_shift):
            raise ValueError(f"RandomShift: max_shift must be >= 0, one value or (vertical, horizontal); "
                             f"got {max_shift!r}")
        self.fill = fill

    def apply(self, batch):
        """The shifted batch, same shape as the input."""
        check_images(batch, "RandomShift")
        h, w = batch.shape[-2:]
        dy, dx = (int(round(s * n)) if isinstance(s, float) else int(s) for s, n in zip(self.max_shift, (h, w)))
        pad = max(dy, dx)
        padded = _pad_images(batch, pad, self.fill)
        top = pad + self._rng.integers(-dy, dy + 1, len(batch))
        left = pad + self._rng.integers(-dx, dx + 1, len(batch))
        return _crop_each(padded, top, left, h, w)


def _pad_images(batch, padding, fill):
    if padding == 0:
        return batch
    widths = [(0, 0)] * (batch.ndim - 2) + [(padding, padding)] * 2
    return np.pad(batch, widths, constant_values=fill)


def _crop_each(images, top, left, h, w):
    """Cut an (h, w) window out of each image n at (top[n], left[n]); every channel of n shares it."""
    n_images = len(images)
    flat = images.reshape((n_images, -1) + images.shape[-2:])  # (N, M, H, W): M = channels (or 1)
    windows = np.lib.stride_tricks.sliding_window_view(flat, (h, w), axis=(-2, -1))  # (N, M, H', W', h, w)
    n = np.arange(n_images)[:, None]
    m = np.arange(flat.shape[1])[None, :]
    crops = windows[n, m, top[:, None], left[:, None]]  # (N, M, h, w)
    return crops.reshape(images.shape[:-2] + (h, w))
