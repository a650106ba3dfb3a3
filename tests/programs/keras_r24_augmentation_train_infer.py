"""A Keras program, written for Keras 3: seeded augmentation layers at the front of a small CNN — RandomFlip,
RandomRotation, RandomZoom, RandomTranslation and RandomContrast, each with a seed and fill options — used
standalone (training=True draws, training=False passes through, a second call draws anew), trained inside the model
with `fit` (augmenting only in training), evaluated and predicted (no augmentation), configs printed and the model
reloaded from .keras; a Sequential of the same layers called twice after `set_random_seed` repeats its images.
Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


def augmenter():
    return keras.Sequential([
        layers.RandomFlip("horizontal", seed=1, name="flip"),
        layers.RandomRotation(0.1, fill_mode="nearest", seed=2, name="rotate"),
        layers.RandomZoom((-0.2, 0.1), width_factor=0.15, fill_mode="constant", fill_value=0.5, seed=3,
                          name="zoom"),
        layers.RandomTranslation(0.1, (-0.2, 0.2), fill_mode="wrap", seed=4, name="shift"),
        layers.RandomContrast(0.3, seed=5, name="contrast"),
    ], name="augment")


def main():
    rng = np.random.default_rng(2410)
    images = rng.uniform(0, 1, size=(24, 10, 10, 1)).astype("float32")
    images[:12, 2:5, 2:8, 0] += 1.5
    labels = np.array([1] * 12 + [0] * 12, "float32")

    flip = layers.RandomFlip("horizontal_and_vertical", seed=7)
    print("flip sums", r(ops.sum(flip(images[:3], training=True), axis=(1, 2, 3))),
          "identity", bool(np.array_equal(ops.convert_to_numpy(flip(images[:3], training=False)), images[:3])))
    rot = layers.RandomRotation((-0.2, 0.2), fill_mode="reflect", interpolation="bilinear", seed=8)
    print("rotation row", r(rot(images[:1], training=True)[0, 5, :5, 0]))
    print("rotation again", r(rot(images[:1], training=True)[0, 5, :5, 0]))
    zoom = layers.RandomZoom(0.3, seed=9)
    print("zoom means", r(ops.mean(zoom(images[:4], training=True), axis=(1, 2, 3))))
    shift = layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=10)
    print("translation zeros", r(ops.sum(ops.cast(shift(images[:4], training=True) == 0, "int32"), axis=(1, 2, 3))))
    contrast = layers.RandomContrast((0.1, 0.5), seed=11)
    print("contrast stds", r(ops.std(contrast(images[:4], training=True), axis=(1, 2, 3))))

    inp = keras.Input((10, 10, 1))
    h = augmenter()(inp)
    h = layers.Conv2D(4, 3, activation="relu", name="conv")(h)
    h = layers.MaxPooling2D(name="pool")(h)
    h = layers.Flatten(name="flat")(h)
    out = layers.Dense(1, activation="sigmoid", name="out")(h)
    model = keras.Model(inp, out, name="augmented_cnn")
    init = np.random.default_rng(12)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=6, epochs=3, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("evaluate", r(model.evaluate(images, labels, verbose=0)))
    print("predict", r(model.predict(images[10:14], verbose=0).ravel()))
    print("predict twice equal", bool(np.array_equal(model.predict(images[:4], verbose=0),
                                                     model.predict(images[:4], verbose=0))))
    aug = model.get_layer("augment")
    print("configs", [(l.name, {k: v for k, v in sorted(l.get_config().items()) if k in
                                ("mode", "factor", "height_factor", "width_factor", "fill_mode", "seed",
                                 "value_range")}) for l in aug.layers])
    model.save("augmented.keras")
    back = keras.models.load_model("augmented.keras")
    print("reloaded equal", bool(np.allclose(back.predict(images[:6], verbose=0),
                                             model.predict(images[:6], verbose=0), atol=1e-6)))

    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(24)
        pipeline = augmenter()
        runs.append(ops.convert_to_numpy(pipeline(images[:4], training=True)))
    print("repeatable", bool(np.allclose(runs[0], runs[1])), r(runs[0].mean(axis=(1, 2, 3))))


if __name__ == "__main__":
    main()
