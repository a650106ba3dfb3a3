"""keras.ops.image.affine_transform: each output pixel (x, y) sampled from the input at
(a0 x + a1 y + a2, b0 x + b1 y + b2), with bilinear or nearest interpolation and Keras's fill modes. The sampling
is a gather with weights, so gradients flow to the images and (bilinear) to the transform."""
import numpy as np

import autograd as ag
from autograd.errors import ShapeError

from .ops_args import _float, _t, convert_to_numpy
from .ops_layout import image_batch, image_restore

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _fold_index(index, size, mode):
    """Integer coordinates mapped into [0, size) by the fill mode (out-of-range kept for 'constant')."""
    if mode == "nearest":
        return np.clip(index, 0, size - 1)
    if mode == "wrap":
        return np.mod(index, size)
    if mode == "mirror":   # ... 2 1 | 0 1 2 | 1 0 ...
        period = max(2 * size - 2, 1)
        index = np.mod(index, period)
        return np.where(index >= size, period - index, index)
    if mode == "reflect":   # ... 1 0 | 0 1 2 | 2 1 ...
        period = 2 * size
        index = np.mod(index, period)
        return np.where(index >= size, period - 1 - index, index)
    return index


def _corners(coordinate, order):
    """(integer index array, weight Tensor) pairs for one axis of the Tensor `coordinate`: its two linear
    neighbours (weights differentiable in the coordinate), or the nearest one (ties to even, as torch.round)."""
    values = convert_to_numpy(coordinate)   # bfloat16 coordinates too (a perspective warp of bfloat16 images)
    if order == 0:
        return [(np.round(values).astype(np.int64), None)]
    low = np.floor(values)
    frac = coordinate - ag.tensor(low.astype(values.dtype))
    return [(low.astype(np.int64), 1.0 - frac), (low.astype(np.int64) + 1, frac)]


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Images (N, H, W, C) or (H, W, C) warped by `transform` (8 numbers [a0, a1, a2, b0, b1, b2, c0, c1], or one
    row per image) that maps output to input coordinates; c0 and c1 shift channel k by k * (c1, c0), as on Keras's
    torch backend (its docs say they count as 0 off TensorFlow; they are not projective there). Points outside
    the input take `fill_value` ('constant') or the fill mode's pixel ('nearest', 'wrap', 'mirror', 'reflect').
    Bilinear sampling is differentiable in the images and the transform; nearest only in the images."""
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"keras.ops.image.affine_transform: interpolation must be 'bilinear' or 'nearest', got "
                         f"{interpolation!r}")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"keras.ops.image.affine_transform: fill_mode must be one of {_FILL_MODES}, got "
                         f"{fill_mode!r}")
    x, how = image_batch(images, data_format, "affine_transform")
    matrix = _float(transform)
    matrix = matrix.unsqueeze(0) if matrix.ndim == 1 else matrix
    if matrix.ndim != 2 or matrix.shape[1] != 8 or matrix.shape[0] not in (1, x.shape[0]):
        raise ShapeError(f"keras.ops.image.affine_transform: transform must be (8,) or (batch, 8), got shape "
                         f"{tuple(_t(transform).shape)} for {x.shape[0]} images")
    n, h, w, c = x.shape
    rows, cols = (ag.tensor(a.astype(matrix.dtype)) for a in np.meshgrid(np.arange(h), np.arange(w), indexing="ij"))
    a0, a1, a2, b0, b1, b2, c0, c1 = (matrix[:, k].reshape(-1, 1, 1) for k in range(8))
    if not np.any(matrix.detach().numpy()[:, 6:] != 0):
        # summed in Keras's order, so that nearest-neighbour ties round the same way
        src_x, src_y = (rows * a1 + cols * a0) + a2, (rows * b1 + cols * b0) + b2
        return image_restore(warp(x, src_x, src_y, interpolation, fill_mode, fill_value), how)
    # Keras's torch backend multiplies c0 and c1 by the channel index (its coordinate grid spans the channel axis
    # too) instead of dividing by c0 x + c1 y + 1 as TensorFlow does: channel k is sampled k * (c1, c0) away
    planes = []
    for k in range(c):
        src_x, src_y = (rows * a1 + cols * a0 + c1 * k) + a2, (rows * b1 + cols * b0 + c0 * k) + b2
        planes.append(warp(x[..., k:k + 1], src_x, src_y, interpolation, fill_mode, fill_value))
    return image_restore(ag.cat(planes, -1), how)


def warp(x, src_x, src_y, interpolation, fill_mode="constant", fill_value=0):
    """The batch `x` (N, H, W, C) sampled at the (N, H, W) source coordinates `src_x`, `src_y` (Tensors) with
    bilinear or nearest interpolation, points outside filled by the fill mode; integer images stay integers."""
    n, h, w, _ = x.shape
    order = 1 if interpolation == "bilinear" else 0
    batch = ag.tensor(np.arange(n)[:, None, None])
    image = x if x.is_floating_point() else x.float()   # bfloat16 included (its NumPy kind is not "f")
    fill = ag.tensor(np.asarray(fill_value, image.dtype))
    out = None
    for yi, wy in _corners(src_y, order):
        for xi, wx in _corners(src_x, order):
            yy, xx = _fold_index(yi, h, fill_mode), _fold_index(xi, w, fill_mode)
            picked = image[batch, ag.tensor(np.clip(yy, 0, h - 1)), ag.tensor(np.clip(xx, 0, w - 1))]
            if fill_mode == "constant":
                inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
                picked = ag.where(ag.tensor(inside[..., None]), picked, fill)
            term = picked if order == 0 else picked * (wy * wx).unsqueeze(-1)
            out = term if out is None else out + term
    if not x.is_floating_point():
        out = out.round().astype(x.dtype)
    elif out.dtype != x.dtype:   # a float32 transform must not widen 16-bit images (Keras keeps their dtype)
        out = out.to(x.dtype)
    return out
