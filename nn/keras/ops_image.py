"""keras.ops.image: resize, affine_transform, pad_images, crop_images and the colour conversions rgb_to_grayscale,
rgb_to_hsv and hsv_to_rgb, on a batch (N, H, W, C) or one image (H, W, C) (channels first with
data_format='channels_first'). Float images get gradients; integer images keep their dtype where Keras keeps it."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentKindError, ShapeError

from .. import functional as F
from .layers.image_preprocessing import _MODES, _aspect_box, _resize
from .ops_args import _t
from .ops_affine import affine_transform  # noqa: F401 (part of keras.ops.image)
from .ops_layout import image_batch as _channels_last, image_restore as _restore


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Images resized to `size` = (height, width) with 'bilinear', 'nearest' or 'bicubic' interpolation
    (optionally cropping or padding to the target aspect ratio first); integer images stay integers (rounded and
    saturated)."""
    op = "keras.ops.image.resize"
    size = tuple(size)
    if not all(isinstance(v, (int, np.integer)) for v in size):   # torch's interpolate refuses them: a TypeError
        raise ArgumentKindError(f"{op}: size must be (height, width) of positive ints, got {size!r}")
    if len(size) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in size):
        raise ValueError(f"{op}: size must be (height, width) of positive ints, got {size!r}")
    if interpolation not in _MODES:
        raise ValueError(f"{op}: interpolation must be one of {sorted(_MODES)}, got {interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{op}: pass only one of crop_to_aspect_ratio and pad_to_aspect_ratio")
    if fill_mode != "constant":
        raise ValueError(f"{op}: fill_mode must be 'constant', got {fill_mode!r}")
    x, how = _channels_last(images, data_format, "resize")
    dtype, integer = x.dtype, not x.is_floating_point()   # bfloat16 is a float (its NumPy kind is not "f")
    x = ag.permute(x.float() if integer else x, (0, 3, 1, 2))
    height, width = x.shape[2], x.shape[3]
    if crop_to_aspect_ratio:
        top, left, rows, cols = _aspect_box(height, width, size[0], size[1])
        x = x[:, :, top:top + rows, left:left + cols]
    elif pad_to_aspect_ratio:
        # half the missing rows (or columns) on each side, rounded down, as Keras
        rows = (max(height, int(float(width * size[0]) / size[1])) - height) // 2
        cols = (max(width, int(float(height * size[1]) / size[0])) - width) // 2
        x = F.pad(x, (cols, cols, rows, rows), value=float(fill_value))
    y = _resize(x, size, interpolation, op, antialias)
    if integer:
        info = ag.iinfo(ag.uint8 if dtype == ag.bool else dtype)   # (iinfo refuses bool, as PyTorch's)
        y = y.round().clamp(info.min, info.max).to(dtype)
    return _restore(ag.permute(y, (0, 2, 3, 1)), how)


