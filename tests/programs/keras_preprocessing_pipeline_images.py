"""A Keras program, written for Keras 3: image preprocessing the way keras.io's image classification examples
write it — a keras.layers.Pipeline of Resizing (crop_to_aspect_ratio and pad_to_aspect_ratio with a
pad value), CenterCrop and Rescaling(offset) applied to a batch outside the model, the random augmentation
layers (RandomFlip, RandomRotation, RandomZoom, RandomContrast, RandomTranslation) in a Sequential, identities
at inference, the pipeline's config, and a small convnet (SeparableConv2D, MaxPooling2D,
GlobalAveragePooling2D) trained on the preprocessed images. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(70)
    raw = rng.integers(0, 256, (30, 20, 28, 3)).astype("float32")
    labels = (raw[:, 5:15, 5:20, 0].mean(axis=(1, 2)) > raw[:, 5:15, 5:20, 2].mean(axis=(1, 2))).astype("int32")
    print("labels", labels.tolist())

    crop = layers.Resizing(12, 12, crop_to_aspect_ratio=True)
    pad = layers.Resizing(12, 12, pad_to_aspect_ratio=True, fill_value=0.5)
    print("crop", tuple(crop(raw[:2]).shape), r(keras.ops.convert_to_numpy(crop(raw[:1]))[0, 0, :3, 0]))
    padded = keras.ops.convert_to_numpy(pad(raw[:1] / 255.0))
    print("pad", padded.shape, r(padded[0, :3, 0, 0]), r(padded[0, 6, :3, 1]))
    pipeline = layers.Pipeline([
        layers.Resizing(16, 16, crop_to_aspect_ratio=True, interpolation="bilinear"),
        layers.CenterCrop(12, 12),
        layers.Rescaling(1.0 / 127.5, offset=-1.0),
    ], name="prep")
    images = keras.ops.convert_to_numpy(pipeline(raw))
    print("pipeline", images.shape, r(images.min()), r(images.max()), r(images[3, 6, :4, 1]))
    single = keras.ops.convert_to_numpy(pipeline(raw[3]))
    print("unbatched", single.shape, bool(np.allclose(single, images[3], atol=1e-5)))
    config = pipeline.get_config()
    print("config", sorted(config), [layer["class_name"] for layer in config["layers"]])

    augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1),
                                layers.RandomZoom(0.2), layers.RandomContrast(0.3),
                                layers.RandomTranslation(0.1, 0.1)], name="augment")
    same = keras.ops.convert_to_numpy(augment(images[:4], training=False))
    print("augment at inference", bool(np.allclose(same, images[:4])), augment.compute_output_shape((None, 12, 12, 3)))

    # the augmentation layers draw different random numbers in each backend: the model trains without them
    model = keras.Sequential([
        keras.Input((12, 12, 3)),
        layers.SeparableConv2D(6, 3, padding="same", activation="relu", depth_multiplier=2),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("weights", [tuple(w.shape) for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images[:24], labels[:24], batch_size=8, epochs=4, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("probs", r(model.predict(images[24:27], verbose=0)))
    print("evaluate", r(model.evaluate(images[24:], labels[24:], verbose=0)))


if __name__ == "__main__":
    main()
