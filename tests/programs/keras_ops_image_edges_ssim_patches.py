"""A Keras program, written for Keras 3: the keras.ops.image functions an image-quality or feature-extraction
script calls — sobel_edges (gradient magnitude from its two channels), ssim between an image and its blurred,
brightened and noised copies (max_val, filter_size, filter_sigma, k1 / k2), scale_and_translate with each kernel
and antialias, extract_patches with strides, dilation_rate and padding "same" / "valid", extract_patches_3d on a
volume, and map_coordinates with its fill modes; inside a Lambda in a functional model too. Real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value, digits=3):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), digits), np.round(value.ravel()[:3], 4).tolist())


def main():
    rng = np.random.default_rng(31)
    images = rng.random((2, 9, 8, 3)).astype("float32")
    edges = ops.image.sobel_edges(images)
    show("sobel", edges)
    magnitude = ops.sqrt(ops.sum(ops.square(edges), axis=-1))
    show("sobel magnitude", magnitude)
    show("sobel first", ops.image.sobel_edges(np.transpose(images, (0, 3, 1, 2)), data_format="channels_first"))

    blurred = ops.image.gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0))
    noisy = np.clip(images + rng.normal(scale=0.1, size=images.shape), 0, 1).astype("float32")
    for name, other in [("self", images), ("blurred", blurred), ("brighter", images * 0.8 + 0.2), ("noisy", noisy)]:
        similarity = ops.image.ssim(images, other, max_val=1.0, filter_size=7)
        print("ssim", name, np.round(ops.convert_to_numpy(similarity), 4).tolist())
    print("ssim options", np.round(ops.convert_to_numpy(ops.image.ssim(
        images * 255, noisy * 255, max_val=255.0, filter_size=5, filter_sigma=1.0, k1=0.02, k2=0.04)), 4).tolist())

    for method in ["bilinear", "linear", "lanczos3", "lanczos5", "bicubic", "cubic"]:
        show(f"scale_and_translate {method}", ops.image.scale_and_translate(
            images, output_shape=(2, 6, 5, 3), scale=np.array([0.7, 0.6], "float32"),
            translation=np.array([0.5, -0.25], "float32"), spatial_dims=(1, 2), method=method))
    show("scale_and_translate antialias", ops.image.scale_and_translate(
        images, output_shape=(2, 4, 4, 3), scale=np.array([0.45, 0.5], "float32"),
        translation=np.array([0.0, 0.0], "float32"), spatial_dims=(1, 2), method="bilinear", antialias=True))

    show("patches valid", ops.image.extract_patches(images, size=(3, 3), strides=(2, 2), padding="valid"))
    show("patches same", ops.image.extract_patches(images, size=3, strides=3, padding="same"))
    show("patches dilated", ops.image.extract_patches(images, size=(2, 2), strides=(1, 1), dilation_rate=2))
    volume = rng.random((1, 6, 5, 4, 2)).astype("float32")
    show("patches 3d", ops.image.extract_patches_3d(volume, size=(2, 2, 2), strides=(2, 2, 2)))
    show("patches 3d same", ops.image.extract_patches_3d(volume, size=3, strides=2, padding="same"))

    grid = rng.random((5, 6)).astype("float32")
    coords = np.stack(np.meshgrid(np.linspace(-1, 5, 4), np.linspace(-1.5, 6.5, 5), indexing="ij")).astype("float32")
    for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
        show(f"map_coordinates {mode}", ops.image.map_coordinates(grid, coords, order=1, fill_mode=mode,
                                                                  fill_value=-1.0))
    show("map_coordinates order 0", ops.image.map_coordinates(grid, coords, order=0))

    inputs = keras.Input((9, 8, 3))
    grey = layers.Lambda(lambda x: ops.image.rgb_to_grayscale(x))(inputs)
    edge = layers.Lambda(lambda x: ops.image.sobel_edges(x))(grey)
    patches = layers.Lambda(lambda x: ops.image.extract_patches(x, size=(3, 3), strides=(3, 3)))(inputs)
    model = keras.Model(inputs, [edge, patches])
    print("symbolic", edge.shape, patches.shape)
    got = model.predict(images, verbose=0)
    show("model edges", got[0])
    show("model patches", got[1])