def _two_of_three(before, after, target, size, what, op):
    given = sum(v is not None for v in (before, after, target))
    if given != 2:
        sides = ("top", "bottom") if what == "height" else ("left", "right")
        kind = "padding" if op == "pad_images" else "cropping"
        raise ValueError(f"keras.ops.image.{op}: give exactly two of {sides[0]}_{kind}, {sides[1]}_{kind} and "
                         f"target_{what}; got {before}, {after} and {target}")
    sign = 1 if op == "pad_images" else -1
    if target is None:
        return before, after
    if before is None:
        before = (target - size) * sign - after
    else:
        after = (target - size) * sign - before
    if before < 0 or after < 0:
        raise ValueError(f"keras.ops.image.{op}: target_{what}={target} does not fit an image {what} of {size}")
    return before, after


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Images padded with zeros: for each of height and width give two of (before, after, target)."""
    x, how = _channels_last(images, data_format, "pad_images")
    top, bottom = _two_of_three(top_padding, bottom_padding, target_height, x.shape[1], "height", "pad_images")
    left, right = _two_of_three(left_padding, right_padding, target_width, x.shape[2], "width", "pad_images")
    return _restore(F.pad(x, (0, 0, left, right, top, bottom)) if top + bottom + left + right else x, how)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """Images cropped: for each of height and width give two of (before, after, target)."""
    x, how = _channels_last(images, data_format, "crop_images")
    top, bottom = _two_of_three(top_cropping, bottom_cropping, target_height, x.shape[1], "height", "crop_images")
    left, right = _two_of_three(left_cropping, right_cropping, target_width, x.shape[2], "width", "crop_images")
    if top + bottom >= x.shape[1] or left + right >= x.shape[2] or min(top, bottom, left, right) < 0:
        raise ValueError(f"keras.ops.image.crop_images: croppings ({top}, {bottom}, {left}, {right}) leave nothing "
                         f"of images of shape {tuple(x.shape)}")
    return _restore(x[:, top:x.shape[1] - bottom, left:x.shape[2] - right], how)


def rgb_to_grayscale(images, data_format=None):
    """0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1 (integer images truncate to their
    dtype)."""
    x, how = _channels_last(images, data_format, "rgb_to_grayscale")
    if x.shape[-1] != 3:
        raise ValueError(f"keras.ops.image.rgb_to_grayscale: images need 3 channels, got shape {tuple(x.shape)}")
    dtype = x.dtype
    weights = ag.tensor(np.array([0.2989, 0.5870, 0.1140], np.float64 if dtype == np.float64 else np.float32))
    gray = (x.astype(weights.dtype) if dtype != weights.dtype else x) @ weights.reshape(3, 1)
    return _restore(gray if gray.dtype == dtype else gray.astype(dtype), how)


def _float_images(images, fmt, op):
    x, how = _channels_last(images, fmt, op)
    if not x.is_floating_point():
        raise ValueError(f"keras.ops.image.{op}: images must have a float dtype, got {x.dtype}; cast them first "
                         f"(e.g. keras.ops.cast(images, 'float32') / 255)")
    if x.shape[-1] != 3:
        raise ShapeError(f"keras.ops.image.{op}: images need 3 channels, got shape {tuple(x.shape)}")
    return x, how


def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] to hue, saturation, value in [0, 1] (float images only)."""
    x, how = _float_images(images, data_format, "rgb_to_hsv")
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    value = ag.amax(x, dim=-1)
    spread = value - ag.amin(x, dim=-1)
    safe = ag.where(spread > 0, spread, 1.0)
    saturation = ag.where(value > 0, spread / ag.where(value > 0, value, 1.0), 0.0)
    hue = ag.where(value == r, (g - b) / safe, ag.where(value == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0))
    hue = ag.where(spread > 0, hue / 6.0, 0.0)
    hue = ag.where(hue < 0, hue + 1.0, hue)
    return _restore(ag.stack([hue, saturation, value], dim=-1), how)


def hsv_to_rgb(images, data_format=None):
    """Hue, saturation, value in [0, 1] to RGB (float images only)."""
    x, how = _float_images(images, data_format, "hsv_to_rgb")
    hue, saturation, value = x[..., 0], x[..., 1], x[..., 2]
    channels = []
    for shift in (5.0, 3.0, 1.0):   # R, G, B as value - value * saturation * clip(min(k, 4 - k), 0, 1)
        k = ag.fmod(hue * 6.0 + shift, 6.0)
        channels.append(value - value * saturation * ag.clamp(ag.minimum(k, 4.0 - k), 0.0, 1.0))
    return _restore(ag.stack(channels, dim=-1), how)


# the convolution-based image ops live in their own file; keras.ops.image reads them from this module
from .ops_image_extra import extract_patches, extract_patches_3d, gaussian_blur, sobel_edges, ssim  # noqa: E402,F401
from .ops_map_coordinates import map_coordinates  # noqa: E402,F401
from .ops_perspective import perspective_transform  # noqa: E402,F401
from .ops_elastic import elastic_transform  # noqa: E402,F401
from .ops_scale_translate import scale_and_translate  # noqa: E402,F401
