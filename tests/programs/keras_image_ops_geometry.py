"""A Keras program, written for Keras 3: the keras.ops.image toolbox an augmentation pipeline is built from —
resize with each interpolation (antialias, crop_to_aspect_ratio, pad_to_aspect_ratio), crop_images and pad_images,
affine_transform (rotation and shear matrices, nearest and bilinear, constant and reflect fill), perspective_transform,
rgb_to_grayscale, rgb_to_hsv / hsv_to_rgb round trips and gaussian_blur, in channels_last and channels_first, then
a small classifier trained on images resized and blurred by those ops. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 4), np.round(value.ravel()[:5], 4).tolist())


def main():
    rng = np.random.default_rng(3)
    images = rng.random((2, 12, 10, 3)).astype("float32")
    for method in ("bilinear", "nearest", "bicubic"):
        show(f"resize {method}", ops.image.resize(images, (6, 8), interpolation=method))
    show("resize antialias", ops.image.resize(images, (5, 4), antialias=True))
    show("resize up", ops.image.resize(images, (15, 13), interpolation="bilinear"))
    show("resize crop aspect", ops.image.resize(images, (8, 8), crop_to_aspect_ratio=True))
    show("resize pad aspect", ops.image.resize(images, (8, 8), pad_to_aspect_ratio=True, fill_value=0.5))
    first = np.transpose(images, (0, 3, 1, 2))
    show("resize channels_first", ops.image.resize(first, (6, 5), data_format="channels_first"))
    show("crop", ops.image.crop_images(images, top_cropping=2, left_cropping=1, target_height=7, target_width=6))
    show("pad", ops.image.pad_images(images, top_padding=1, left_padding=2, target_height=15, target_width=14))
    show("crop single", ops.image.crop_images(images[0], top_cropping=1, bottom_cropping=3, left_cropping=0,
                                              right_cropping=2))

    angle = 0.3
    c, s = np.cos(angle), np.sin(angle)
    rotate = np.array([c, -s, 3.0, s, c, -2.0, 0.0, 0.0], "float32")
    shear = np.array([1.0, 0.2, 0.0, 0.1, 1.0, 0.0, 0.0, 0.0], "float32")
    both = np.stack([rotate, shear])
    show("affine nearest", ops.image.affine_transform(images, both, interpolation="nearest"))
    show("affine bilinear", ops.image.affine_transform(images, both[::-1], fill_value=0.25))
    show("affine reflect", ops.image.affine_transform(images[:1], shear, fill_mode="reflect"))
    show("affine first", ops.image.affine_transform(first, both, data_format="channels_first"))
    start = np.array([[0, 0], [9, 0], [0, 11], [9, 11]], "float32")
    end = np.array([[1, 1], [8, 0], [0, 10], [9, 11]], "float32")
    show("perspective", ops.image.perspective_transform(images, start, end))
    show("perspective nearest", ops.image.perspective_transform(images[0], start, end, interpolation="nearest",
                                                                fill_value=1.0))

    gray = ops.image.rgb_to_grayscale(images)
    show("gray", gray)
    show("gray first", ops.image.rgb_to_grayscale(first, data_format="channels_first"))
    hsv = ops.image.rgb_to_hsv(images)
    show("hsv", hsv)
    print("hsv round trip", float(np.max(np.abs(ops.convert_to_numpy(ops.image.hsv_to_rgb(hsv)) - images))) < 1e-5)
    show("blur", ops.image.gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 0.7),
                                                data_format="channels_last"))
    show("blur first", ops.image.gaussian_blur(first, kernel_size=(5, 5), sigma=(1.5, 1.5),
                                                      data_format="channels_first"))

    x = rng.random((32, 16, 16, 3)).astype("float32")
    y = (x[:, :8].mean(axis=(1, 2, 3)) > x[:, 8:].mean(axis=(1, 2, 3))).astype("float32")
    small = ops.image.gaussian_blur(ops.image.resize(x, (8, 8), antialias=True), kernel_size=(3, 3), sigma=(1.0, 1.0),
                                    data_format="channels_last")
    small = ops.convert_to_numpy(small)
    model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(8, 3, activation="relu"),
                              layers.GlobalAveragePooling2D(), layers.Dense(1, activation="sigmoid")])
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(small, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    print("loss", np.round(history.history["loss"], 5).tolist())
    print("accuracy", np.round(history.history["accuracy"], 5).tolist())
    print("predict", np.round(model.predict(small[:4], verbose=0).ravel(), 5).tolist())
