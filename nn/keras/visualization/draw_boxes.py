"""keras.visualization.draw_bounding_boxes: boxes (and class labels) drawn on a batch of images with OpenCV, as
Keras does it (Keras needs OpenCV here too; the rectangles and Hershey text are OpenCV's)."""
import numpy as np

from .. import bounding_boxes as boxes_api
from ..settings import image_data_format


def _cv2(who):
    try:
        import cv2
    except ImportError:
        raise ImportError(f"keras.visualization.{who} draws with OpenCV, which is not installed: run "
                          "`pip install opencv-python-headless` (or opencv-python)") from None
    return cv2


def as_numpy(value):
    """A NumPy copy of a Tensor, array or nested list."""
    return np.array(value.detach().numpy() if hasattr(value, "detach") else value)


def _label_origin(x, y, font_scale, thickness):
    """Where a label goes: above the box's top-left corner, or inside it when there is no room above."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3


def draw_bounding_boxes(images, bounding_boxes, bounding_box_format, class_mapping=None, color=(128, 128, 128),
                        line_thickness=2, text_thickness=1, font_scale=1.0, data_format=None):
    """The batch `images` (N, H, W, C) as uint8 NumPy with each box of bounding_boxes ({'boxes': (N, B, 4),
    'labels': (N, B), optional 'confidences'}) drawn in `color`; a box labelled -1 is skipped, and a label in
    class_mapping is written above its box (with the confidence when given). Float images with values up to 1
    are scaled to 0-255."""
    cv2 = _cv2("draw_bounding_boxes")
    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    data_format = data_format or image_data_format()
    shape = tuple(np.shape(images) if not hasattr(images, "shape") else images.shape)
    if len(shape) != 4:
        raise ValueError(f"draw_bounding_boxes: `images` must be a batched 4D tensor (N, H, W, C). Received: "
                         f"images.shape={shape}")
    if not isinstance(bounding_boxes, dict):
        raise TypeError(f"draw_bounding_boxes: `bounding_boxes` should be a dict with 'boxes' and 'labels'. "
                        f"Received: bounding_boxes={bounding_boxes} of type {type(bounding_boxes)}")
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(f"draw_bounding_boxes: `bounding_boxes` should be a dict containing 'boxes' and 'labels' "
                         f"keys. Received: bounding_boxes={bounding_boxes}")
    height, width = (shape[1], shape[2]) if data_format == "channels_last" else (shape[2], shape[3])
    converted = boxes_api.convert_format(dict(bounding_boxes), bounding_box_format, "xyxy", height, width)
    pixels = as_numpy(images)
    if pixels.dtype.kind == "f" and pixels.size > 0:
        pixels = np.clip(pixels, 0, 1) * 255 if pixels.max() <= 1.0 else np.clip(pixels, 0, 255)
    pixels = pixels.astype("uint8")
    boxes, labels = as_numpy(converted["boxes"]), as_numpy(converted["labels"])
    confidences = as_numpy(converted["confidences"]) if "confidences" in converted else None
    drawn = []
    for i in range(pixels.shape[0]):
        image = np.ascontiguousarray(pixels[i])
        for j in range(boxes[i].shape[0]):
            x1, y1, x2, y2 = (int(v) for v in boxes[i][j].astype("int32"))
            label = int(labels[i][j].astype("int32"))
            if label == -1:
                continue
            cv2.rectangle(image, (x1, y1), (x2, y2), color, line_thickness)
            if label in class_mapping:
                text = class_mapping[label]
                if confidences is not None:
                    text = f"{text} | {confidences[i][j]:.2f}"
                cv2.putText(img=image, text=text, org=_label_origin(x1, y1, font_scale, text_thickness),
                            fontFace=cv2.FONT_HERSHEY_SIMPLEX, fontScale=font_scale, color=color,
                            thickness=text_thickness)
        drawn.append(image)
    return np.stack(drawn, axis=0)
