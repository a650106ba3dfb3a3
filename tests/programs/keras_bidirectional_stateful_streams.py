"""A Keras program, written for Keras 3: recurrent layers carried across calls. A Bidirectional LSTM returning
its states under every merge_mode (None gives two sequences, "ave", "mul", "sum", "concat"), a Bidirectional GRU
with an explicit backward_layer and initial states for both directions, a go_backwards SimpleRNN, and a stateful
GRU that streams a long series in chunks, whose states are read, reset with reset_states and compared with the
one-shot result; then a stateful model is stepped batch by batch and evaluated. The weights start from the same
NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.5):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def fmt(a, digits=5):
    return np.round(keras.ops.convert_to_numpy(a).astype("float64"), digits).tolist()


def main():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 5, 3)).astype("float32")

    for mode in [None, "ave", "mul", "sum", "concat"]:
        inputs = keras.Input((5, 3))
        bi = layers.Bidirectional(layers.LSTM(3, return_sequences=True, return_state=True), merge_mode=mode)
        outs = bi(inputs)
        model = keras.Model(inputs, outs)
        set_weights(model, 1)
        got = model.predict(x, verbose=0)
        print("merge", mode, len(got), [tuple(o.shape) for o in got], fmt(got[0][1, -1], 4))

    inputs = keras.Input((5, 3))
    h_fwd, h_bwd = keras.Input((4,)), keras.Input((4,))
    forward = layers.GRU(4, return_sequences=True, name="fwd_gru")
    backward = layers.GRU(4, return_sequences=True, go_backwards=True, name="bwd_gru")
    bi = layers.Bidirectional(forward, backward_layer=backward, name="bi_gru")
    seq = bi(inputs, initial_state=[h_fwd, h_bwd])
    model = keras.Model([inputs, h_fwd, h_bwd], seq)
    set_weights(model, 2)
    print("bi gru weights", [w.path for w in model.weights])
    starts = [np.full((2, 4), 0.3, "float32"), np.full((2, 4), -0.2, "float32")]
    with_state = model.predict([x] + starts, verbose=0)
    zero_state = model.predict([x, np.zeros((2, 4), "float32"), np.zeros((2, 4), "float32")], verbose=0)
    print("bi gru", with_state.shape, fmt(with_state[0, 0], 4), fmt(with_state[0, -1], 4))
    print("initial state matters", float(np.abs(with_state - zero_state).max()) > 1e-3)
    config = bi.get_config()
    print("bi config", sorted(config), config["backward_layer"]["config"]["go_backwards"])

    back = layers.SimpleRNN(3, go_backwards=True, return_sequences=True)
    back_model = keras.Sequential([keras.Input((5, 3)), back])
    set_weights(back_model, 3)
    rev = back_model.predict(x, verbose=0)
    fwd = layers.SimpleRNN(3, return_sequences=True)
    fwd_model = keras.Sequential([keras.Input((5, 3)), fwd])
    fwd_model.set_weights(back_model.get_weights())
    print("go_backwards equals reversed", np.allclose(rev, fwd_model.predict(x[:, ::-1], verbose=0), atol=1e-6),
          fmt(rev[1, 0], 4))

    series = np.sin(np.arange(24, dtype="float32") / 3.0).reshape(1, 24, 1)
    series = np.concatenate([series, np.cos(series)], axis=0)
    streamer = keras.Sequential([keras.Input((6, 1), batch_size=2),
                                 layers.GRU(3, stateful=True, return_sequences=True, name="stream")])
    set_weights(streamer, 4)
    chunks = [streamer.predict(series[:, i:i + 6], verbose=0) for i in range(0, 24, 6)]
    gru = streamer.get_layer("stream")
    print("states after stream", fmt(gru.states[0], 4))
    whole = keras.Sequential([keras.Input((24, 1)), layers.GRU(3, return_sequences=True)])
    whole.set_weights(streamer.get_weights())
    print("stream equals whole", np.allclose(np.concatenate(chunks, axis=1), whole.predict(series, verbose=0),
                                             atol=1e-5))
    gru.reset_states()
    print("states reset", fmt(gru.states[0]))
    again = streamer.predict(series[:, :6], verbose=0)
    print("restart equals first chunk", np.allclose(again, chunks[0], atol=1e-6))

    model = keras.Sequential([keras.Input((6, 1), batch_size=2), layers.LSTM(4, stateful=True, name="stateful_lstm"),
                              layers.Dense(1)])
    set_weights(model, 5)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    xs = np.concatenate([series[:, i:i + 6] for i in range(0, 18, 6)], axis=0)
    ys = np.concatenate([series[:, i + 6, :] for i in range(0, 18, 6)], axis=0)
    steps = [model.predict_on_batch(xs[i:i + 2]) for i in range(0, 6, 2)]
    print("stateful steps", [fmt(step[:, 0], 4) for step in steps])
    lstm = model.get_layer("stateful_lstm")
    print("lstm states kept", [tuple(s.shape) for s in lstm.states], fmt(lstm.states[1], 4))
    lstm.reset_state()
    print("evaluate", ["%.5f" % v for v in model.evaluate(xs, ys, batch_size=2, verbose=0)])
    print("after evaluate", fmt(lstm.states[0][0], 4))


if __name__ == "__main__":
    main()
