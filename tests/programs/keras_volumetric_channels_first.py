"""A Keras program, written for Keras 3: a small 3D encoder-decoder for volumes (as in keras.io's 3D CT-scan
classification) written entirely in data_format="channels_first" — Conv3D with strides and dilation,
Conv3DTranspose with output_padding, MaxPooling3D / AveragePooling3D, ZeroPadding3D and Cropping3D with per-axis
amounts, UpSampling3D, GroupNormalization over the channel axis, SpatialDropout3D, GlobalMaxPooling3D and
GlobalAveragePooling3D (keepdims) — checked layer by layer against its output shapes, then trained with two
outputs (a reconstruction and a class). Real Keras and deepgrad print the same."""
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
    rng = np.random.default_rng(17)
    volumes = rng.random((2, 2, 6, 8, 8)).astype("float32")
    cf = dict(data_format="channels_first")
    for layer in (layers.ZeroPadding3D(((1, 0), (0, 2), 1), **cf), layers.Cropping3D(((1, 1), (2, 0), (0, 3)), **cf),
                  layers.UpSampling3D((1, 2, 2), **cf), layers.MaxPooling3D((2, 2, 2), **cf),
                  layers.AveragePooling3D((3, 2, 2), strides=(1, 2, 2), padding="same", **cf),
                  layers.GlobalMaxPooling3D(keepdims=True, **cf), layers.GlobalAveragePooling3D(**cf),
                  layers.Conv3D(3, 3, padding="same", dilation_rate=(1, 2, 2), **cf),
                  layers.Conv3D(3, (2, 3, 3), strides=2, **cf),
                  layers.Conv3DTranspose(3, 3, strides=2, padding="same", output_padding=(0, 1, 1), **cf),
                  layers.Conv3DTranspose(2, (2, 2, 3), strides=(1, 2, 1), **cf),
                  layers.GroupNormalization(groups=2, axis=1), layers.SpatialDropout3D(0.5, **cf)):
        out = layer(volumes)
        if layer.weights:
            seeded(layer, 3)
            out = layer(volumes)
        show(f"{layer.name} {tuple(layer.compute_output_shape(volumes.shape))}", out)

    inputs = keras.Input((2, 6, 8, 8), name="volume")
    h = layers.Conv3D(4, 3, padding="same", activation="relu", **cf)(inputs)
    h = layers.GroupNormalization(groups=2, axis=1)(h)
    h = layers.MaxPooling3D(2, **cf)(h)
    code = layers.Conv3D(6, 3, padding="same", activation="relu", **cf)(h)
    h = layers.Conv3DTranspose(4, 2, strides=2, **cf)(code)
    recon = layers.Conv3D(2, 1, activation="sigmoid", name="recon", **cf)(h)
    pooled = layers.GlobalAveragePooling3D(**cf)(code)
    label = layers.Dense(1, activation="sigmoid", name="label")(pooled)
    model = keras.Model(inputs, {"recon": recon, "label": label})
    seeded(model, 11)
    model.summary(line_length=100)
    data = rng.random((16, 2, 6, 8, 8)).astype("float32")
    target = (data[:, 0].mean(axis=(1, 2, 3)) > data[:, 1].mean(axis=(1, 2, 3))).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss={"recon": "mse", "label": "binary_crossentropy"},
                  loss_weights={"recon": 2.0, "label": 0.5}, metrics={"label": ["accuracy"]})
    history = model.fit(data, {"recon": data, "label": target}, epochs=3, batch_size=4, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 5).tolist())
    out = model.predict(data[:2], verbose=0)
    show("predict recon", out["recon"])
    show("predict label", out["label"])
    print("evaluate", {k: round(float(v), 5) for k, v in model.evaluate(data, {"recon": data, "label": target},
                                                                       verbose=0, return_dict=True).items()})
