"""A Keras program, written for Keras 3: `keras.ops.image` functions on a small seeded RGB batch (`resize` with
every interpolation, with and without `antialias`, growing and shrinking, `crop_to_aspect_ratio` and
`pad_to_aspect_ratio`; `crop_images`/`pad_images`; `rgb_to_grayscale`; `rgb_to_hsv` and back; `affine_transform`
with each fill mode), then a registered layer that resizes, converts to HSV and crops inside a functional
classifier trained by `fit`, saved to `.keras` and reloaded."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def stats(value):
    a = np.asarray(ops.convert_to_numpy(value), "float64")
    return [list(a.shape), round(float(a.mean()), 4), round(float(a.std()), 4), round(float(a.min()), 4),
            round(float(a.max()), 4)]


@keras.saving.register_keras_serializable(package="r26")
class HsvCrop(layers.Layer):
    def __init__(self, size=6, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def call(self, images):
        small = ops.image.resize(images, (self.size + 2, self.size + 2), interpolation="bilinear", antialias=True)
        hsv = ops.image.rgb_to_hsv(ops.clip(small, 0.0, 1.0))
        return ops.image.crop_images(hsv, 1, 1, target_height=self.size, target_width=self.size)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def main():
    rng = np.random.default_rng(2601)
    images = rng.uniform(0, 1, size=(2, 8, 10, 3)).astype("float32")
    for method in ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"):
        for antialias in (False, True):
            try:
                ops.image.resize(images, (5, 4), interpolation=method, antialias=antialias)
            except ValueError as error:
                print(method, antialias, "refused", type(error).__name__)
                continue
            down = ops.image.resize(images, (5, 4), interpolation=method, antialias=antialias)
            up = ops.image.resize(images, (11, 13), interpolation=method, antialias=antialias)
            print(method, antialias, "down", stats(down), "up", stats(up))
            print(method, antialias, "corner", r(down[0, 0, 0]), r(up[1, -1, -1]))
    print("crop ratio", stats(ops.image.resize(images, (6, 6), crop_to_aspect_ratio=True)))
    print("pad ratio", stats(ops.image.resize(images, (6, 6), pad_to_aspect_ratio=True, fill_value=0.5)))
    cropped = ops.image.crop_images(images, top_cropping=1, left_cropping=2, target_height=5, target_width=6)
    padded = ops.image.pad_images(images, top_padding=2, left_padding=1, target_height=12, target_width=14)
    print("crop", stats(cropped), r(cropped[0, 0, 0]))
    print("pad", stats(padded), r(padded[0, 2, 1]), r(padded[0, 0, 0]))
    gray = ops.image.rgb_to_grayscale(images)
    print("gray", stats(gray), r(gray[1, 3, :4, 0]))
    hsv = ops.image.rgb_to_hsv(images)
    back = ops.image.hsv_to_rgb(hsv)
    print("hsv", stats(hsv), r(hsv[0, 0, :3]))
    print("round trip close", bool(np.abs(ops.convert_to_numpy(back) - images).max() < 1e-5))
    transform = np.array([[0.9, 0.1, 0.5, -0.1, 1.1, -0.4, 0.0, 0.0],
                          [1.0, 0.0, 1.5, 0.0, 1.0, -1.0, 0.0, 0.0]], "float32")
    for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for interpolation in ("nearest", "bilinear"):
            moved = ops.image.affine_transform(images, transform, interpolation=interpolation,
                                               fill_mode=fill_mode, fill_value=0.25)
            print("affine", fill_mode, interpolation, stats(moved), r(moved[1, 0, :3, 0]))

    keras.utils.set_random_seed(26)
    x = rng.uniform(0, 1, size=(48, 8, 10, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > x[..., 2].mean(axis=(1, 2))).astype("int32")
    inputs = keras.Input((8, 10, 3))
    features = HsvCrop(6, name="hsv_crop")(inputs)
    hidden = layers.Conv2D(4, 3, activation="relu", name="conv")(features)
    pooled = layers.GlobalAveragePooling2D(name="pool")(hidden)
    outputs = layers.Dense(2, activation="softmax", name="head")(pooled)
    model = keras.Model(inputs, outputs, name="image_ops")
    print("output shapes", [tuple(t.shape) for t in (features, hidden, pooled, outputs)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:40], y[:40], batch_size=8, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[40:], y[40:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(x, y, verbose=0)))
    model.save("image_ops.keras")
    again = keras.models.load_model("image_ops.keras")
    print("reloaded", type(again.get_layer("hsv_crop")).__name__, again.get_layer("hsv_crop").size)
    print("same predictions", bool(np.allclose(again.predict(x[:5], verbose=0), model.predict(x[:5], verbose=0),
                                               atol=1e-6)))
    print("predict", r(model.predict(x[:3], verbose=0)))


if __name__ == "__main__":
    main()
