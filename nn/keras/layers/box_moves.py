"""The bounding boxes of a dict input moved as Keras 3.15's geometric image layers move them (RandomFlip,
RandomRotation, RandomTranslation, RandomZoom, RandomCrop, Resizing, CenterCrop), in Keras's float32 operation
order. Each takes {'boxes' (batch, N, 4) float32, 'labels'} in the layer's `bounding_box_format` and returns the
moved dict; where Keras's arithmetic is unusual (RandomRotation reads the boxes as 'xyxy' whatever the format,
RandomCrop subtracts the row offset from x), Keras is followed, since it is the reference users compare with."""
import numpy as np

import sys

from .. import ops
from ..bounding_boxes import affine_transform, clip_to_image_size, convert_format
from .box_augmentation import register_box_tools


def _parts(boxes):
    return ops.split(boxes, 4, axis=-1)


def _per_image(values):
    """Host values, one per image, shaped (batch, 1, 1) to broadcast over (batch, N, 1) coordinates."""
    return ops.convert_to_tensor(np.asarray(values, np.float32).reshape(-1, 1, 1))


def flip_boxes(boxes, flips, mode, fmt, height, width):
    """Boxes mirrored in relative coordinates where `flips` (batch booleans): x -> 1 - x for a horizontal flip,
    y -> 1 - y for a vertical one (both for 'horizontal_and_vertical'), labels of emptied boxes set to -1."""
    boxes = convert_format(boxes, fmt, "rel_xyxy", height, width)
    flips = ops.convert_to_tensor(np.asarray(flips, bool).reshape(-1, 1, 1))
    moved = boxes["boxes"]
    if mode in ("horizontal", "horizontal_and_vertical"):
        x1, y1, x2, y2 = _parts(moved)
        moved = ops.where(flips, ops.concatenate([1 - x2, y1, 1 - x1, y2], axis=-1), moved)
    if mode in ("vertical", "horizontal_and_vertical"):
        x1, y1, x2, y2 = _parts(moved)
        moved = ops.where(flips, ops.concatenate([x1, 1 - y2, x2, 1 - y1], axis=-1), moved)
    boxes["boxes"] = moved
    boxes = clip_to_image_size(boxes, height=height, width=width, bounding_box_format="xyxy")
    return convert_format(boxes, "rel_xyxy", fmt, height, width)


def rotate_boxes(boxes, degrees, fmt, height, width):
    """Each box replaced by the axis-aligned box around its corners rotated by `degrees` (one per image) about the
    image centre, clipped to the image. As Keras 3.15, the boxes are read as 'xyxy' before the rotation."""
    n = len(degrees)
    zeros, ones = ops.zeros([n]), ops.ones([n])
    boxes["boxes"] = affine_transform(boxes["boxes"], ops.convert_to_tensor(np.asarray(degrees, np.float32)), zeros,
                                      zeros, ones, zeros, zeros, height, width)
    boxes = clip_to_image_size(boxes, height=height, width=width, bounding_box_format="xyxy")
    return convert_format(boxes, "xyxy", fmt, height, width)


def translate_boxes(boxes, dx, dy, fmt, height, width):
    """Boxes shifted by (dx, dy) pixels (one pair per image), clipped to the image."""
    boxes = convert_format(boxes, fmt, "xyxy", height, width)
    x1, y1, x2, y2 = _parts(boxes["boxes"])
    # Keras subtracts the transform's offset, -dx: the same float32 result as adding dx
    shift_x, shift_y = _per_image(-np.asarray(dx, np.float32)), _per_image(-np.asarray(dy, np.float32))
    boxes["boxes"] = ops.concatenate([x1 - shift_x, y1 - shift_y, x2 - shift_x, y2 - shift_y], axis=-1)
    boxes = clip_to_image_size(boxes, height=height, width=width, bounding_box_format="xyxy")
    return convert_format(boxes, "xyxy", fmt, height, width)


def zoom_boxes(boxes, zoom_x, zoom_y, fmt, height, width):
    """Boxes through a zoom about the centre, as Keras computes it: clipped to the source window the zoom reads,
    moved to its corner, taken relative to that window's size and read back against the image's size."""
    boxes = convert_format(boxes, fmt, "xyxy", height, width)
    zoom_x, zoom_y = np.asarray(zoom_x, np.float32), np.asarray(zoom_y, np.float32)
    one, two = np.float32(1), np.float32(2)
    x_start = (np.float32(width) - one) / two * (one - zoom_x)
    y_start = (np.float32(height) - one) / two * (one - zoom_y)
    x_end, y_end = zoom_x * np.float32(width) + x_start, zoom_y * np.float32(height) + y_start
    x_start, y_start, x_end, y_end = (_per_image(v) for v in (x_start, y_start, x_end, y_end))
    x1, y1, x2, y2 = _parts(boxes["boxes"])
    boxes["boxes"] = ops.concatenate([ops.clip(x1, x_start, x_end) - x_start, ops.clip(y1, y_start, y_end) - y_start,
                                      ops.clip(x2, x_start, x_end) - x_start, ops.clip(y2, y_start, y_end) - y_start],
                                     axis=-1)
    window_h, window_w = y_end - y_start, x_end - x_start
    boxes = convert_format(boxes, "xyxy", "rel_xyxy", window_h, window_w)
    boxes = clip_to_image_size(boxes, height=window_h, width=window_w, bounding_box_format="rel_xyxy")
    return convert_format(boxes, "rel_xyxy", fmt, height, width)


