"""A Keras program, written for Keras 3: image augmentation layers in a keras.io-style preprocessing pipeline,
checked where their output is fixed — every random layer at inference (the identity, or RandomCrop's centre crop),
and in training with degenerate factor ranges that leave nothing to chance (RandomRotation, RandomZoom,
RandomTranslation and RandomBrightness with equal bounds, RandomGrayscale with factor 1, RandomInvert with factor
(1, 1)) — plus the deterministic AutoContrast, Equalization, Rescaling, CenterCrop and Resizing, inside keras.Sequential and the
keras.layers.Pipeline, in channels_last and channels_first. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def show(name, value):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 3), np.round(value.ravel()[:4], 4).tolist())


def main():
    rng = np.random.default_rng(29)
    images = (rng.random((2, 10, 12, 3)) * 255).astype("float32")
    first = np.transpose(images, (0, 3, 1, 2))
    random_layers = [layers.RandomFlip("horizontal_and_vertical", seed=1), layers.RandomRotation(0.2, seed=1),
                     layers.RandomZoom(0.3, seed=1), layers.RandomTranslation(0.2, 0.2, seed=1),
                     layers.RandomContrast(0.5, seed=1), layers.RandomBrightness(0.3, seed=1),
                     layers.RandomCrop(6, 8, seed=1), layers.RandomGrayscale(0.5, seed=1)]
    for layer in random_layers:
        show(f"inference {layer.name}", layer(images, training=False))
    show("crop first", layers.RandomCrop(6, 8, data_format="channels_first")(first, training=False))

    fixed = [("rotation", layers.RandomRotation((0.05, 0.05), fill_mode="constant")),
             ("rotation reflect", layers.RandomRotation((-0.1, -0.1), fill_mode="reflect", interpolation="nearest")),
             ("zoom in", layers.RandomZoom((-0.2, -0.2))),
             ("zoom out", layers.RandomZoom((0.25, 0.25), (0.1, 0.1), fill_mode="constant", fill_value=7.0)),
             ("translate", layers.RandomTranslation((0.1, 0.1), (-0.2, -0.2), fill_mode="nearest")),
             ("brightness", layers.RandomBrightness((0.2, 0.2))),
             ("grayscale", layers.RandomGrayscale(1.0)),
             ("invert", layers.RandomInvert((1.0, 1.0), value_range=(0, 255)))]
    for name, layer in fixed:
        show(f"training {name}", layer(images, training=True))
    show("training rotation first", layers.RandomRotation((0.05, 0.05), data_format="channels_first")(first,
                                                                                                   training=True))
    show("autocontrast", layers.AutoContrast(value_range=(0, 255))(images * 0.5 + 40))
    show("equalization", layers.Equalization(value_range=(0, 255))(images))
    show("equalization bins", layers.Equalization(value_range=(0, 255), bins=16)(images))

    pipeline = layers.Pipeline([layers.Rescaling(1 / 255.0), layers.CenterCrop(8, 8),
                                layers.Resizing(6, 6, interpolation="bilinear"),
                                layers.RandomRotation((0.1, 0.1))])
    show("pipeline train", pipeline(images, training=True))
    show("pipeline infer", pipeline(images, training=False))
    print("pipeline config", [l["class_name"] for l in pipeline.get_config()["layers"]])

    augment = keras.Sequential([layers.Rescaling(1 / 127.5, offset=-1.0), layers.RandomFlip("horizontal"),
                                layers.RandomZoom(0.1)], name="augment")
    inputs = keras.Input((10, 12, 3))
    h = augment(inputs)
    h = layers.Conv2D(4, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling2D()(h)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, out)
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    data = (rng.random((12, 10, 12, 3)) * 255).astype("float32")
    show("model predict", model.predict(data, verbose=0))
    print("evaluate", round(float(model.compile(loss="binary_crossentropy") or model.evaluate(
        data, (data.mean(axis=(1, 2, 3)) > 127).astype("float32"), verbose=0)), 5))
