"""A Keras program, written for Keras 3: the one-dimensional convolution family on sensor-like sequences — Conv1D
with causal padding and dilation (a WaveNet-style stack), DepthwiseConv1D with a depth multiplier, SeparableConv1D,
Conv1DTranspose with strides, output_padding and dilation, ZeroPadding1D, Cropping1D, UpSampling1D and the 1D
pools and global pools in data_format="channels_first" as well as channels_last — then a small classifier and a
Conv1DTranspose decoder trained on the same data. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def show(name, value):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 5), np.round(value.ravel()[:3], 5).tolist())


def main():
    rng = np.random.default_rng(2)
    series = rng.standard_normal((3, 20, 4)).astype("float32")
    first = np.transpose(series, (0, 2, 1))
    cf = dict(data_format="channels_first")
    cases = [
        (layers.Conv1D(5, 3, padding="causal", dilation_rate=2), series),
        (layers.Conv1D(5, 4, strides=2, padding="same", **cf), first),
        (layers.DepthwiseConv1D(3, depth_multiplier=2, padding="same"), series),
        (layers.DepthwiseConv1D(5, strides=2, dilation_rate=1, **cf), first),
        (layers.SeparableConv1D(6, 3, depth_multiplier=2, padding="same", activation="relu"), series),
        (layers.SeparableConv1D(3, 3, dilation_rate=2, **cf), first),
        (layers.Conv1DTranspose(3, 3, strides=2), series),
        (layers.Conv1DTranspose(3, 4, strides=3, padding="same", output_padding=1), series),
        (layers.Conv1DTranspose(2, 3, dilation_rate=2, **cf), first),
        (layers.ZeroPadding1D((2, 1)), series), (layers.Cropping1D((3, 2)), series),
        (layers.UpSampling1D(3), series),
        (layers.MaxPooling1D(3, strides=2, padding="same", **cf), first),
        (layers.AveragePooling1D(4, **cf), first),
        (layers.GlobalMaxPooling1D(**cf), first), (layers.GlobalAveragePooling1D(keepdims=True, **cf), first),
    ]
    for layer, x in cases:
        out = layer(x)
        if layer.weights:
            seeded(layer, 5)
            out = layer(x)
        show(f"{layer.__class__.__name__} {tuple(layer.compute_output_shape(x.shape))}", out)
        print("  weights", [tuple(w.shape) for w in layer.weights])

    x = rng.standard_normal((48, 32, 2)).astype("float32")
    y = (np.abs(np.fft.rfft(x[:, :, 0], axis=1))[:, 6:10].sum(axis=1) > 9).astype("int32")
    inputs = keras.Input((32, 2))
    h = inputs
    for rate in (1, 2, 4):
        h = layers.Conv1D(6, 2, padding="causal", dilation_rate=rate, activation="tanh")(h)
    h = layers.SeparableConv1D(8, 3, padding="same", activation="relu")(h)
    h = layers.DepthwiseConv1D(3, strides=2)(h)
    code = layers.GlobalAveragePooling1D()(h)
    label = layers.Dense(2, name="label")(code)
    model = keras.Model(inputs, label)
    seeded(model, 7)
    model.compile(optimizer=keras.optimizers.RMSprop(0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)
    print("classifier", np.round(history.history["loss"], 5).tolist(),
          np.round(history.history["accuracy"], 4).tolist())

    decoder = keras.Sequential([keras.Input((8, 3)), layers.Conv1DTranspose(4, 3, strides=2, padding="same"),
                                layers.Conv1DTranspose(2, 3, strides=2, padding="same", output_padding=1),
                                layers.Cropping1D((1, 1)), layers.ZeroPadding1D((1, 1))])
    seeded(decoder, 13)
    codes = rng.standard_normal((16, 8, 3)).astype("float32")
    decoder.compile(optimizer="adam", loss="mse")
    history = decoder.fit(codes, x[:16], epochs=3, batch_size=8, shuffle=False, verbose=0)
    print("decoder", decoder.output_shape, np.round(history.history["loss"], 5).tolist())
