"""A Keras program, written for Keras 3: keras.ops.image on small NumPy images — rgb_to_hsv / hsv_to_rgb and
rgb_to_grayscale, crop_images and pad_images by offsets and by target sizes (batched and single images),
affine_transform with every fill mode and both interpolations and a fill_value, perspective_transform between
corner sets, resize with antialias, and a channels_first pass; deterministic, so Keras and deepgrad agree."""
import numpy as np

import keras
from keras import ops


def r(values, digits=3):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(8)
    images = rng.uniform(0, 1, size=(2, 5, 6, 3)).astype("float32")

    hsv = ops.image.rgb_to_hsv(images)
    print("hsv", tuple(hsv.shape), r(hsv[0, 0, :2]))
    print("hsv round trip", bool(np.allclose(ops.convert_to_numpy(ops.image.hsv_to_rgb(hsv)), images, atol=1e-5)))
    gray = ops.image.rgb_to_grayscale(images)
    print("grayscale", tuple(gray.shape), r(gray[1, 0, :, 0]))
    print("hsv channels_first", r(ops.image.rgb_to_hsv(np.transpose(images, (0, 3, 1, 2)),
                                                      data_format="channels_first")[0, :, 0, 0]))

    crop = ops.image.crop_images(images, top_cropping=1, left_cropping=2, target_height=3, target_width=3)
    print("crop offsets", tuple(crop.shape), r(crop[0, :, :, 0]))
    crop = ops.image.crop_images(images[0], bottom_cropping=1, right_cropping=1, target_height=2, target_width=4)
    print("crop single bottom right", tuple(crop.shape), r(crop[:, 0, 1]))
    pad = ops.image.pad_images(images, top_padding=1, left_padding=2, target_height=8, target_width=9)
    print("pad", tuple(pad.shape), r(pad[0, :3, :3, 0]))
    pad = ops.image.pad_images(images[1], bottom_padding=2, right_padding=1, target_height=7, target_width=7)
    print("pad single", tuple(pad.shape), r(pad[-3:, -2:, 2]))

    shear = np.array([[1.0, 0.3, -0.5, 0.1, 0.9, 0.4, 0.0, 0.0],
                      [0.8, 0.0, 1.0, 0.0, 0.8, 0.5, 0.0, 0.0]], "float32")
    for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for interpolation in ("nearest", "bilinear"):
            out = ops.image.affine_transform(images, shear, interpolation=interpolation, fill_mode=mode,
                                             fill_value=0.5)
            print("affine", mode, interpolation, r(out[0, :, 5, 1]))

    start = np.array([[[0, 0], [5, 0], [0, 4], [5, 4]]], "float32")
    end = np.array([[[1, 0], [5, 1], [0, 4], [4, 3]]], "float32")
    persp = ops.image.perspective_transform(images, start, end, interpolation="bilinear", fill_value=0.0)
    print("perspective", tuple(persp.shape), r(persp[1, :, 2, 0]))
    persp = ops.image.perspective_transform(images, start, end, interpolation="nearest", fill_value=-1.0)
    print("perspective nearest", r(persp[0, 2, :, 2]))

    big = ops.image.resize(images, (10, 3), interpolation="bilinear", antialias=True)
    print("resize antialias", tuple(big.shape), r(big[0, :4, 1, 0]))
    small = ops.image.resize(images, (2, 3), interpolation="bilinear", antialias=True)
    print("resize down antialias", r(small[1, :, :, 2]))
    near = ops.image.resize(images, (3, 4), interpolation="nearest", crop_to_aspect_ratio=True)
    print("resize crop nearest", r(near[0, :, :, 0]))


if __name__ == "__main__":
    main()
