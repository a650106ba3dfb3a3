"""keras.utils.bounding_boxes: bounding boxes converted between Keras's formats, clipped, cropped, padded, encoded
as regression deltas against anchors and decoded back, and compared by IoU and complete IoU, on plain tensors
(boxes of shape (N, 4) or (batch, N, 4)) or on {'boxes', 'labels'} dicts.

The formats (case-insensitive): 'xyxy' [left, top, right, bottom], 'yxyx' [top, left, bottom, right], 'xywh'
[left, top, width, height], 'center_xywh' [center x, center y, width, height], 'center_yxhw', and the relative
'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh' (coordinates divided by the image's width and height).
As in Keras 3.15, a conversion between two relative formats does not pass through pixels (it is the conversion
between the absolute formats of the same names), and every conversion goes through 'xyxy'.
"""
import math

from . import ops
from .settings import epsilon

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh",
                     "rel_center_xywh")


def _parts(boxes):
    return ops.split(boxes, 4, axis=-1)


def _joined(parts):
    return ops.concatenate(parts, axis=-1)


def _to_xyxy(boxes, source, height, width):
    if source.startswith("rel_"):
        x1, y1, x2, y2 = _parts(_to_xyxy(boxes, source[4:], None, None))
        return _joined([x1 * width, y1 * height, x2 * width, y2 * height])
    a, b, c, d = _parts(boxes)
    if source == "xyxy":
        return boxes
    if source == "yxyx":
        return _joined([b, a, d, c])
    if source == "xywh":
        return _joined([a, b, a + c, b + d])
    if source == "center_xywh":
        return _joined([a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0])
    # center_yxhw
    return _joined([b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0])


