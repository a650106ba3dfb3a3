"""A Keras program, written for Keras 3: `keras.ops.image` geometry — `affine_transform` with every fill mode and
both interpolations (one transform carrying the c0/c1 slots, which Keras's torch backend applies per channel),
`map_coordinates` at orders 0 and 1 with each fill mode, `extract_patches` with strides, dilation and 'same'
padding, `resize` with `crop_to_aspect_ratio` / `pad_to_aspect_ratio`, `pad_images` / `crop_images` — then a
registered layer built on them inside a small classifier, trained, saved as `.keras` and reloaded."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


@keras.saving.register_keras_serializable(package="r29")
class PatchWarp(layers.Layer):
    """Resizes to a square (cropping to the aspect ratio), shears it, and turns it into patch features."""

    def __init__(self, size=8, shear=0.15, patch=4, **kwargs):
        super().__init__(**kwargs)
        self.size, self.shear, self.patch = size, shear, patch

    def call(self, images):
        x = ops.image.resize(images, (self.size, self.size), crop_to_aspect_ratio=True)
        row = ops.convert_to_tensor([[1.0, self.shear, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]])
        x = ops.image.affine_transform(x, ops.zeros((ops.shape(x)[0], 8)) + row, fill_mode="reflect")
        patches = ops.image.extract_patches(x, self.patch)
        return ops.reshape(patches, (-1, (self.size // self.patch) ** 2, self.patch * self.patch * 3))

    def get_config(self):
        return {**super().get_config(), "size": self.size, "shear": self.shear, "patch": self.patch}


def main():
    rng = np.random.default_rng(2930)
    images = rng.uniform(size=(2, 6, 7, 3)).astype("float32")
    transform = np.array([[0.9, 0.2, 0.5, -0.1, 1.1, 0.3, 0.0, 0.0],
                          [1.0, -0.3, 1.5, 0.2, 0.8, -0.5, 0.0, 0.0]], "float32")
    for interpolation in ("nearest", "bilinear"):
        for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
            out = ops.image.affine_transform(images, transform, interpolation=interpolation, fill_mode=fill_mode,
                                             fill_value=0.25)
            print("affine", interpolation, fill_mode, r(ops.sum(out)), r(out[1, 0, :3, 0]))
    channelled = np.array([[1.0, 0.1, 0.2, 0.0, 1.0, -0.4, 0.3, -0.6]] * 2, "float32")
    out = ops.image.affine_transform(images, channelled, fill_mode="nearest")
    print("c0 c1", [r(ops.sum(out[..., k])) for k in range(3)])
    first = ops.image.affine_transform(images[0], transform[0], data_format="channels_last")
    print("single", tuple(first.shape), r(ops.mean(first)))

    plane = np.arange(30, dtype="float32").reshape(5, 6)
    coords = np.array([[-1.5, 0.4, 2.5, 4.6, 6.2], [0.5, -2.0, 3.3, 5.9, 7.5]], "float32")
    for order in (0, 1):
        for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
            print("map", order, fill_mode, r(ops.image.map_coordinates(plane, coords, order, fill_mode, -1.0)))
    volume = np.arange(24, dtype="float32").reshape(2, 3, 4)
    print("map 3d", r(ops.image.map_coordinates(volume, [[0.5, 1.0], [1.5, 2.2], [0.3, 3.0]], 1)))

    photo = rng.uniform(size=(1, 7, 9, 3)).astype("float32")
    for kwargs in [dict(size=3), dict(size=(2, 3), strides=(2, 1)), dict(size=2, dilation_rate=2),
                   dict(size=3, strides=2, padding="same")]:
        patches = ops.image.extract_patches(photo, **kwargs)
        print("patches", sorted(kwargs), tuple(patches.shape), r(ops.sum(patches)))
    for kwargs in [dict(crop_to_aspect_ratio=True), dict(pad_to_aspect_ratio=True, fill_value=0.5),
                   dict(interpolation="nearest", crop_to_aspect_ratio=True), dict(interpolation="bicubic")]:
        out = ops.image.resize(photo, (4, 4), **kwargs)
        print("resize", sorted(kwargs), tuple(out.shape), r(ops.sum(out)), r(out[0, 0, :2, 0]))
    padded = ops.image.pad_images(photo, 1, 2, target_height=10, target_width=12)
    cropped = ops.image.crop_images(padded, 1, 2, target_height=7, target_width=9)
    print("pad crop", tuple(padded.shape), bool(np.allclose(ops.convert_to_numpy(cropped), photo)))

    keras.utils.set_random_seed(2930)
    x = rng.uniform(size=(24, 10, 12, 3)).astype("float32")
    y = (x[:, :, :6].mean(axis=(1, 2, 3)) > x[:, :, 6:].mean(axis=(1, 2, 3))).astype("float32")
    model = keras.Sequential([keras.Input((10, 12, 3)), PatchWarp(name="warp"),
                              layers.Dense(8, activation="relu"), layers.GlobalAveragePooling1D(),
                              layers.Dense(1, activation="sigmoid")], name="warped")
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("warp output", model.get_layer("warp").compute_output_spec(keras.KerasTensor((None, 10, 12, 3))).shape)
    model.save("warped.keras")
    again = keras.models.load_model("warped.keras")
    print("reloaded", r(np.abs(again.predict(x[:5], verbose=0) - model.predict(x[:5], verbose=0)).max(), 6),
          again.get_layer("warp").get_config()["shear"])


if __name__ == "__main__":
    main()
