"""keras.layers.ContrastLimitedAdaptiveHistogramEqualization (Keras 3.15): CLAHE as Keras computes it.

Each channel of each image is cut into tile_grid_size tiles (the image's last row and column repeated to whole
tiles); each tile's 256-bin histogram is clipped at int(clip_limit x pixels per tile / 256) with the excess spread
evenly over the bins, and its normalised CDF maps a pixel; a pixel's value is the bilinear blend of the
maps of the four tiles around it (edge tiles repeated). Applied in training and inference alike, as in Keras.
The result depends on the pixels only through integer bins, so no gradient flows to the images (as in Keras).
The edge padding and the integer clip limit are what Keras's torch backend does (it pads 'symmetric' as replicate,
and its histograms are int64), so results match Keras on torch, not on JAX or TensorFlow."""
import numpy as np

import autograd as ag

from .color_augmentation import _ColorLayer, rescale

_LAYER = "ContrastLimitedAdaptiveHistogramEqualization"


def _pair(value, what):
    if (not isinstance(value, (tuple, list)) or len(value) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in value)):
        raise ValueError(f"{_LAYER}: {what} must be a tuple of two positive ints (tiles along height, width), got "
                         f"{what}={value!r}")
    return value


def _tile_maps(padded, grid, tile, clip_limit):
    """(N, grid_h + 2, grid_w + 2, C, 256) float32: each tile's CDF map, the border tiles repeated once."""
    (grid_h, grid_w), (tile_h, tile_w) = grid, tile
    n, _, _, channels = padded.shape
    tiles = padded.reshape(n, grid_h, tile_h, grid_w, tile_w, channels).transpose(0, 1, 3, 5, 2, 4)
    bins = np.clip(tiles.reshape(n, grid_h, grid_w, channels, tile_h * tile_w).astype(np.int32), 0, 255)
    flat = bins.reshape(-1, tile_h * tile_w)
    offsets = np.arange(flat.shape[0])[:, None] * 256
    hists = np.bincount((flat + offsets).ravel(), minlength=flat.shape[0] * 256)
    hists = hists.reshape(n, grid_h, grid_w, channels, 256).astype(np.float32)
    pixels = np.float32(tile_h * tile_w)
    if clip_limit > 0:
        # Keras's histograms are int64 on its torch backend (one_hot's dtype there), so the limit is cast to an
        # integer too: a limit under one pixel clips every bin to zero
        clipped = np.clip(hists, 0, np.float32(np.trunc(clip_limit * (tile_h * tile_w) / 256.0)))
        hists = clipped + (hists - clipped).sum(-1, keepdims=True, dtype=np.float32) / np.float32(256.0)
    cdf = np.cumsum(hists, axis=-1, dtype=np.float32)
    cdf_min = cdf.min(-1, keepdims=True)
    denominator = pixels - cdf_min
    denominator = np.where(denominator == 0, np.float32(1), denominator)
    maps = np.clip((cdf - cdf_min) * np.float32(255.0) / denominator, 0, 255).astype(np.float32)
    return np.pad(maps, [(0, 0), (1, 1), (1, 1), (0, 0), (0, 0)], mode="edge")


def _neighbours(size, tile, grid):
    """For each padded row (or column): the two tile-map indices around it and the weight of the second."""
    position = (np.arange(size, dtype=np.float32) - np.float32(tile / 2.0)) / np.float32(tile) + np.float32(1.0)
    low = np.floor(position)
    weight = (position - low).astype(np.float32)
    return (np.clip(low, 0, grid + 1).astype(np.int64), np.clip(low + 1, 0, grid + 1).astype(np.int64), weight)


def clahe(images, clip_limit, grid):
    """CLAHE of a (N, H, W, C) float32 batch with values on the 0-255 scale; float32 on the same scale."""
    n, height, width, channels = images.shape
    grid_h, grid_w = grid
    tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
    pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
    # Keras asks for symmetric padding, which its torch backend carries out as edge (replicate) padding
    padded = np.pad(images, [(0, 0), (0, pad_h), (0, pad_w), (0, 0)], mode="edge") if pad_h or pad_w else images
    maps = _tile_maps(padded, grid, (tile_h, tile_w), clip_limit)
    y0, y1, wy = _neighbours(tile_h * grid_h, tile_h, grid_h)
    x0, x1, wx = _neighbours(tile_w * grid_w, tile_w, grid_w)
    value = np.clip(padded, 0, 255).astype(np.int32)
    b = np.arange(n)[:, None, None, None]
    c = np.arange(channels)[None, None, None, :]
    rows0, rows1 = y0[None, :, None, None], y1[None, :, None, None]
    cols0, cols1 = x0[None, None, :, None], x1[None, None, :, None]
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    top = maps[b, rows0, cols0, c, value] * (1 - wx) + maps[b, rows0, cols1, c, value] * wx
    bottom = maps[b, rows1, cols0, c, value] * (1 - wx) + maps[b, rows1, cols1, c, value] * wx
    return (top * (1 - wy) + bottom * wy)[:, :height, :width, :].astype(np.float32)


class ContrastLimitedAdaptiveHistogramEqualization(_ColorLayer):
    """Contrast-limited adaptive histogram equalisation of images with values in value_range, per channel, on a
    tile_grid_size grid of tiles; clip_limit bounds each tile's histogram (0 or less: no clipping)."""

    _RANDOM = False

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(data_format, None, **kwargs)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"{_LAYER}: value_range must be a tuple of two numbers (low, high), got "
                             f"value_range={value_range!r}")
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float, np.number)):
            raise ValueError(f"{_LAYER}: clip_limit must be a number, got clip_limit={clip_limit!r}")
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = _pair(tile_grid_size, "tile_grid_size")

    def transform(self, images, training):
        dtype = images.dtype
        values = images.detach().numpy()
        if self.data_format == "channels_first":
            values = values.transpose(0, 2, 3, 1)
        scaled = rescale(values.astype(np.float32) if values.dtype != np.float32 else values,
                         self.value_range, (0, 255)) if tuple(self.value_range) != (0, 255) else values
        out = clahe(np.asarray(scaled, dtype=np.float32), self.clip_limit, self.tile_grid_size)
        out = np.asarray(rescale(out, (0, 255), self.value_range), dtype=np.float32)
        if self.data_format == "channels_first":
            out = out.transpose(0, 3, 1, 2)
        return ag.tensor(np.ascontiguousarray(out).astype(dtype), device=images.device)

    def get_config(self):
        """Keras's: data_format, value_range, clip_limit and tile_grid_size."""
        return {**super().get_config(), "value_range": self.value_range, "clip_limit": self.clip_limit,
                "tile_grid_size": self.tile_grid_size}
