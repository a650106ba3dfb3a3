"""A Keras program, written for Keras 3: recurrent structure. `RNN` over a list of cells (an implicit
`StackedRNNCells`) with `return_state=True` and `return_sequences=True`, `StackedRNNCells` of LSTM, GRU and
SimpleRNN cells with their nested states, `Bidirectional(merge_mode=None)` returning two outputs that are joined
later, `TimeDistributed` wrapping a small functional model over frames, `ConvLSTM1D` on sequences of signals, and
a model trained by `fit` on these, its `summary()` and reloaded `.keras` file."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def fill(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(2604)
    seq = rng.normal(size=(4, 5, 3)).astype("float32")

    inputs = keras.Input((5, 3))
    stacked = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3), layers.SimpleRNNCell(2)], return_state=True,
                         return_sequences=True, name="cells")
    outputs = stacked(inputs)
    print("stacked outputs", len(outputs), [tuple(t.shape) for t in keras.tree.flatten(outputs)])
    model = keras.Model(inputs, outputs)
    fill(model, 1)
    values = model.predict(seq, verbose=0)
    print("sequence", r(values[0][0, -1]), "states", [r(s[0]) for s in keras.tree.flatten(values[1:])])
    cell = layers.StackedRNNCells([layers.GRUCell(3, reset_after=False), layers.LSTMCell(2)])
    print("state sizes", cell.state_size, "output size", cell.output_size)
    again = layers.RNN(cell, return_state=True, go_backwards=True)
    out = again(seq)
    fill_init = np.random.default_rng(2)
    again.set_weights([fill_init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in again.get_weights()])
    out = again(seq)
    print("backwards", r(out[0][1]), "nested", [r(s[1]) for s in keras.tree.flatten(out[1:])])

    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode=None, name="bi")
    forward, backward = bi(seq)
    print("bidirectional none", tuple(forward.shape), tuple(backward.shape))

    frame_in = keras.Input((6, 6, 1))
    frame_features = layers.GlobalMaxPooling2D()(layers.Conv2D(3, 3, activation="relu")(frame_in))
    frame_model = keras.Model(frame_in, frame_features, name="frame_model")
    video_in = keras.Input((4, 6, 6, 1), name="video")
    per_frame = layers.TimeDistributed(frame_model, name="frames")(video_in)
    fwd, bwd = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=None, name="bi_lstm")(
        per_frame)
    joined = layers.Concatenate(name="join")([layers.GlobalAveragePooling1D()(fwd), bwd[:, 0]])
    signal_in = keras.Input((4, 8, 2), name="signal")
    conv = layers.ConvLSTM1D(3, 3, padding="same", return_sequences=False, name="conv_lstm")(signal_in)
    merged = layers.Concatenate(name="merge")([joined, layers.Flatten()(conv)])
    score = layers.Dense(1, activation="sigmoid", name="score")(merged)
    video = keras.Model({"video": video_in, "signal": signal_in}, score, name="video_model")
    fill(video, 3)
    video.summary(line_length=100)
    clips = rng.uniform(size=(24, 4, 6, 6, 1)).astype("float32")
    signals = rng.normal(size=(24, 4, 8, 2)).astype("float32")
    labels = (clips.mean(axis=(1, 2, 3, 4)) + 0.1 * signals[:, -1, :, 0].mean(axis=1) > 0.5).astype("float32")
    video.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = video.fit({"video": clips, "signal": signals}, labels, batch_size=6, epochs=3, verbose=0,
                        shuffle=False)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("predict", r(video.predict({"video": clips[:3], "signal": signals[:3]}, verbose=0)[:, 0]))
    video.save("video.keras")
    loaded = keras.models.load_model("video.keras")
    print("reloaded layers", [layer.name for layer in loaded.layers])
    print("reloaded evaluate", r(loaded.evaluate({"video": clips, "signal": signals}, labels, verbose=0)))
    inner = loaded.get_layer("frames").layer
    print("inner", type(inner).__name__, inner.name, [tuple(w.shape) for w in inner.weights])


if __name__ == "__main__":
    main()
