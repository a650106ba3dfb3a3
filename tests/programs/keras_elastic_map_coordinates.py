"""A Keras program, written for Keras 3: elastic-deformation augmentation written with keras.ops.image
.map_coordinates (order 0 and 1, fill modes constant / nearest / reflect / mirror / wrap, fill_value) on a
smoothed random displacement field, applied per channel to a batch of channels-last images, then a small
encoder-decoder (Conv2D with strides, Conv2DTranspose, UpSampling2D bilinear, Cropping2D / ZeroPadding2D)
trained to undo the deformation. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def smooth(field):
    kernel = np.array([0.25, 0.5, 0.25])
    for axis in (0, 1):
        field = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), axis, field)
    return field


def elastic(image, dx, dy, order=1, fill_mode="constant"):
    rows, cols = np.meshgrid(np.arange(image.shape[0]), np.arange(image.shape[1]), indexing="ij")
    coords = np.stack([rows + dy, cols + dx]).astype("float32")
    channels = [ops.image.map_coordinates(image[..., c], coords, order=order, fill_mode=fill_mode, fill_value=0.0)
                for c in range(image.shape[-1])]
    return ops.convert_to_numpy(ops.stack(channels, axis=-1))


def main():
    grid = np.arange(20, dtype="float32").reshape(4, 5)
    points = np.array([[0.5, 1.25, 3.9, -0.6, 4.2], [0.0, 2.5, 4.7, 1.0, -1.3]], "float32")
    for order in (0, 1):
        for mode in ("constant", "nearest", "reflect", "mirror", "wrap"):
            out = ops.image.map_coordinates(grid, points, order=order, fill_mode=mode, fill_value=-1.0)
            print("order", order, mode, r(ops.convert_to_numpy(out)))

    rng = np.random.default_rng(27)
    images = np.zeros((24, 12, 12, 2), "float32")
    for k in range(24):
        top, left = rng.integers(1, 6, 2)
        images[k, top:top + 5, left:left + 5, 0] = 1.0
        images[k, :, :, 1] = np.linspace(0, 1, 12)[None, :] * (k % 3) / 2.0
    warped = np.stack([elastic(img, smooth(rng.uniform(-2, 2, (12, 12))), smooth(rng.uniform(-2, 2, (12, 12))))
                       for img in images]).astype("float32")
    print("warped", warped.shape, r(warped[0, 3, :6, 0]), r(warped.mean()))
    nearest = elastic(images[1], np.full((12, 12), 0.6), np.full((12, 12), -0.4), order=0, fill_mode="nearest")
    print("shifted nearest", r(nearest[:, :, 0].sum()), r(nearest[5, :, 0]))

    inputs = keras.Input((12, 12, 2))
    h = layers.ZeroPadding2D(((1, 1), (2, 2)))(inputs)
    h = layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Conv2DTranspose(4, 3, strides=1, padding="same", activation="relu")(h)
    h = layers.UpSampling2D(2, interpolation="bilinear")(h)
    h = layers.Cropping2D(((1, 1), (2, 2)))(h)
    outputs = layers.Conv2D(2, 1)(h)
    model = keras.Model(inputs, outputs)
    print("shapes", [tuple(layer.output.shape) for layer in model.layers[1:]])
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(warped, images, batch_size=8, epochs=4, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("mae", r(history.history["mae"]))
    restored = model.predict(warped[:2], verbose=0)
    print("restored", r(restored[0, 4, :6, 0]), r(restored[1].mean(axis=(0, 1))))


if __name__ == "__main__":
    main()
