"""A Keras program, written for Keras 3: convolutional recurrences over short clips — `ConvLSTM1D` with
`return_state` feeding its states into a second `ConvLSTM1D` as `initial_state`, `ConvLSTM2D` with
`go_backwards`, `padding="same"`, `strides` and `dilation_rate`, `ConvLSTM3D` on a tiny volume,
`TimeDistributed` over a Conv2D/pooling stack inside a nested `Sequential`, then a functional model trained,
summarised with `expand_nested=True, show_trainable=True` (one layer frozen), saved and reloaded."""
import numpy as np

import keras
from keras import layers


def r(value, digits=4):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def fill(model, seed):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        w.assign((rng.uniform(-0.3, 0.3, size=tuple(w.shape))).astype("float32"))


def main():
    rng = np.random.default_rng(291)
    seq1d = rng.normal(size=(2, 5, 7, 3)).astype("float32")
    inputs = keras.Input((5, 7, 3))
    out, h, c = layers.ConvLSTM1D(4, 3, padding="same", return_state=True, name="enc")(inputs)
    dec = layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True, name="dec")(inputs, initial_state=[h, c])
    coupled = keras.Model(inputs, [out, dec])
    fill(coupled, 1)
    a, b = coupled.predict(seq1d, verbose=0)
    print("convlstm1d shapes", a.shape, b.shape, r(a[0, :3, 0]), r(b[1, -1, :3, 1]))

    clips = rng.normal(size=(2, 4, 6, 6, 2)).astype("float32")
    for kwargs in [dict(go_backwards=True), dict(strides=2), dict(dilation_rate=2, padding="same"),
                   dict(return_sequences=True, recurrent_activation="hard_sigmoid", data_format="channels_last")]:
        layer = layers.ConvLSTM2D(3, 3, **kwargs)
        model = keras.Sequential([keras.Input((4, 6, 6, 2)), layer])
        fill(model, 2)
        y = model.predict(clips, verbose=0)
        print("convlstm2d", sorted(kwargs), y.shape, r(y.reshape(-1)[:4]), r(y.sum()))

    volume = rng.normal(size=(1, 3, 4, 4, 4, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3, 4, 4, 4, 1)), layers.ConvLSTM3D(2, 2, return_sequences=True)])
    fill(model, 3)
    y = model.predict(volume, verbose=0)
    print("convlstm3d", y.shape, r(y.sum()), model.count_params())

    keras.utils.set_random_seed(291)
    frame_net = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3, activation="relu", name="fconv"),
                                  layers.MaxPooling2D(2, name="fpool"), layers.Flatten(name="fflat")],
                                 name="frame_net")
    clip_in = keras.Input((4, 6, 6, 2), name="clip")
    per_frame = layers.TimeDistributed(frame_net, name="frames")(clip_in)
    recurrent = layers.ConvLSTM2D(3, 2, padding="same", name="conv_lstm")(clip_in)
    pooled = layers.GlobalAveragePooling2D(name="gap")(recurrent)
    merged = layers.Concatenate(name="merge")([layers.GRU(5, name="gru")(per_frame), pooled])
    output = layers.Dense(1, activation="sigmoid", name="head")(merged)
    model = keras.Model(clip_in, output, name="video")
    model.get_layer("gru").trainable = False
    labels = (clips.mean(axis=(1, 2, 3, 4)) > 0).astype("float32")
    x = np.concatenate([clips] * 8)
    y = np.concatenate([labels] * 8)
    model.compile(keras.optimizers.RMSprop(0.01), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    model.summary(expand_nested=True, show_trainable=True)
    print("trainable", len(model.trainable_weights), "frozen", len(model.non_trainable_weights))
    model.save("video.keras")
    again = keras.models.load_model("video.keras")
    print("reloaded", r(np.abs(again.predict(x[:4], verbose=0) - model.predict(x[:4], verbose=0)).max(), 6),
          again.get_layer("gru").trainable, again.get_layer("frames").layer.name)


if __name__ == "__main__":
    main()
