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
the whole batch at once, as one no-gradient op (so an `ag.jit` replay rebuilds it from that replay's
transform); the gather and the blend are differentiable ops, so gradients reach the images (not the
transform).
"""
import functools

import numpy as np

from autograd import Tensor, arrays
from autograd.ops.no_grad_op import no_grad_op

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


def bilinear_taps(xp, src_y, src_x):
    """The four (rows, cols, weight) neighbours of the points (src_y, src_x) that bilinear sampling mixes."""
    y0, x0 = xp.floor(src_y), xp.floor(src_x)
    fy, fx = src_y - y0, src_x - x0
    y0, x0 = y0.astype(xp.int64), x0.astype(xp.int64)
    return [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
            (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]


def _source_points(xp, transform, out_h, out_w):
    """(y', x') float64 source coordinates, each (N, out_h, out_w), of every output pixel."""
    rows = xp.arange(out_h, dtype=xp.float64)[None, :, None]
    cols = xp.arange(out_w, dtype=xp.float64)[None, None, :]
    t = [transform[:, k][:, None, None] for k in range(6)]
    src_x = t[0] * cols + t[1] * rows + t[2]
    src_y = t[3] * cols + t[4] * rows + t[5]
    return src_y, src_x


def _sampling_grid(xp, transform, *box, size, out_size, interpolation, fill_mode, fill_value, dtype):
    """Per tap of the interpolation: source rows and columns (N, out_h, out_w) and the tap's weight
    (N, out_h, out_w, 1) in `dtype`, then (fill_mode "constant" with a fill_value) what the fill adds.
    Runs as one no-gradient op, so a jit replay rebuilds the grid from that replay's transform."""
    (h, w), (out_h, out_w) = size, out_size
    transform = transform.astype(xp.float64, copy=False)
    if transform.shape[1] == 8 and bool((transform[:, 6:] != 0).any()):
        raise ValueError("affine_transform: projective transforms (c0, c1 != 0) are not supported")
    src_y, src_x = _source_points(xp, transform, out_h, out_w)
    if box:
        top, left, box_h, box_w = (v.astype(xp.float64, copy=False)[:, None, None] for v in box)
        src_y = xp.clip(src_y, top, top + box_h - 1)
        src_x = xp.clip(src_x, left, left + box_w - 1)
    if interpolation == "nearest":
        taps = [(xp.floor(src_y + 0.5).astype(xp.int64), xp.floor(src_x + 0.5).astype(xp.int64), None)]
    else:
        taps = bilinear_taps(xp, src_y, src_x)
    grid = []
    for rows, cols, weight in taps:
        rows, valid_r = _fix_index(xp, rows, h, fill_mode)
        cols, valid_c = _fix_index(xp, cols, w, fill_mode)
        weight = xp.ones(rows.shape, dtype=dtype) if weight is None else weight.astype(dtype)
        grid += [rows, cols]
        if fill_mode == "constant":
            valid = valid_r & valid_c
            grid.append((weight * valid)[..., None])
            if fill_value:
                grid.append((weight * ~valid * dtype.type(fill_value))[..., None])
        else:
            grid.append(weight[..., None])
    return tuple(grid)


def _check(images, transform, interpolation, fill_mode):
    if not isinstance(images, Tensor) or images.ndim != 4:
        raise ValueError(f"affine_transform: expects a Tensor of images shaped (N, H, W, C), got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if transform.ndim != 2 or transform.shape[0] != images.shape[0] or transform.shape[1] not in (6, 8):
        raise ValueError(f"affine_transform: expects one transform of 8 values per image, shaped "
                         f"({images.shape[0]}, 8), got {tuple(transform.shape)}")
    if isinstance(transform, Tensor) and str(transform.device) != str(images.device):
        raise ValueError(f"affine_transform: the transform is on {transform.device} but the images are on "
                         f"{images.device}; move it with .to(images.device)")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"affine_transform: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"affine_transform: fill_mode must be one of {FILL_MODES}, got {fill_mode!r}")


def _as_tensor(values, device):
    """A transform or source-box argument as a float64 Tensor on `device` (Tensors pass through)."""
    if isinstance(values, Tensor):
        return values
    values = device.asarray(np.asarray(values, dtype=np.float64)) if isinstance(values, (np.ndarray, list, tuple)) \
        else values.astype(device.xp.float64)
    return arrays.wrap(values, device)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0.0,
                     output_size=None, source_box=None):
    """Images (N, H, W, C) Tensor resampled through per-image affine maps `transform` (N, 8) (a Tensor,
    NumPy or device array; see the module docstring), giving (N, out_h, out_w, C) with `output_size` =
    (out_h, out_w), the input size by default. Float images keep their dtype. `source_box` = (top, left,
    height, width), N values each, clamps every source point into that window of its image (what a crop
    followed by a resize reads). Inside an `ag.jit` step, a transform computed there as a Tensor is
    followed by every replay (the sampling grid is an op of the step)."""
    transform = np.asarray(transform, dtype=np.float64) if isinstance(transform, (list, tuple)) else transform
    _check(images, transform, interpolation, fill_mode)
    if not images.is_floating_point():   # bfloat16 stays (its NumPy kind is not "f")
        images = images.float()
    device = images.device
    n, h, w, _ = images.shape
    out_h, out_w = output_size if output_size is not None else (h, w)
    box = () if source_box is None else tuple(_as_tensor(v, device) for v in source_box)
    grid = no_grad_op("affine_grid", functools.partial(
        _sampling_grid, size=(h, w), out_size=(out_h, out_w), interpolation=interpolation, fill_mode=fill_mode,
        fill_value=float(fill_value), dtype=images.dtype), _as_tensor(transform, device), *box)
    batch = arrays.wrap(device.xp.arange(n)[:, None, None], device)   # depends on the shape only
    per_tap = 4 if fill_mode == "constant" and fill_value else 3   # rows, cols, weight (, fill)
    out = None
    for k in range(0, len(grid), per_tap):
        rows, cols, weight = grid[k:k + 3]
        term = images[batch, rows, cols] * weight
        if per_tap == 4:
            term = term + grid[k + 3]
        out = term if out is None else out + term
    return out
