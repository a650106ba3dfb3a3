"""A Keras program, written for Keras 3: the image preprocessing layers whose output needs no random draw, on
small NumPy images — Rescaling with an offset and a per-channel scale, CenterCrop up and down, Resizing with
crop_to_aspect_ratio and pad_to_aspect_ratio (with a fill value) in several interpolations, AutoContrast,
Solarization with and without a threshold, Equalization, RandomGrayscale at factor 1.0, chained in
keras.layers.Pipeline, and the layers' configs; everything is deterministic so Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=3):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(11)
    images = rng.uniform(0, 255, size=(2, 6, 8, 3)).astype("float32")
    small = images[:, :4, :4]

    rescale = layers.Rescaling(scale=[1 / 255, 2 / 255, 1 / 127.5], offset=-0.5)
    out = rescale(images)
    print("rescaling", tuple(out.shape), r(out[0, 0, 0]), r(out[1, 5, 7]))
    print("rescaling config", rescale.get_config()["scale"], rescale.get_config()["offset"])

    print("center crop down", r(layers.CenterCrop(2, 4)(images)[0, :, :, 0], 1))
    print("center crop up", tuple(layers.CenterCrop(8, 10)(images).shape),
          r(layers.CenterCrop(8, 10)(small)[0, 0, :3, 0], 1))

    for interpolation in ("nearest", "bilinear", "bicubic"):
        resized = layers.Resizing(3, 3, interpolation=interpolation, crop_to_aspect_ratio=True)(images)
        print("crop_to_aspect", interpolation, r(resized[0, :, 1, 0], 2))
    padded = layers.Resizing(6, 6, pad_to_aspect_ratio=True, fill_value=-1.0)(images)
    print("pad_to_aspect", tuple(padded.shape), r(padded[0, :, 0, 0], 2))
    padded = layers.Resizing(4, 2, pad_to_aspect_ratio=True, fill_mode="constant", fill_value=7.0)(images)
    print("pad_to_aspect tall", tuple(padded.shape), r(padded[1, :, :, 2], 2))

    contrast = layers.AutoContrast(value_range=(0, 255))
    print("auto contrast", r(contrast(small)[0, 0], 1))
    print("auto contrast unit", r(layers.AutoContrast(value_range=(0, 1))(small / 400.0)[1, 1], 3))

    print("solarize", r(layers.Solarization(addition_factor=0.0, threshold_factor=0.0,
                                            value_range=(0, 255))(small)[0, 0, :2], 1))
    solar = layers.Solarization(addition_factor=(0.0, 0.0), threshold_factor=(0.0, 0.0), value_range=(0, 1))
    print("solarize unit range", r(solar(small / 255.0)[0, 0], 3))
    print("solarize inference", r(solar(small / 255.0, training=False)[0, 0, 0], 3))
    print("solarize config", sorted(k for k in solar.get_config() if k != "name"))

    equal = layers.Equalization(value_range=(0, 255), bins=16)
    print("equalize", r(equal(small)[0, :2, :2, 0], 1))
    gray = layers.RandomGrayscale(factor=1.0)
    g = gray(small)
    print("grayscale", tuple(g.shape), r(g[0, 0, :2], 2))
    print("grayscale channels equal", bool(np.allclose(keras.ops.convert_to_numpy(g[..., 0]),
                                                       keras.ops.convert_to_numpy(g[..., 2]))))

    pipeline = layers.Pipeline([layers.CenterCrop(4, 6), layers.Rescaling(1 / 255.0),
                                layers.Resizing(2, 3, interpolation="nearest")])
    piped = pipeline(images)
    print("pipeline", tuple(piped.shape), r(piped[1, :, :, 1]))
    print("pipeline layers", [layer.__class__.__name__ for layer in pipeline.layers])
    print("pipeline single image", tuple(pipeline(images[0]).shape))
    inputs = keras.Input((6, 8, 3))
    model = keras.Sequential([inputs, layers.Rescaling(1 / 127.5, offset=-1), layers.CenterCrop(4, 4),
                              layers.Conv2D(2, 3, kernel_initializer="ones", bias_initializer="zeros")])
    print("model output", tuple(model.outputs[0].shape), r(model.predict(images, verbose=0)[0, :, :, 0]))


if __name__ == "__main__":
    main()