def _from_xyxy(boxes, target, height, width):
    if target.startswith("rel_"):   # the absolute values, then each divided by its axis's size (Keras's order)
        a, b, c, d = _parts(_from_xyxy(boxes, target[4:], None, None))
        if target == "rel_yxyx":
            return _joined([a / height, b / width, c / height, d / width])
        return _joined([a / width, b / height, c / width, d / height])
    x1, y1, x2, y2 = _parts(boxes)
    w, h = x2 - x1, y2 - y1
    if target == "xyxy":
        return boxes
    if target == "yxyx":
        return _joined([y1, x1, y2, x2])
    if target == "xywh":
        return _joined([x1, y1, w, h])
    cx, cy = x1 + w / 2.0, y1 + h / 2.0
    if target == "center_xywh":
        return _joined([cx, cy, w, h])
    return _joined([cy, cx, h, w])   # center_yxhw


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """`boxes` (..., 4) in format `source` as format `target`, cast to `dtype`; a {'boxes': ...} dict has its
    boxes converted (in place, as Keras). height and width are needed when either format is relative."""
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return boxes
    boxes = ops.convert_to_tensor(boxes)
    if tuple(boxes.shape)[-1:] != (4,):
        raise ValueError(f"convert_format: boxes must have a last axis of size 4, got boxes of shape "
                         f"{tuple(boxes.shape)}; pass boxes as (N, 4) or (batch, N, 4)")
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(f"convert_format: unknown format (source={source!r}, target={target!r}); the formats are "
                         f"{SUPPORTED_FORMATS}")
    if (source.startswith("rel_") or target.startswith("rel_")) and (height is None or width is None):
        raise ValueError(f"convert_format: converting from {source!r} to {target!r} needs the image's height and "
                         f"width (got height={height}, width={width}); pass height= and width=")
    boxes = ops.cast(boxes, dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    height = None if height is None else ops.cast(height, dtype)
    width = None if width is None else ops.cast(width, dtype)
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """{'boxes', 'labels'} with the boxes clipped to the image ([0, width] x [0, height] for 'xyxy', [0, 1] for
    'rel_xyxy') and the labels of boxes left with no area set to -1."""
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(f"clip_to_image_size: boxes in {bounding_box_format!r} format are not supported "
                                  "(as in Keras); convert them to 'xyxy' or 'rel_xyxy' with convert_format first")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("clip_to_image_size: `height` and `width` must be set for bounding_box_format='xyxy'")
    boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels")
    high_x, high_y = (1.0, 1.0) if bounding_box_format == "rel_xyxy" else (width, height)
    x1, y1, x2, y2 = _parts(boxes)
    boxes = _joined([ops.clip(x1, 0, high_x), ops.clip(y1, 0, high_y), ops.clip(x2, 0, high_x),
                     ops.clip(y2, 0, high_y)])
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        x1, y1, x2, y2 = _parts(boxes)
        areas = ops.squeeze((x2 - x1) * (y2 - y1), axis=-1)
        result["labels"] = ops.where(areas > 0, ops.convert_to_tensor(labels), -1)
    return result


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """'xyxy' boxes moved by (-left, -top) and clipped to a height x width window."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"crop: only 'xyxy' boxes are supported (as in Keras), got "
                                  f"{bounding_box_format!r}; convert them with convert_format first")
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _joined([ops.clip(x1 - left, 0, width), ops.clip(y1 - top, 0, height), ops.clip(x2 - left, 0, width),
                    ops.clip(y2 - top, 0, height)])


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """'xyxy' boxes moved by (left, top), as the image is padded by that much (height and width unused)."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"pad: only 'xyxy' boxes are supported (as in Keras), got "
                                  f"{bounding_box_format!r}; convert them with convert_format first")
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _joined([x1 + left, y1 + top, x2 + left, y2 + top])


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None):
    """The intersection over union of every pair: (M, N) for boxes (M, 4) and (N, 4), (batch, M, N) when
    either is batched. use_masking: pairs with a box whose four values are all negative get mask_val.
    image_shape (height, width, channels) is needed for relative formats."""
    boxes1, boxes2 = ops.convert_to_tensor(boxes1), ops.convert_to_tensor(boxes2)
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.ndim not in (2, 3):
            raise ValueError(f"compute_iou: {name} must be (N, 4) or (batch, N, 4), got shape "
                             f"{tuple(boxes.shape)}")
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(f"compute_iou: relative boxes ({bounding_box_format!r}) need image_shape=(height, width, "
                         "channels)")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height, width)
    top1, left1, bottom1, right1 = _parts(boxes1)
    top2, left2, bottom2, right2 = _parts(boxes2)
    swap = [1, 0] if boxes2.ndim == 2 else [0, 2, 1]
    rows = ops.maximum(0.0, ops.minimum(bottom1, ops.transpose(bottom2, swap)) -
                       ops.maximum(top1, ops.transpose(top2, swap)))
    cols = ops.maximum(0.0, ops.minimum(right1, ops.transpose(right2, swap)) -
                       ops.maximum(left1, ops.transpose(left2, swap)))
    intersection = rows * cols
    area1 = ops.squeeze((bottom1 - top1) * (right1 - left1), axis=-1)
    area2 = ops.squeeze((bottom2 - top2) * (right2 - left2), axis=-1)
    union = ops.expand_dims(area1, axis=-1) + ops.expand_dims(area2, axis=1 if area2.ndim == 2 else 0) - intersection
    iou = ops.divide(intersection, union + epsilon())
    if not use_masking:
        return iou
    background = ops.logical_or(ops.less(ops.max(boxes1, axis=-1, keepdims=True), 0.0),
                                ops.transpose(ops.less(ops.max(boxes2, axis=-1, keepdims=True), 0.0),
                                              [1, 0] if boxes1.ndim == 2 else [0, 2, 1]))
    return ops.where(background, ops.cast(mask_val, iou.dtype) * ops.ones_like(iou), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """The complete IoU of boxes1 and boxes2 taken pairwise, element by element (shapes (..., 4) that broadcast):
    IoU minus the squared distance of the centres over the squared diagonal of the enclosing box, minus the
    aspect-ratio term. Relative formats are refused, as in Keras 3.15."""
    if "rel" in bounding_box_format:
        raise ValueError(f"compute_ciou: relative boxes ({bounding_box_format!r}) are not supported (Keras 3.15 "
                         "refuses them whatever image_shape says); convert them to 'xyxy' with convert_format")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    x1a, y1a, x2a, y2a = _parts(convert_format(boxes1, bounding_box_format, "xyxy", height, width))
    x1b, y1b, x2b, y2b = _parts(convert_format(boxes2, bounding_box_format, "xyxy", height, width))
    eps = epsilon()
    width_a, height_a = x2a - x1a, y2a - y1a + eps
    width_b, height_b = x2b - x1b, y2b - y1b + eps
    overlap = ops.maximum(ops.minimum(x2a, x2b) - ops.maximum(x1a, x1b), 0) * \
        ops.maximum(ops.minimum(y2a, y2b) - ops.maximum(y1a, y1b), 0)
    union = width_a * height_a + width_b * height_b - overlap + eps
    iou = ops.squeeze(ops.divide(overlap, union + eps), axis=-1)
    diagonal = ops.squeeze((ops.maximum(x2a, x2b) - ops.minimum(x1a, x1b)) ** 2 +
                           (ops.maximum(y2a, y2b) - ops.minimum(y1a, y1b)) ** 2 + eps, axis=-1)
    centres = ops.squeeze(((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2,
                          axis=-1)
    v = ops.squeeze((4 / math.pi ** 2) * ops.power(ops.arctan(width_b / height_b) - ops.arctan(width_a / height_a),
                                                   2), axis=-1)
    alpha = v / (v - iou + (1 + eps))
    return iou - (centres / diagonal + v * alpha)


def _checked_variance(variance, name):
    if variance is None:
        return None
    variance = ops.convert_to_tensor(variance, "float32")
    if variance.shape[-1] != 4:
        raise ValueError(f"{name}: variance must have 4 values (one per box coordinate), got shape "
                         f"{tuple(variance.shape)}")
    return variance


def _center_format(value, name, argument):
    if value not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"{name}: {argument} must be 'center_xywh' or 'center_yxhw', got {value!r}")


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding_format="center_yxhw", variance=None,
                         image_shape=None):
    """The regression targets of `boxes` against `anchors` (both converted to `encoding_format`): the centre
    offsets over the anchor sizes and the logs of the size ratios, divided by `variance` when given."""
    variance = _checked_variance(variance, "encode_box_to_deltas")
    _center_format(encoding_format, "encode_box_to_deltas", "encoding_format")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_sizes = ops.maximum(anchors[..., 2:], epsilon())
    box_sizes = ops.maximum(boxes[..., 2:], epsilon())
    deltas = ops.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_sizes,
                              ops.log(box_sizes / anchor_sizes)], axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format, encoded_format="center_yxhw",
                           variance=None, image_shape=None):
    """The boxes (in `box_format`) that encode_box_to_deltas's `boxes_delta` describe against `anchors`; dicts of
    anchors and deltas (one entry per feature level) give a dict of boxes."""
    variance = _checked_variance(variance, "decode_deltas_to_boxes")
    _center_format(encoded_format, "decode_deltas_to_boxes", "encoded_format")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = delta * variance
        box = ops.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                               ops.exp(delta[..., 2:]) * anchor[..., 2:]], axis=-1)
        return convert_format(box, encoded_format, box_format, height, width)
    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)


from .bounding_boxes_affine import affine_transform  # noqa: E402,F401 (part of keras.utils.bounding_boxes)
