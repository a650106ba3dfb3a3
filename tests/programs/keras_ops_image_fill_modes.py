"""A Keras program, written for Keras 3: keras.ops.image's geometric functions with every fill and
interpolation option a data-augmentation author touches: affine_transform with fill_mode constant / nearest /
reflect / wrap / mirror and nearest or bilinear sampling on batched and single images, channels_first too;
map_coordinates with order 0 and 1 over each fill_mode; resize down and up with antialias for bilinear,
bicubic and nearest; crop_images and pad_images given target sizes or offsets; rgb_to_hsv and
hsv_to_rgb round trips and rgb_to_grayscale. The images are fixed NumPy arrays, so real Keras and deepgrad print
the same numbers."""
import numpy as np

import keras
from keras import ops


def fmt(a, digits=4):
    return np.round(ops.convert_to_numpy(a).astype("float64"), digits).tolist()


def main():
    image = np.arange(5 * 6 * 2, dtype="float32").reshape(1, 5, 6, 2) / 10.0
    shift_rotate = np.array([[0.9, -0.2, 1.5, 0.3, 0.95, -1.2, 0.0, 0.0]], "float32")
    for mode in ["constant", "nearest", "reflect", "wrap", "mirror"]:
        for interpolation in ["nearest", "bilinear"]:
            out = ops.image.affine_transform(image, shift_rotate, interpolation=interpolation, fill_mode=mode,
                                             fill_value=-1.0)
            print("affine", mode, interpolation, fmt(out[0, :, 0, 0]), fmt(out[0, 4, :, 1]))
    single = ops.image.affine_transform(image[0], shift_rotate[0], fill_mode="reflect")
    print("affine single", tuple(single.shape), fmt(single[0, :, 1]))
    first = np.transpose(image, (0, 3, 1, 2))
    cf = ops.image.affine_transform(first, shift_rotate, data_format="channels_first", fill_mode="wrap")
    print("affine channels_first", tuple(cf.shape), fmt(cf[0, 1, 2]))

    grid = np.arange(20, dtype="float32").reshape(4, 5)
    coords = np.stack(np.meshgrid(np.linspace(-1.5, 4.5, 4), np.linspace(-0.7, 5.2, 3), indexing="ij"))
    for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
        for order in [0, 1]:
            out = ops.image.map_coordinates(grid, coords.astype("float32"), order=order, fill_mode=mode,
                                            fill_value=-3.0)
            print("map", mode, order, fmt(out))

    photo = np.sin(np.arange(1 * 12 * 10 * 3, dtype="float32") / 7.0).reshape(1, 12, 10, 3) * 0.5 + 0.5
    for method in ["bilinear", "bicubic", "nearest"]:
        small = ops.image.resize(photo, (5, 4), interpolation=method, antialias=True)
        plain = ops.image.resize(photo, (5, 4), interpolation=method, antialias=False)
        print("resize", method, fmt(small[0, 2, :, 0]), fmt(plain[0, 2, :, 0]))
    big = ops.image.resize(photo, (15, 13), interpolation="bicubic", antialias=True)
    print("resize up", tuple(big.shape), fmt(big[0, 7, :4, 1]))

    cropped = ops.image.crop_images(photo, top_cropping=2, left_cropping=1, target_height=6, target_width=5)
    print("crop", tuple(cropped.shape), fmt(cropped[0, 0, :, 2]))
    cropped2 = ops.image.crop_images(photo, top_cropping=1, bottom_cropping=3, left_cropping=2, right_cropping=1)
    print("crop sides", tuple(cropped2.shape), fmt(cropped2[0, -1, :, 0]))
    padded = ops.image.pad_images(photo, top_padding=1, left_padding=2, target_height=15, target_width=14)
    print("pad", tuple(padded.shape), fmt(padded[0, :3, 2, 0]), float(ops.sum(padded) - ops.sum(photo)) < 1e-3)
    padded2 = ops.image.pad_images(photo[0], bottom_padding=2, right_padding=1, top_padding=0, left_padding=0)
    print("pad single", tuple(padded2.shape))

    hsv = ops.image.rgb_to_hsv(photo[:, :2, :3])
    print("hsv", fmt(hsv[0, 1]))
    print("hsv round trip", np.allclose(ops.convert_to_numpy(ops.image.hsv_to_rgb(hsv)), photo[:, :2, :3], atol=1e-5))
    gray = ops.image.rgb_to_grayscale(photo[:, :2, :3])
    print("gray", tuple(gray.shape), fmt(gray[0, :, :, 0]))


if __name__ == "__main__":
    main()
