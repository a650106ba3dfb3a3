"""keras.preprocessing.image: load_img, img_to_array, array_to_img, save_img (as in keras.utils) and smart_resize,
which resizes images to a target size without distorting them: it first crops the largest centred window with the
target's aspect ratio, as Keras does."""
import numpy as np

from .. import ops
from ..utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """`x` (height, width, channels) or (batch, height, width, channels) (channels first with
    data_format='channels_first') cropped to the aspect ratio of `size` = (height, width) around its centre, then
    resized to `size`; a NumPy array in gives a NumPy array out."""
    kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    img = ops.convert_to_tensor(x)
    if len(img.shape) < 3 or len(img.shape) > 4:
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, "
                         f"width, channels)`, but got input with incorrect rank, of shape {tuple(img.shape)}.")
    last = data_format == "channels_last"
    height, width = (img.shape[-3], img.shape[-2]) if last else (img.shape[-2], img.shape[-1])
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
    rows, cols = slice(top, top + crop_height), slice(left, left + crop_width)
    img = img[..., rows, cols, :] if last else img[..., rows, cols]
    img = ops.image.resize(img, size=size, interpolation=interpolation, data_format=data_format)
    return np.array(ops.convert_to_numpy(img)) if isinstance(x, np.ndarray) else img
