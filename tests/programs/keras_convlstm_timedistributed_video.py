"""A Keras program, written for Keras 3: a small next-frame video model of the kind keras.io builds — ConvLSTM1D
and ConvLSTM2D with strides, dilation, valid and same padding, return_state, go_backwards and channels_first,
TimeDistributed over Conv2D / MaxPooling2D / Flatten, shapes and parameter counts, then a short fit; the
weights are set from NumPy so Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def fill(layer, seed, scale=0.2):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, scale, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    rng = np.random.default_rng(12)
    video = rng.uniform(0, 1, (2, 4, 6, 6, 2)).astype("float32")
    sequence = rng.normal(size=(2, 5, 8, 3)).astype("float32")

    c1 = layers.ConvLSTM1D(4, 3, strides=2, padding="valid", return_sequences=True)
    c1(sequence)
    fill(c1, 1)
    out = c1(sequence)
    print("convlstm1d strides", tuple(out.shape), r(out[0, -1, :, 0]))
    c1d = layers.ConvLSTM1D(2, 3, dilation_rate=2, padding="same", return_state=True, go_backwards=True)
    outs = c1d(sequence)
    fill(c1d, 2)
    outs = c1d(sequence)
    print("convlstm1d dilated states", [tuple(o.shape) for o in outs], r(outs[2][1, :, 1]))

    c2 = layers.ConvLSTM2D(3, (3, 3), padding="same", return_sequences=True, return_state=True)
    seq, h, c = c2(video)
    fill(c2, 3)
    seq, h, c = c2(video)
    print("convlstm2d", tuple(seq.shape), tuple(h.shape), tuple(c.shape))
    print("convlstm2d last", r(h[0, 2, :, 0]), r(c[1, 0, :3, 2]))
    print("convlstm2d weights", [(w.name, tuple(w.shape)) for w in c2.weights])

    first = np.transpose(video, (0, 1, 4, 2, 3))
    cf = layers.ConvLSTM2D(2, 3, data_format="channels_first", padding="valid")
    out = cf(first)
    fill(cf, 4)
    out = cf(first)
    print("channels_first", tuple(out.shape), r(out[0, 1, 1]))

    td_conv = layers.TimeDistributed(layers.Conv2D(4, 3, activation="relu"))
    out = td_conv(video)
    fill(td_conv, 5)
    out = td_conv(video)
    print("td conv", tuple(out.shape), r(out[1, 2, 0, :, 3]))
    print("td pool", tuple(layers.TimeDistributed(layers.MaxPooling2D())(out).shape))

    inputs = keras.Input((None, 6, 6, 2))
    h = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)(inputs)
    h = layers.BatchNormalization()(h)
    h = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)(h)
    outputs = layers.Conv3D(2, 3, padding="same", activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    for k, layer in enumerate(model.layers):
        if layer.get_weights() and not isinstance(layer, layers.BatchNormalization):
            fill(layer, 10 + k, 0.15)
    print("model params", model.count_params(), [layer.count_params() for layer in model.layers])
    print("model shapes", [tuple(layer.output.shape) for layer in model.layers[1:]])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    target = np.roll(video, -1, axis=1)
    history = model.fit(video, target, batch_size=1, epochs=2, shuffle=False, verbose=0)
    print("fit", r(history.history["loss"]))
    print("predict", r(model.predict(video[:1], verbose=0)[0, -1, 2, :3, 0]))

    frames = keras.Input((4, 6, 6, 2))
    f = layers.TimeDistributed(layers.Conv2D(3, 3))(frames)
    f = layers.TimeDistributed(layers.Flatten())(f)
    f = layers.LSTM(5)(f)
    classifier = keras.Model(frames, layers.Dense(3, activation="softmax")(f))
    for k, layer in enumerate(classifier.layers):
        if layer.get_weights():
            fill(layer, 30 + k, 0.1)
    print("classifier", [layer.name for layer in classifier.layers], classifier.count_params())
    print("classifier predict", r(classifier.predict(video, verbose=0)))


if __name__ == "__main__":
    main()
