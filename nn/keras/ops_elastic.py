"""keras.ops.image.elastic_transform: each image resampled along a random, smoothed displacement field, as Keras 3's
torch backend computes it: two fields of standard normals (times sigma) drawn from the global stream (Keras's torch
backend leaves `seed` unused on real devices, so `keras.utils.set_random_seed` is what makes them repeatable),
blurred with a Gaussian of that sigma (kernel int(6 sigma) | 1), scaled by alpha and added to the pixel grid, which
map_coordinates then samples. Differentiable in the images."""
import numpy as np

import autograd as ag

from .ops_args import _t
from .ops_image_extra import gaussian_blur
from .ops_layout import data_format as _data_format
from .ops_map_coordinates import map_coordinates

_ORDERS = {"nearest": 0, "bilinear": 1}
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _scalar(value, op, name):
    """A Python float from a number or 0-d tensor/array."""
    try:
        return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value, np.float32))
    except (TypeError, ValueError):
        raise ValueError(f"keras.ops.image.{op}: {name} must be a number, got {value!r}") from None


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Images (H, W, C) or (N, H, W, C) (channels first with data_format='channels_first') distorted by a random
    elastic displacement of strength `alpha` and smoothness `sigma`, sampled with `interpolation` ('nearest' or
    'bilinear') and `fill_mode` outside the image."""
    fmt = _data_format(data_format, "image.elastic_transform")
    if interpolation not in _ORDERS:
        raise ValueError(f"Invalid value for argument `interpolation`. Expected of one {set(_ORDERS)}. Received: "
                         f"interpolation={interpolation}")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"Invalid value for argument `fill_mode`. Expected of one {set(_FILL_MODES)}. Received: "
                         f"fill_mode={fill_mode}")
    x = _t(images)
    if x.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received "
                         f"input with shape: images.shape={tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"keras.ops.image.elastic_transform: images must be floating point (the displacement is "
                        f"drawn in their dtype), got {x.dtype}; cast them first, e.g. ops.cast(images, 'float32')")
    alpha, sigma = _scalar(alpha, "elastic_transform", "alpha"), _scalar(sigma, "elastic_transform", "sigma")
    single = x.ndim == 3
    batch = x.unsqueeze(0) if single else x
    if fmt == "channels_last":
        n, height, width, channels = batch.shape
    else:
        n, channels, height, width = batch.shape
    size = int(np.float32(6) * np.float32(sigma)) | 1   # Keras multiplies its float32 sigma
    fields = []
    for _ in range(2):   # dx, then dy, as Keras draws them
        noise = ag.randn(n, height, width, dtype=batch.dtype) * np.asarray(sigma, batch.dtype)
        noise = noise.unsqueeze(-1 if fmt == "channels_last" else 1)
        blurred = gaussian_blur(noise, (size, size), (sigma, sigma), fmt)
        fields.append(blurred.reshape(n, height, width).numpy())
    dx, dy = fields
    cols, rows = np.meshgrid(np.arange(width), np.arange(height), indexing="xy")
    moved_x = (cols + np.float32(alpha) * dx).astype(dx.dtype)
    moved_y = (rows + np.float32(alpha) * dy).astype(dy.dtype)
    order = _ORDERS[interpolation]
    planes = []
    for b in range(n):
        channel_planes = []
        for c in range(channels):
            plane = batch[b, :, :, c] if fmt == "channels_last" else batch[b, c]
            channel_planes.append(map_coordinates(plane, [moved_y[b], moved_x[b]], order, fill_mode, fill_value))
        planes.append(ag.stack(channel_planes, -1 if fmt == "channels_last" else 0))
    out = ag.stack(planes, 0).astype(x.dtype)
    return out.squeeze(0) if single else out