def random_crop_boxes(boxes, top, left, fmt, height, width):
    """Boxes of a RandomCrop to (height, width) at (top, left), as Keras 3.15 moves them: read against the crop's
    size, x reduced by `top` and y by `left` (Keras's order), floored at 0, labels unchanged."""
    moved = convert_format(boxes["boxes"], fmt, "xyxy", height, width)
    top, left = np.float32(top), np.float32(left)
    moved = ops.stack([ops.maximum(moved[..., 0] - top, 0), ops.maximum(moved[..., 1] - left, 0),
                       ops.maximum(moved[..., 2] - top, 0), ops.maximum(moved[..., 3] - left, 0)], axis=-1)
    return {"boxes": convert_format(moved, "xyxy", fmt, height, width), "labels": boxes["labels"]}


def _resized_xyxy(layer, boxes, in_height, in_width):
    """Resizing's map of 'xyxy' pixel boxes from an (in_height, in_width) image to (layer.height, layer.width)."""
    in_height, in_width = ops.cast(in_height, boxes.dtype), ops.cast(in_width, boxes.dtype)
    x1, y1, x2, y2 = (boxes[..., k] for k in range(4))
    if layer.pad_to_aspect_ratio:
        scale = ops.minimum(layer.height / in_height, layer.width / in_width)
        top, left = (layer.height - in_height * scale) // 2, (layer.width - in_width * scale) // 2
        return ops.stack([x1 * scale + left, y1 * scale + top, x2 * scale + left, y2 * scale + top], axis=-1)
    if layer.crop_to_aspect_ratio:
        source = in_width / in_height
        wider = source > layer.width / layer.height
        new_width = ops.where(wider, layer.height * source, layer.width)
        new_height = ops.where(wider, layer.height, layer.width / source)
        scale_x, scale_y = new_width / in_width, new_height / in_height
        left, top = (new_width - layer.width) // 2, (new_height - layer.height) // 2
        return ops.stack([x1 * scale_x - left, y1 * scale_y - top, x2 * scale_x - left, y2 * scale_y - top], axis=-1)
    scale_y, scale_x = layer.height / in_height, layer.width / in_width
    return ops.stack([x1 * scale_x, y1 * scale_y, x2 * scale_x, y2 * scale_y], axis=-1)


def resize_boxes(layer, boxes, fmt, in_height, in_width):
    """Boxes of a Resizing layer: scaled (and offset, for crop_to_aspect_ratio or pad_to_aspect_ratio) to the new
    size, clipped to it; boxes all 0 or all -1 (padding) come out as zeros."""
    padding = ops.logical_or(ops.all(boxes["boxes"] == -1, axis=-1), ops.all(boxes["boxes"] == 0, axis=-1))
    boxes = convert_format(boxes, fmt, "xyxy", in_height, in_width)
    boxes["boxes"] = _resized_xyxy(layer, boxes["boxes"], in_height, in_width)
    boxes = clip_to_image_size(boxes, height=layer.height, width=layer.width)
    boxes["boxes"] = ops.where(ops.expand_dims(padding, -1), ops.zeros([4], boxes["boxes"].dtype), boxes["boxes"])
    return convert_format(boxes, "xyxy", fmt, layer.height, layer.width)


def _window(boxes, top, left, bottom, right):
    x1, y1, x2, y2 = _parts(boxes["boxes"])
    boxes["boxes"] = ops.concatenate([ops.clip(x1, left, right) - left, ops.clip(y1, top, bottom) - top,
                                      ops.clip(x2, left, right) - left, ops.clip(y2, top, bottom) - top], axis=-1)
    return boxes


def center_crop_boxes(layer, boxes, fmt, in_height, in_width, aspect_box):
    """Boxes of a CenterCrop: clipped to the centred window and moved to its corner; when the image is smaller
    than the target, the window is the aspect-ratio box (`aspect_box(...)` -> top, left, rows, cols) and the boxes
    are scaled from it to the target size."""
    boxes = convert_format(boxes, fmt, "xyxy", in_height, in_width)
    if in_height >= layer.height and in_width >= layer.width:
        top, left = int((in_height - layer.height) / 2), int((in_width - layer.width) / 2)
        boxes = _window(boxes, top, left, top + layer.height, left + layer.width)
    else:
        top, left, rows, cols = aspect_box(in_height, in_width, layer.height, layer.width)
        boxes = _window(boxes, top, left, top + rows, left + cols)
        boxes = convert_format(boxes, "xyxy", "rel_xyxy", rows, cols)
        boxes = convert_format(boxes, "rel_xyxy", "xyxy", layer.height, layer.width)
    boxes = clip_to_image_size(boxes, height=layer.height, width=layer.width, bounding_box_format="xyxy")
    return convert_format(boxes, "xyxy", fmt, layer.height, layer.width)


register_box_tools(sys.modules[__name__])
