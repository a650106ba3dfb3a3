"""A Keras program, written for Keras 3, after keras.io's CutMix, MixUp and RandAugment examples: a batch
generator that mixes image / one-hot label pairs with seeded CutMix and MixUp layers called on {"images",
"labels"} dicts (the mixed labels' sums, the share of pixels CutMix pasted), RandAugment (num_ops, factor,
value_range) and AugMix (num_chains, chain_depth, alpha) called on batches and inside a keras.Sequential
augmenter — their shapes and ranges, identity in inference, configs round-tripping — and a small CNN trained for
two epochs on the mixed batches with categorical_crossentropy and label_smoothing. The layers draw Keras's own
numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def show(name, value, digits=2):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), digits), np.round(value.ravel()[:3], 3).tolist())


def main():
    rng = np.random.default_rng(13)
    images = (rng.random((16, 12, 12, 3)) * 255).astype("float32")
    labels = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]

    cut = layers.CutMix(factor=1.0, seed=3)
    mixed = cut({"images": images[:4], "labels": labels[:4]}, training=True)
    show("cutmix images", mixed["images"])
    print("cutmix labels", np.round(keras.ops.convert_to_numpy(mixed["labels"]), 4).tolist())
    pasted = np.mean(keras.ops.convert_to_numpy(mixed["images"]) != images[:4])
    print("cutmix pasted share", round(float(pasted), 4))
    print("cutmix infer", bool(np.allclose(keras.ops.convert_to_numpy(
        cut({"images": images[:4], "labels": labels[:4]}, training=False)["images"]), images[:4])))

    mix = layers.MixUp(alpha=0.4, seed=4)
    mixed = mix({"images": images[:4], "labels": labels[:4]}, training=True)
    show("mixup images", mixed["images"])
    print("mixup labels", np.round(keras.ops.convert_to_numpy(mixed["labels"]), 4).tolist())
    print("mixup label sums", np.round(keras.ops.convert_to_numpy(mixed["labels"]).sum(axis=1), 5).tolist())
    show("mixup images only", mix(images[:4], training=True))

    # RandAugment's images differ between Keras's backends (its torch backend edits the affine matrix in place)
    # and AugMix picks operations with Python's unseeded random: only what both pin is printed
    rand = layers.RandAugment(value_range=(0, 255), num_ops=3, factor=0.4, seed=5)
    out = keras.ops.convert_to_numpy(rand(images[:4], training=True))
    print("randaugment", out.shape, str(out.dtype), bool(not np.allclose(out, images[:4])))
    print("randaugment infer", bool(np.allclose(keras.ops.convert_to_numpy(rand(images[:4], training=False)),
                                                images[:4])))
    aug = layers.AugMix(value_range=(0, 255), num_chains=2, chain_depth=2, factor=0.3, alpha=0.5, seed=6)
    out = keras.ops.convert_to_numpy(aug(images[:4], training=True))
    print("augmix", out.shape, str(out.dtype), bool(out.min() >= 0 and out.max() <= 255))
    for layer in (cut, mix, rand, aug):
        config = layer.get_config()
        twin = layer.__class__.from_config(config)
        print(layer.__class__.__name__, twin.get_config() == config,
              {k: v for k, v in config.items() if k not in ("name", "dtype", "trainable")})

    augmenter = keras.Sequential([layers.RandAugment(value_range=(0, 255), num_ops=1, factor=0.2, seed=7),
                                  layers.Rescaling(1 / 255.0)], name="augmenter")
    show("augmenter predict (inference: identity)", augmenter.predict(images[:2], verbose=0), 3)

    def batches(epochs):
        mixer = layers.MixUp(alpha=0.3, seed=8)
        for _ in range(epochs):
            for start in range(0, 16, 8):
                out = mixer({"images": images[start:start + 8], "labels": labels[start:start + 8]}, training=True)
                yield keras.ops.convert_to_numpy(out["images"]) / 255.0, keras.ops.convert_to_numpy(out["labels"])

    inputs = keras.Input((12, 12, 3))
    h = layers.Conv2D(4, 3, activation="relu")(inputs)
    h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)
    outputs = layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.2, 0.2, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=["categorical_accuracy"])
    history = model.fit(batches(2), steps_per_epoch=2, epochs=2, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("accuracy", [round(v, 4) for v in history.history["categorical_accuracy"]])
    show("predict", model.predict(images[:4] / 255.0, verbose=0), 4)
