"""A Keras program, written for Keras 3: the bounding-box helpers of `keras.utils.bounding_boxes` as a detection
pipeline uses them (format conversions, IoU and CIoU, clipping, cropping, padding, affine transforms, box-delta
encoding and decoding), then `MaxNumBoundingBoxes` padding a batch of labelled boxes."""
import numpy as np

import keras
from keras import layers, ops

bb = keras.utils.bounding_boxes


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    boxes = np.array([[[10.0, 12.0, 40.0, 50.0], [5.0, 5.0, 20.0, 18.0], [30.0, 8.0, 62.0, 30.0]]], "float32")
    for target in ["xywh", "center_xywh", "yxyx", "center_yxhw", "rel_xyxy", "rel_xywh"]:
        converted = bb.convert_format(boxes, source="xyxy", target=target, height=64, width=64)
        back = bb.convert_format(converted, source=target, target="xyxy", height=64, width=64)
        print("convert", target, r(converted), "back ok", bool(np.allclose(ops.convert_to_numpy(back), boxes,
                                                                             atol=1e-4)))
    other = np.array([[[12.0, 10.0, 38.0, 52.0], [0.0, 0.0, 16.0, 16.0]]], "float32")
    print("iou", r(bb.compute_iou(boxes, other, bounding_box_format="xyxy")))
    print("iou xywh", r(bb.compute_iou(bb.convert_format(boxes[0], "xyxy", "xywh"),
                                       bb.convert_format(other[0], "xyxy", "xywh"), bounding_box_format="xywh")))
    print("ciou", r(bb.compute_ciou(boxes[0, :2], other[0], bounding_box_format="xyxy")))

    labelled = {"boxes": np.array([[[-4.0, 10.0, 30.0, 70.0], [50.0, 50.0, 80.0, 60.0], [1.0, 1.0, 1.0, 9.0]]],
                                  "float32"),
                "labels": np.array([[1, 2, 3]], "int32")}
    clipped = bb.clip_to_image_size(labelled, height=64, width=64, bounding_box_format="xyxy")
    print("clipped", r(clipped["boxes"]), r(clipped["labels"]))
    cropped = bb.crop(boxes[0], 4, 6, 40, 48, bounding_box_format="xyxy")
    print("crop", r(cropped))
    padded = bb.pad(boxes[0], 3, 5, bounding_box_format="xyxy")
    print("pad", r(padded))
    moved = bb.affine_transform(boxes, angle=np.array([15.0], "float32"),
                                translate_x=np.array([0.1], "float32"), translate_y=np.array([-0.05], "float32"),
                                scale=np.array([1.1], "float32"), shear_x=np.array([5.0], "float32"),
                                shear_y=np.array([0.0], "float32"), height=64, width=64)
    print("affine", r(moved, 3))

    anchors = np.array([[0.0, 0.0, 20.0, 20.0], [10.0, 10.0, 50.0, 40.0], [30.0, 5.0, 60.0, 35.0]], "float32")
    deltas = bb.encode_box_to_deltas(anchors, boxes[0], anchor_format="xyxy", box_format="xyxy",
                                     variance=[0.1, 0.1, 0.2, 0.2], image_shape=(64, 64, 3))
    print("deltas", r(deltas))
    decoded = bb.decode_deltas_to_boxes(anchors, deltas, anchor_format="xyxy", box_format="xyxy",
                                        variance=[0.1, 0.1, 0.2, 0.2], image_shape=(64, 64, 3))
    print("decoded", r(decoded, 3))

    rng = np.random.default_rng(2801)
    images = rng.uniform(size=(2, 32, 32, 3)).astype("float32")
    data = {"images": images,
            "bounding_boxes": {"boxes": np.array([[[2.0, 3.0, 12.0, 20.0], [15.0, 10.0, 30.0, 28.0]],
                                                  [[0.0, 0.0, 8.0, 8.0], [20.0, 4.0, 31.0, 16.0]]], "float32"),
                               "labels": np.array([[0, 1], [2, 1]], "int32")}}
    limited = layers.MaxNumBoundingBoxes(max_number=4, bounding_box_format="xyxy")(data)
    print("max boxes", r(limited["bounding_boxes"]["boxes"]), r(limited["bounding_boxes"]["labels"]))


if __name__ == "__main__":
    main()
