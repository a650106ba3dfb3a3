"""keras.utils.bounding_boxes.affine_transform: 'xyxy' boxes carried through the affine transform that Keras's
random geometric layers apply to images (rotation, translation, scale and shear about a centre), each box
becoming the axis-aligned box around its four transformed corners."""
import math

from . import ops


def _inverse_affine_matrices(center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                             width):
    """The (batch, 3, 3) matrices that map a point of the transformed image back to the source image (the
    inverse of the forward transform: Keras's convention), in angle's dtype."""
    radians = 1.0 / 180.0 * math.pi
    cx, cy = ops.multiply(center_x, width - 1), ops.multiply(center_y, height - 1)
    rotation = ops.multiply(-angle, radians)
    tx, ty = ops.multiply(-translate_x, width - 1), ops.multiply(-translate_y, height - 1)
    sx, sy = ops.multiply(-shear_x, radians), ops.multiply(-shear_y, radians)
    cos_sy, tan_sx = ops.cos(sy), ops.tan(sx)
    a = ops.cos(rotation - sy) / cos_sy
    b = a * tan_sx + ops.sin(rotation)
    c = -ops.sin(rotation - sy) / cos_sy
    d = ops.cos(rotation) - c * tan_sx
    # the rotation-shear block has determinant 1, so its inverse scaled is this
    a0, a1, b0, b1 = ops.multiply(d, scale), ops.multiply(-b, scale), ops.multiply(-c, scale), ops.multiply(a, scale)
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    batch = ops.shape(angle)[0]
    zeros, ones = ops.zeros([batch], angle.dtype), ops.ones([batch], angle.dtype)
    return ops.reshape(ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], axis=-1), [batch, 3, 3])


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width, center_x=None,
                     center_y=None, bounding_box_format="xyxy"):
    """Boxes (batch, N, 4) in 'xyxy' moved by the per-image transform given by angle and shears (degrees),
    translations and centre (fractions of width - 1 and height - 1; centre 0.5 by default) and scale, each a
    tensor of shape (batch,), as Keras 3.15 computes it (the boxes take angle's dtype)."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"affine_transform: only 'xyxy' boxes are supported (as in Keras), got "
                                  f"{bounding_box_format!r}; convert them with convert_format first")
    angle = ops.convert_to_tensor(angle)
    if len(ops.shape(angle)) != 1:
        raise ValueError(f"affine_transform: angle, the translations, scale and shears are one value per image, "
                         f"shape (batch,); got angle of shape {tuple(ops.shape(angle))}")
    boxes = ops.convert_to_tensor(boxes)
    if len(ops.shape(boxes)) != 3 or ops.shape(boxes)[-1] != 4:
        raise ValueError(f"affine_transform: boxes must have shape (batch, N, 4), got {tuple(ops.shape(boxes))}; "
                         "add the batch axis with ops.expand_dims(boxes, 0)")
    matrix = _inverse_affine_matrices(0.5 if center_x is None else center_x, 0.5 if center_y is None else center_y,
                                      angle, translate_x, translate_y, scale, shear_x, shear_y, height, width)
    batch, count = ops.shape(boxes)[0], ops.shape(boxes)[1]
    boxes = ops.cast(boxes, matrix.dtype)
    x1, y1, x2, y2 = (boxes[..., k] for k in range(4))
    corners = ops.reshape(ops.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=-1), [batch, count, 4, 2])
    corners = ops.concatenate([corners, ops.ones([batch, count, 4, 1], corners.dtype)], axis=-1)
    moved = ops.einsum("bnxy,byz->bnxz", corners, ops.transpose(matrix[:, :2, :], [0, 2, 1]))
    return ops.concatenate([ops.min(moved, axis=2), ops.max(moved, axis=2)], axis=-1)
