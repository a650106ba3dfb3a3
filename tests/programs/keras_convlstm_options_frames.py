"""A Keras program, written for Keras 3: short clips of frames through convolutional recurrent layers with the
options a video model's author changes: ConvLSTM1D with padding "same", dilation and return_state; ConvLSTM2D with
strides, go_backwards, recurrent_dropout at inference and channels_first data; TimeDistributed over Conv2D and
MaxPooling2D feeding a ConvLSTM2D, a ConvLSTM3D on tiny volumes, and a frame-prediction model trained with fit.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.3):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def fmt(a, digits=4):
    return np.round(keras.ops.convert_to_numpy(a).astype("float64"), digits).tolist()


def main():
    rng = np.random.default_rng(13)
    signal = rng.normal(size=(2, 4, 7, 2)).astype("float32")
    inputs = keras.Input((4, 7, 2))
    seq, h, c = layers.ConvLSTM1D(3, 3, padding="same", dilation_rate=2, return_sequences=True, return_state=True,
                                  name="conv1d_lstm")(inputs)
    model = keras.Model(inputs, [seq, h, c])
    set_weights(model, 1)
    print("convlstm1d shapes", [tuple(t.shape) for t in (seq, h, c)],
          [tuple(w.shape) for w in model.get_layer("conv1d_lstm").weights])
    s, hh, cc = model.predict(signal, verbose=0)
    print("convlstm1d", fmt(s[0, -1, :, 0]), np.allclose(s[:, -1], hh), fmt(cc[1, 3]))

    frames = rng.normal(size=(2, 3, 6, 6, 2)).astype("float32")
    inputs = keras.Input((3, 6, 6, 2))
    out = layers.ConvLSTM2D(2, (3, 3), strides=2, go_backwards=True, recurrent_dropout=0.5, name="strided")(inputs)
    model = keras.Model(inputs, out)
    set_weights(model, 2)
    got = model.predict(frames, verbose=0)
    print("strided backwards", got.shape, fmt(got[0, :, :, 1]))
    print("recurrent dropout off", np.allclose(model.predict(frames, verbose=0), got))

    first = np.transpose(frames, (0, 1, 4, 2, 3))
    inputs = keras.Input((3, 2, 6, 6))
    out = layers.ConvLSTM2D(2, (3, 3), padding="same", data_format="channels_first", return_sequences=True,
                            name="cf")(inputs)
    cf_model = keras.Model(inputs, out)
    set_weights(cf_model, 3)
    last_model = keras.Sequential([keras.Input((3, 6, 6, 2)),
                                   layers.ConvLSTM2D(2, (3, 3), padding="same", return_sequences=True)])
    last_model.set_weights(cf_model.get_weights())
    cf_out = cf_model.predict(first, verbose=0)
    print("channels_first", cf_out.shape, np.allclose(np.transpose(cf_out, (0, 1, 3, 4, 2)),
                                                      last_model.predict(frames, verbose=0), atol=1e-5))
    print("cf values", fmt(cf_out[1, 2, 0, 2]))

    clip = keras.Input((3, 8, 8, 1), name="clip")
    x = layers.TimeDistributed(layers.Conv2D(4, 3, padding="same", activation="relu"), name="td_conv")(clip)
    x = layers.TimeDistributed(layers.MaxPooling2D(2), name="td_pool")(x)
    x = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, name="rec")(x)
    x = layers.TimeDistributed(layers.Conv2DTranspose(1, 2, strides=2), name="td_up")(x)
    predictor = keras.Model(clip, x)
    set_weights(predictor, 4)
    print("predictor shapes", [(l.name, tuple(l.output.shape)) for l in predictor.layers[1:]])
    t = np.linspace(0, 1, 8, dtype="float32")
    moving = np.stack([np.stack([np.exp(-((t[:, None] - 0.2 - 0.15 * k - s) ** 2 + (t[None] - 0.5) ** 2) * 20)
                                 for k in range(4)]) for s in (0.0, 0.1, 0.05, 0.15)]).astype("float32")[..., None]
    x_clip, y_clip = moving[:, :3], moving[:, 1:]
    predictor.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = predictor.fit(x_clip, y_clip, batch_size=2, epochs=3, shuffle=False, verbose=0)
    print("predictor loss", ["%.5f" % v for v in history.history["loss"]])
    print("predicted frame", fmt(predictor.predict(x_clip[:1], verbose=0)[0, -1, 3, :, 0]))

    volumes = rng.normal(size=(1, 2, 4, 4, 4, 1)).astype("float32")
    inputs = keras.Input((2, 4, 4, 4, 1))
    out = layers.ConvLSTM3D(2, 2, padding="valid", name="vol")(inputs)
    vol_model = keras.Model(inputs, out)
    set_weights(vol_model, 5)
    print("convlstm3d", tuple(out.shape), fmt(vol_model.predict(volumes, verbose=0)[0, 1, 1, :, 0]))
    config = predictor.get_layer("rec").get_config()
    print("config", config["filters"], config["kernel_size"], config["padding"], config["return_sequences"],
          config["recurrent_activation"])


if __name__ == "__main__":
    main()
