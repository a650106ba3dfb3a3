"""A Keras program, written for Keras 3: the layer aliases and 3-D layers that are rarely printed. `AvgPool1D`,
`MaxPool1D`, `MaxPool3D`, `AvgPool3D`, `GlobalMaxPool1D(keepdims=True)`, `GlobalAvgPool3D`, `Convolution3D`,
`Convolution3DTranspose`, `SeparableConvolution2D`, `Convolution2DTranspose`, `Cropping3D`, `UpSampling3D`,
`ZeroPadding1D`, `AdaptiveMaxPooling3D`, `AdaptiveAveragePooling1D`, an explicit `InputLayer` in a Sequential, their
shapes, configs and `summary()`, and a 3-D volume classifier and a 1-D sequence model trained through `fit`."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2709)
    seq = rng.normal(size=(2, 9, 3)).astype("float32")
    vol = rng.normal(size=(2, 6, 6, 6, 2)).astype("float32")
    img = rng.normal(size=(2, 5, 5, 3)).astype("float32")
    probes = [
        ("AvgPool1D", layers.AvgPool1D(3, strides=2, padding="same"), seq),
        ("MaxPool1D", layers.MaxPool1D(2), seq),
        ("GlobalMaxPool1D", layers.GlobalMaxPool1D(keepdims=True), seq),
        ("ZeroPadding1D", layers.ZeroPadding1D((1, 2)), seq),
        ("AdaptiveAveragePooling1D", layers.AdaptiveAveragePooling1D(4), seq),
        ("MaxPool3D", layers.MaxPool3D(2, strides=(2, 1, 2)), vol),
        ("AvgPool3D", layers.AvgPool3D(3, padding="same"), vol),
        ("GlobalAvgPool3D", layers.GlobalAvgPool3D(), vol),
        ("Cropping3D", layers.Cropping3D(((1, 0), (0, 2), (1, 1))), vol),
        ("UpSampling3D", layers.UpSampling3D((1, 2, 1)), vol[:, :2, :2, :2]),
        ("AdaptiveMaxPooling3D", layers.AdaptiveMaxPooling3D((2, 3, 2)), vol),
    ]
    for name, layer, data in probes:
        out = layer(data)
        print(name, type(layer).__name__, tuple(out.shape), r(ops.sum(out), 4), r(ops.reshape(out, (-1,))[:3], 4))
    for name, layer, data in [
            ("Convolution3D", layers.Convolution3D(3, 2, strides=2), vol),
            ("Convolution3DTranspose", layers.Convolution3DTranspose(2, 2, strides=2, padding="same"), vol),
            ("SeparableConvolution2D", layers.SeparableConvolution2D(4, 3, depth_multiplier=2), img),
            ("Convolution2DTranspose", layers.Convolution2DTranspose(2, 3, strides=2, output_padding=1), img)]:
        out = layer(data)
        print(name, type(layer).__name__, tuple(out.shape), [tuple(w.shape) for w in layer.weights],
              sorted(layer.get_config())[:8])

    volumes = rng.normal(size=(16, 6, 6, 6, 1)).astype("float32")
    labels = (volumes[:, :3].mean(axis=(1, 2, 3, 4)) > volumes[:, 3:].mean(axis=(1, 2, 3, 4))).astype("int32")
    keras.utils.set_random_seed(2709)
    model = keras.Sequential([
        layers.InputLayer(shape=(6, 6, 6, 1), name="volume"),
        layers.Convolution3D(4, 3, padding="same", activation="relu"),
        layers.MaxPool3D(2),
        layers.Convolution3DTranspose(2, 2, strides=2),
        layers.Cropping3D(1),
        layers.AvgPool3D(2),
        layers.GlobalAvgPool3D(),
        layers.Dense(2),
    ], name="volumes")
    model.summary()
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(volumes, labels, batch_size=4, epochs=3, verbose=0, shuffle=False)
    print("volume fit", r(history.history["loss"], 4), r(history.history["accuracy"], 4))

    series = rng.normal(size=(24, 12, 2)).astype("float32")
    target = series[:, ::2, 0].sum(axis=1, keepdims=True).astype("float32")
    keras.utils.set_random_seed(2709)
    seq_model = keras.Sequential([
        keras.Input((12, 2)),
        layers.ZeroPadding1D(1),
        layers.Convolution1D(4, 3, activation="relu"),
        layers.MaxPool1D(2),
        layers.AvgPool1D(2, strides=1, padding="same"),
        layers.GlobalMaxPool1D(),
        layers.Dense(1),
    ], name="series")
    seq_model.summary()
    seq_model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse")
    history = seq_model.fit(series, target, batch_size=6, epochs=3, verbose=0, shuffle=False)
    print("series fit", r(history.history["loss"], 4), r(seq_model.predict(series[:2], verbose=0)[:, 0], 4))


if __name__ == "__main__":
    main()
