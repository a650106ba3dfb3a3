"""A Keras program, written for Keras 3: seeded geometric and colour augmentation with every fill mode, inside a
trained model. `RandomZoom`, `RandomRotation` and `RandomTranslation` with `fill_mode` constant (and
`fill_value`), reflect, wrap and nearest, and `interpolation` nearest/bilinear; `RandomCrop`, `RandomContrast`,
`RandomBrightness(value_range=)`, `Solarization(threshold_factor=)`, `RandomErasing` and `RandomGaussianBlur`, each
called directly with `training=True` and in inference; then a Sequential augmentation block in front of a small
CNN trained by `fit` (the augmentation drawing inside the training loop), evaluated and saved."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=3):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def stats(value):
    a = np.asarray(ops.convert_to_numpy(value), "float64")
    return [round(float(a.mean()), 3), round(float(a.std()), 3), round(float(a.min()), 3), round(float(a.max()), 3)]


def main():
    keras.utils.set_random_seed(2610)
    rng = np.random.default_rng(2610)
    images = rng.uniform(0, 255, size=(3, 8, 8, 3)).astype("float32")
    for fill_mode in ("constant", "reflect", "wrap", "nearest"):
        for interpolation in ("nearest", "bilinear"):
            zoom = layers.RandomZoom((-0.3, 0.2), (0.1, 0.3), fill_mode=fill_mode, interpolation=interpolation,
                                     fill_value=7.0, seed=11)
            rotate = layers.RandomRotation(0.2, fill_mode=fill_mode, interpolation=interpolation, fill_value=3.0,
                                           seed=12)
            shift = layers.RandomTranslation((-0.25, 0.25), 0.3, fill_mode=fill_mode, interpolation=interpolation,
                                             fill_value=1.0, seed=13)
            for name, layer in (("zoom", zoom), ("rotate", rotate), ("shift", shift)):
                out = layer(images, training=True)
                print(fill_mode, interpolation, name, stats(out), r(out[1, 0, :3, 0], 2))
    crop = layers.RandomCrop(5, 6, seed=14)
    print("crop", tuple(crop(images, training=True).shape), stats(crop(images, training=True)),
          tuple(crop(images, training=False).shape), stats(crop(images, training=False)))
    contrast = layers.RandomContrast(0.5, value_range=(0, 255), seed=15)
    brightness = layers.RandomBrightness((-0.3, 0.3), value_range=(0, 255), seed=16)
    solarize = layers.Solarization(addition_factor=0.2, threshold_factor=(0.4, 0.6), value_range=(0, 255), seed=17)
    erase = layers.RandomErasing(factor=1.0, scale=(0.1, 0.3), fill_value=0.0, value_range=(0, 255), seed=18)
    blur = layers.RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=(0.5, 1.5), value_range=(0, 255), seed=19)
    for name, layer in (("contrast", contrast), ("brightness", brightness), ("solarize", solarize),
                        ("erase", erase), ("blur", blur)):
        first, second = layer(images, training=True), layer(images, training=True)
        print(name, stats(first), stats(second), stats(layer(images, training=False)))

    x = rng.uniform(0, 1, size=(48, 8, 8, 3)).astype("float32")
    y = (x[:, :4, :, 0].mean(axis=(1, 2)) > x[:, 4:, :, 0].mean(axis=(1, 2))).astype("int32")
    augment = keras.Sequential([layers.RandomFlip("horizontal", seed=21),
                                layers.RandomRotation(0.1, fill_mode="reflect", seed=22),
                                layers.RandomZoom(0.2, fill_mode="nearest", seed=23),
                                layers.RandomContrast(0.2, seed=24)], name="augment")
    model = keras.Sequential([keras.Input((8, 8, 3)), augment, layers.Conv2D(6, 3, activation="relu"),
                              layers.MaxPooling2D(), layers.Flatten(), layers.Dense(2, activation="softmax")],
                             name="augmented_cnn")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:40], y[:40], batch_size=8, epochs=3, verbose=0, shuffle=True,
                        validation_data=(x[40:], y[40:]))
    for key in sorted(history.history):
        print(key, r(history.history[key], 4))
    print("evaluate", r(model.evaluate(x, y, verbose=0), 4))
    print("predict", r(model.predict(x[:3], verbose=0), 4))
    print("augment in inference is identity", bool(np.allclose(augment(x[:2], training=False), x[:2])))
    model.save("augmented.keras")
    again = keras.models.load_model("augmented.keras")
    print("reloaded", [layer.name for layer in again.get_layer("augment").layers],
          r(again.predict(x[:3], verbose=0), 4))
    print("seed state", [v.path for v in augment.non_trainable_variables][:2])


if __name__ == "__main__":
    main()
