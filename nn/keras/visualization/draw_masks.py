"""keras.visualization.draw_segmentation_masks: class masks painted over a batch of images, as Keras does it."""
import numpy as np

import autograd as ag

from ..settings import image_data_format
from .draw_boxes import as_numpy


class ClassOutOfRangeError(ValueError, RuntimeError):
    """A mask holds a class >= num_classes: a ValueError, and the RuntimeError Keras's torch backend raises."""


def _palette(num_classes):
    """Keras's default colours: class i gets (i x (2**25 - 1, 2**15 - 1, 2**21 - 1)) mod 255."""
    step = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
    return [((i * step) % 255).tolist() for i in range(num_classes)]


def draw_segmentation_masks(images, segmentation_masks, num_classes=None, color_mapping=None, alpha=0.8, blend=True,
                            ignore_index=-1, data_format=None):
    """`images` (N, H, W, C) with each pixel of class k < num_classes (masks: integer (N, H, W, 1)) painted in its
    colour (color_mapping[k], else Keras's palette); blend=True mixes alpha of the colour into the image and gives
    uint8 NumPy, leaving pixels whose class is ignore_index as they are; blend=False gives the painted float32
    images as a Tensor. A class >= num_classes is an error; num_classes defaults to the largest class in the
    masks, so leaving it out fails as it does in Keras (on its torch backend)."""
    data_format = data_format or image_data_format()
    pixels = as_numpy(images)
    if pixels.ndim != 4:
        raise ValueError(f"draw_segmentation_masks: `images` must be a batched 4D tensor (N, H, W, C). Received: "
                         f"images.shape={pixels.shape}")
    masks = as_numpy(segmentation_masks)
    if data_format == "channels_first":
        pixels, masks = pixels.transpose(0, 2, 3, 1), masks.transpose(0, 2, 3, 1)
    pixels = pixels.astype(np.float32)
    if masks.dtype.kind not in "iu":
        raise TypeError(f"draw_segmentation_masks: `segmentation_masks` must be in integer dtype. Received: "
                        f"segmentation_masks.dtype={masks.dtype}; cast the class indices with .astype('int32')")
    if masks.shape[-1:] != (1,):
        raise ValueError(f"draw_segmentation_masks: `segmentation_masks` must be (N, H, W, 1) (channels_last); "
                         f"received shape {masks.shape}; add the last axis with masks[..., None]")
    if num_classes is None:
        num_classes = int(masks.max())
    if masks.size and masks.max() >= num_classes:
        raise ClassOutOfRangeError(f"draw_segmentation_masks: the masks hold class {int(masks.max())}, but "
                                   f"num_classes={num_classes} (classes 0 to {num_classes - 1}); pass "
                                   f"num_classes={int(masks.max()) + 1}. (Left out, num_classes is the largest "
                                   "class, which Keras rejects the same way.)")
    colors = _palette(num_classes) if color_mapping is None else [color_mapping[i] for i in range(num_classes)]
    painted = pixels.copy()
    classes = masks[..., 0]
    for k, color in enumerate(colors):
        painted[classes == k] = np.array(color, dtype=np.float32)[None, :]
    if not blend:
        return ag.tensor(painted)
    mixed = pixels * np.float32(1 - alpha) + painted * np.float32(alpha)
    mixed = np.where((classes != ignore_index)[..., None], mixed, pixels)
    return mixed.astype(np.uint8)
