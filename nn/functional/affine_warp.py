"""affine_transform: resample a batch of channels-last images through one affine map per image.

The map follows Keras's `ops.image.affine_transform` convention: each image n has a transform
[a0, a1, a2, b0, b1, b2, c0, c1] (c0, c1 must be 0) that sends an output pixel (x, y) (column, row) to
the input point x' = a0 x + a1 y + a2, y' = b0 x + b1 y + b2, which is read by bilinear or nearest
interpolation. Points outside the image are filled as `fill_mode` says:

- "reflect":  d c b a | a b c d | d c b a   (reflection about the edge of the last pixel)
- "wrap":     a b c d | a b c d | a b c d
- "nearest":  a a a a | a b c d | d d d d
- "constant": k k k k | a b c d | k k k k   (k = fill_value)

The sampling grid (indices and weights) is built with the images' array module on their device, for
the whole batch at once; the gather and the blend are differentiable ops, so gradients reach the images
(not the transform).
"""
import numpy as np

from autograd import Tensor, arrays

FILL_MODES = ("reflect", "wrap", "nearest", "constant")
INTERPOLATIONS = ("bilinear", "nearest")


def _fix_index(xp, index, size, fill_mode):
    """Integer source indices mapped into [0, size) by the fill mode, and where they were valid already."""
    valid = (index >= 0) & (index < size)
    if fill_mode == "reflect":
        period = 2 * size
        index = index % period
        index = xp.where(index >= size, period - 1 - index, index)
    elif fill_mode == "wrap":
        index = index % size
    else:   # "nearest", and "constant" (whose invalid taps are replaced by fill_value afterwards)
        index = xp.clip(index, 0, size - 1)
    return index, valid


def _source_points(xp, transform, out_h, out_w, dtype):
    """(y', x') source coordinates, each (N, out_h, out_w), of every output pixel."""
    rows = xp.arange(out_h, dtype=dtype)[None, :, None]
    cols = xp.arange(out_w, dtype=dtype)[None, None, :]
    t = [transform[:, k][:, None, None] for k in range(6)]
    src_x = t[0] * cols + t[1] * rows + t[2]
    src_y = t[3] * cols + t[4] * rows + t[5]
    return src_y, src_x


def _check(images, transform, interpolation, fill_mode):
    if not isinstance(images, Tensor) or images.ndim != 4:
        raise ValueError(f"affine_transform: expects a Tensor of images shaped (N, H, W, C), got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if transform.ndim != 2 or transform.shape[0] != images.shape[0] or transform.shape[1] not in (6, 8):
        raise ValueError(f"affine_transform: expects one transform of 8 values per image, shaped "
                         f"({images.shape[0]}, 8), got {tuple(transform.shape)}")
    if transform.shape[1] == 8 and bool((transform[:, 6:] != 0).any()):
        raise ValueError("affine_transform: projective transforms (c0, c1 != 0) are not supported")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"affine_transform: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"affine_transform: fill_mode must be one of {FILL_MODES}, got {fill_mode!r}")


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0.0,
                     output_size=None, source_box=None):
    """Images (N, H, W, C) Tensor resampled through per-image affine maps `transform` (N, 8) (a NumPy or
    device array; see the module docstring), giving (N, out_h, out_w, C) with `output_size` =
    (out_h, out_w), the input size by default. Float images keep their dtype. `source_box` = (top, left,
    height, width), N values each, clamps every source point into that window of its image (what a crop
    followed by a resize reads)."""
    transform = np.asarray(transform, dtype=np.float64) if isinstance(transform, (list, tuple)) else transform
    _check(images, transform, interpolation, fill_mode)
    if images.dtype.kind != "f":
        images = images.float()
    device = images.device
    xp = device.xp
    n, h, w, _ = images.shape
    out_h, out_w = output_size if output_size is not None else (h, w)
    transform = device.asarray(np.asarray(transform, dtype=np.float64)) if isinstance(transform, np.ndarray) \
        else transform.astype(xp.float64)
    src_y, src_x = _source_points(xp, transform, out_h, out_w, xp.float64)
    if source_box is not None:
        top, left, box_h, box_w = (device.asarray(np.asarray(v, dtype=np.float64))[:, None, None] for v in source_box)
        src_y = xp.clip(src_y, top, top + box_h - 1)
        src_x = xp.clip(src_x, left, left + box_w - 1)
    batch = xp.broadcast_to(xp.arange(n)[:, None, None], (n, out_h, out_w))
    if interpolation == "nearest":
        taps = [(xp.floor(src_y + 0.5).astype(xp.int64), xp.floor(src_x + 0.5).astype(xp.int64), None)]
    else:
        y0, x0 = xp.floor(src_y), xp.floor(src_x)
        fy, fx = src_y - y0, src_x - x0
        y0, x0 = y0.astype(xp.int64), x0.astype(xp.int64)
        taps = [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]
    dtype = images.dtype
    out = None
    for rows, cols, weight in taps:
        rows, valid_r = _fix_index(xp, rows, h, fill_mode)
        cols, valid_c = _fix_index(xp, cols, w, fill_mode)
        value = images[arrays.wrap(batch, device), arrays.wrap(rows, device), arrays.wrap(cols, device)]
        weight = xp.ones((n, out_h, out_w), dtype=dtype) if weight is None else weight.astype(dtype)
        if fill_mode == "constant":
            valid = (valid_r & valid_c)
            term = value * arrays.wrap((weight * valid)[..., None], device)
            if fill_value:
                term = term + arrays.wrap((weight * ~valid * dtype.type(fill_value))[..., None], device)
        else:
            term = value * arrays.wrap(weight[..., None], device)
        out = term if out is None else out + term
    return out
