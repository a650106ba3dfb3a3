"""keras.utils' image file helpers over Pillow (an optional dependency, imported when first needed): load_img,
img_to_array, array_to_img and save_img, with Keras's arguments and results."""
import io
import pathlib
import warnings

import numpy as np

from . import settings as config


def pil_image(who):
    """Pillow's Image module, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"keras.utils.{who} needs Pillow to read and write image files: pip install pillow") from None
    return Image


def _resampling(image_module):
    methods = getattr(image_module, "Resampling", image_module)
    return {"nearest": methods.NEAREST, "bilinear": methods.BILINEAR, "bicubic": methods.BICUBIC,
            "hamming": methods.HAMMING, "box": methods.BOX, "lanczos": methods.LANCZOS}


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL Image from a rank-3 array (channels 1, 3 or 4); `scale` maps its min..max onto 0..255."""
    data_format = config.standardize_data_format(data_format)
    image_module = pil_image("array_to_img")
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A rank-3 NumPy array (floatx by default) of a PIL Image, channels last unless data_format says first."""
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write the image array `x` to `path` (format from the suffix unless file_format is given)."""
    data_format = config.standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """A PIL Image read from `path` (a path or io.BytesIO) in `color_mode` ('grayscale', 'rgb', 'rgba'),
    resized to target_size (height, width) when given (centre-cropped to its aspect ratio if keep_aspect_ratio)."""
    image_module = pil_image("load_img")
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    wanted = {"grayscale": ("L", ("L", "I;16", "I")), "rgba": ("RGBA", ("RGBA",)), "rgb": ("RGB", ("RGB",))}
    if color_mode not in wanted:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if img.mode not in wanted[color_mode][1]:
        img = img.convert(wanted[color_mode][0])
    if target_size is None or img.size == (target_size[1], target_size[0]):
        return img
    methods = _resampling(image_module)
    if interpolation not in methods:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                         f"{', '.join(methods)}")
    size = (target_size[1], target_size[0])
    if not keep_aspect_ratio:
        return img.resize(size, methods[interpolation])
    width, height = img.size
    crop_height = min(height, width * size[1] // size[0])
    crop_width = min(width, height * size[0] // size[1])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return img.resize(size, methods[interpolation], box=[left, top, left + crop_width, top + crop_height])
