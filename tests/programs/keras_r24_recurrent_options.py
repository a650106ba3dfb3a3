"""A Keras program, written for Keras 3: the recurrent layers' options in trained models — an encoder LSTM with
return_state feeding a decoder LSTM's initial_state (teacher forcing, fitted) through TimeDistributed(Dense), the
go_backwards and unroll=True variants beside the plain layer (outputs compared), Masking before a stack of
Bidirectional layers with merge_mode "ave" and "mul" (and None, returning two sequences), a custom cell with two
states in RNN(return_sequences=True, return_state=True), StackedRNNCells of a GRUCell and a SimpleRNNCell, and a
stateful GRU fed in chunks with reset_states. Weights are set from NumPy, so real Keras and deepgrad print the
same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


def seeded(model, rng, scale=0.4):
    model.set_weights([rng.uniform(-scale, scale, w.shape).astype("float32") for w in model.get_weights()])


class LeakyPairCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent = self.add_weight(shape=(self.units, self.units), name="recurrent")

    def call(self, inputs, states):
        fast, slow = states
        fast = ops.tanh(ops.matmul(inputs, self.kernel) + ops.matmul(fast, self.recurrent))
        slow = 0.8 * slow + 0.2 * fast
        return fast + slow, [fast, slow]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def main():
    rng = np.random.default_rng(2406)
    init = np.random.default_rng(6)

    src = rng.normal(size=(24, 6, 3)).astype("float32")
    tgt = np.cumsum(src[:, ::-1, :2], axis=1).astype("float32") * 0.3
    dec_in = np.concatenate([np.zeros((24, 1, 2), "float32"), tgt[:, :-1]], axis=1)
    enc_inp = keras.Input((6, 3), name="src")
    dec_inp = keras.Input((6, 2), name="dec")
    _, h, c = layers.LSTM(8, return_state=True, name="encoder")(enc_inp)
    dec = layers.LSTM(8, return_sequences=True, name="decoder")(dec_inp, initial_state=[h, c])
    out = layers.TimeDistributed(layers.Dense(2), name="per_step")(dec)
    seq2seq = keras.Model([enc_inp, dec_inp], out, name="seq2seq")
    seeded(seq2seq, init)
    seq2seq.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = seq2seq.fit([src, dec_in], tgt, batch_size=8, epochs=4, verbose=0, shuffle=False)
    print("seq2seq", r(history.history["loss"]), r(seq2seq.evaluate([src, dec_in], tgt, verbose=0)))

    plain = layers.LSTM(5, return_sequences=True, name="plain")
    backwards = layers.LSTM(5, return_sequences=True, go_backwards=True, name="backwards")
    unrolled = layers.LSTM(5, return_sequences=True, unroll=True, name="unrolled")
    for layer in (plain, backwards, unrolled):
        layer(src[:2])
        layer.set_weights(plain.get_weights() if layer is not plain else
                          [init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
    print("unroll equal", bool(np.allclose(ops.convert_to_numpy(plain(src[:4])),
                                           ops.convert_to_numpy(unrolled(src[:4])), atol=1e-6)))
    print("go_backwards last", r(backwards(src[:2])[:, -1]), "plain on reversed",
          r(plain(src[:2, ::-1])[:, -1]))

    padded = src.copy()
    padded[::3, 4:] = 0.0
    labels = (padded.sum(axis=(1, 2)) > 0).astype("float32")
    masked = keras.Sequential([keras.Input((6, 3)), layers.Masking(0.0),
                               layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode="ave"),
                               layers.Bidirectional(layers.GRU(3), merge_mode="mul"),
                               layers.Dense(1, activation="sigmoid")], name="masked")
    seeded(masked, init)
    masked.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = masked.fit(padded, labels, batch_size=6, epochs=3, verbose=0, shuffle=False)
    print("masked", r(history.history["loss"]), r(history.history["accuracy"]))
    print("masked predict", r(masked.predict(padded[:4], verbose=0).ravel()))
    both = layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode=None, name="both")
    forward, backward = both(src[:2])
    print("merge None", tuple(forward.shape), tuple(backward.shape))

    cell_rnn = layers.RNN(LeakyPairCell(4), return_sequences=True, return_state=True, name="pair")
    seqs, fast, slow = cell_rnn(src[:3])
    seeded(cell_rnn, init)
    seqs, fast, slow = cell_rnn(src[:3])
    print("custom cell", tuple(seqs.shape), r(fast[0]), r(slow[0]))
    stacked = layers.RNN(layers.StackedRNNCells([layers.GRUCell(4), layers.SimpleRNNCell(3)]), name="stacked")
    model = keras.Sequential([keras.Input((6, 3)), stacked, layers.Dense(1)], name="stacked_model")
    seeded(model, init)
    model.compile(optimizer="sgd", loss="mae")
    history = model.fit(src, src[:, -1, :1], batch_size=8, epochs=3, verbose=0, shuffle=False)
    print("stacked", [w.path for w in model.weights][:4], r(history.history["loss"]))

    stateful = keras.Sequential([keras.Input((3, 3), batch_size=2), layers.GRU(4, stateful=True, name="sgru"),
                                 layers.Dense(1)], name="stateful")
    seeded(stateful, init)
    first = stateful.predict(src[:2, :3], verbose=0)
    second = stateful.predict(src[:2, 3:], verbose=0)
    stateful.get_layer("sgru").reset_states()
    fresh = stateful.predict(src[:2, 3:], verbose=0)
    print("stateful", r(first.ravel()), r(second.ravel()), r(fresh.ravel()))
    print("state after reset run", r(stateful.get_layer("sgru").states[0][0]))


if __name__ == "__main__":
    main()
