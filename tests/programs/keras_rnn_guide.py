"""A Keras program, written for Keras 3, in the manner of keras.io's "Working with RNNs" guide: Sequential models of
Embedding + LSTM / GRU / SimpleRNN, return_sequences and return_state, an encoder whose final states start a
decoder (initial_state), Bidirectional with merge_mode 'concat', 'sum' and None, a stateful LSTM fed one chunk
of a long sequence at a time (Input with a fixed batch_size, the states read back and cleared with
reset_state), a hand-written cell in keras.layers.RNN, a cell whose states are nested, the built-in cells in
RNN and StackedRNNCells, unroll=True and go_backwards=True. Weights come from NumPy, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def fmt(values, digits=5):
    """A short text of rounded numbers."""
    return np.round(np.asarray(ops.convert_to_numpy(values), dtype="float64"), digits).tolist()


def seed_weights(owner, seed, scale=0.4):
    """Every weight drawn from one seeded NumPy generator (the same numbers in every library)."""
    rng = np.random.default_rng(seed)
    owner.set_weights([rng.uniform(-scale, scale, size=w.shape).astype("float32") for w in owner.get_weights()])


class LeakyCell(layers.Layer):
    """h' = tanh(x W + h U) mixed with the old h by a fixed leak: one state of `units` numbers."""

    def __init__(self, units, leak=0.25, **kwargs):
        super().__init__(**kwargs)
        self.units, self.leak = units, leak
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="ones",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        previous = states[0]
        fresh = ops.tanh(ops.matmul(inputs, self.kernel) + ops.matmul(previous, self.recurrent_kernel))
        h = self.leak * previous + (1.0 - self.leak) * fresh
        return h, [h]


class TwoClockCell(layers.Layer):
    """A cell with nested states [fast, [slow, count]]: the fast state updates every step, the slow one
    drifts towards it, and the count of steps seen grows by one."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, [units, 1]]
        self.output_size = 2 * units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units)),
                [ops.zeros((batch_size, self.units)), ops.zeros((batch_size, 1))]]

    def call(self, inputs, states):
        fast, (slow, count) = states
        fast = ops.tanh(ops.matmul(inputs, self.kernel) + 0.5 * fast)
        slow = 0.8 * slow + 0.2 * fast
        return ops.concatenate([fast, slow], axis=-1), [fast, [slow, count + 1.0]]


def main():
    rng = np.random.default_rng(11)
    vocab, steps = 20, 7
    words = rng.integers(1, vocab, size=(32, steps))
    labels = (words[:, -1] % 3).astype("int32")          # the class is read off the last word

    for recurrent in (layers.LSTM(6), layers.GRU(6), layers.SimpleRNN(6)):
        model = keras.Sequential([keras.Input((steps,), dtype="int32"), layers.Embedding(vocab, 4), recurrent,
                                  layers.Dense(3)])
        seed_weights(model, 1)
        model.compile(optimizer=keras.optimizers.Adam(0.02),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        history = model.fit(words, labels, batch_size=8, epochs=3, shuffle=False, verbose=0)
        print(type(recurrent).__name__, model.count_params(), [tuple(w.shape) for w in recurrent.get_weights()],
              "loss", fmt(history.history["loss"]), "acc", fmt(history.history["accuracy"]))

    stacked = keras.Sequential([keras.Input((steps,), dtype="int32"), layers.Embedding(vocab, 4),
                                layers.GRU(5, return_sequences=True), layers.SimpleRNN(3)])
    seed_weights(stacked, 2)
    print("stacked", stacked.output_shape, fmt(stacked.predict(words[:2], verbose=0)))

    series = rng.normal(size=(4, 5, 3)).astype("float32")
    lstm = layers.LSTM(4, return_sequences=True, return_state=True)
    lstm(series)
    seed_weights(lstm, 3)
    whole, state_h, state_c = lstm(series)
    print("return_state", tuple(whole.shape), tuple(state_h.shape), tuple(state_c.shape),
          bool(np.allclose(ops.convert_to_numpy(whole[:, -1]), ops.convert_to_numpy(state_h))), fmt(state_c[0]))

    encoder_in = keras.Input((None,), dtype="int32")
    encoded = layers.Embedding(vocab, 4)(encoder_in)
    _, h, c = layers.LSTM(5, return_state=True)(encoded)
    decoder_in = keras.Input((None,), dtype="int32")
    decoded = layers.Embedding(vocab, 4)(decoder_in)
    decoded = layers.LSTM(5, return_sequences=True)(decoded, initial_state=[h, c])
    translation = layers.Dense(vocab)(decoded)
    seq2seq = keras.Model([encoder_in, decoder_in], translation)
    seed_weights(seq2seq, 4)
    source, target = words[:16], np.flip(words[:16], axis=1).copy()
    shifted = np.concatenate([np.zeros((16, 1), "int64"), target[:, :-1]], axis=1)
    seq2seq.compile(optimizer=keras.optimizers.Adam(0.03),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = seq2seq.fit([source, shifted], target, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("seq2seq", [type(l).__name__ for l in seq2seq.layers], "loss", fmt(history.history["loss"]))
    print("seq2seq argmax", np.argmax(seq2seq.predict([source[:2], shifted[:2]], verbose=0), -1).tolist())

    for mode in ("concat", "sum", None):
        wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=mode)
        wrapper(series)
        seed_weights(wrapper, 5)
        out = wrapper(series)
        if mode is None:
            print("bidirectional None", [tuple(o.shape) for o in out], fmt(out[0][0, 0]), fmt(out[1][0, 0]))
        else:
            print("bidirectional", mode, tuple(out.shape), fmt(out[0, -1]))
    both = layers.Bidirectional(layers.GRU(2), merge_mode="sum")
    backward = layers.GRU(2, go_backwards=True)
    both(series)
    backward(series)
    seed_weights(both, 6)
    backward.set_weights(both.backward_layer.get_weights())
    forward = both.forward_layer(series)
    print("sum of directions", fmt(both(series)[1]), fmt(forward[1] + backward(series)[1]))

    batch, chunk = 2, 3
    stream = rng.normal(size=(batch, 3 * chunk, 2)).astype("float32")
    inputs = keras.Input((chunk, 2), batch_size=batch)
    stateful_lstm = layers.LSTM(3, stateful=True)
    chunked = keras.Model(inputs, stateful_lstm(inputs))
    seed_weights(chunked, 7)
    for k in range(3):
        piece = chunked.predict(stream[:, k * chunk:(k + 1) * chunk], batch_size=batch, verbose=0)
        print("stateful chunk", k, fmt(piece[0]), fmt(stateful_lstm.states[1][0]))
    plain = layers.LSTM(3)
    plain(stream)
    plain.set_weights(stateful_lstm.get_weights())
    print("whole stream", fmt(plain(stream)[0]))
    stateful_lstm.reset_state()
    print("after reset_state", fmt(stateful_lstm.states[0]),
          fmt(chunked.predict(stream[:, :chunk], batch_size=batch, verbose=0)[0]))
    stateful_lstm.reset_states()
    print("after reset_states", fmt(stateful_lstm.states[1]), len(stateful_lstm.weights),
          [tuple(s.shape) for s in stateful_lstm.states])

    leaky = layers.RNN(LeakyCell(3), return_sequences=True)
    leaky(series)
    seed_weights(leaky, 8)
    print("custom cell", [w.name for w in leaky.weights], fmt(leaky(series)[1]))
    unrolled = layers.RNN(LeakyCell(3), unroll=True, go_backwards=True)
    unrolled(series)
    unrolled.set_weights(leaky.get_weights())
    reversed_series = np.flip(series, axis=1).copy()
    print("unroll + go_backwards", fmt(unrolled(series)[1]), fmt(leaky(reversed_series)[1, -1]))

    clocks = layers.RNN(TwoClockCell(2), return_state=True)
    clocks(series)
    seed_weights(clocks, 9)
    output, fast, (slow, count) = clocks(series)
    print("nested states", tuple(output.shape), fmt(fast[0]), fmt(slow[0]), fmt(count[:, 0]))

    cells = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_state=True)
    cells(series)
    seed_weights(cells, 10)
    results = cells(series)
    print("stacked cells", len(results), fmt(results[0][0]), [tuple(s.shape) for s in results[1]],
          fmt(results[2][0]))
    as_layer = layers.LSTM(3)
    as_layer(series)
    lstm_cell = layers.RNN(layers.LSTMCell(3))
    lstm_cell(series)
    seed_weights(as_layer, 12)
    lstm_cell.set_weights(as_layer.get_weights())
    print("LSTM == RNN(LSTMCell)", fmt(as_layer(series)[2]), fmt(lstm_cell(series)[2]))

    model = keras.Sequential([keras.Input((5, 3)), layers.RNN(LeakyCell(4), unroll=True),
                              layers.Dense(1)])
    seed_weights(model, 13)
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"])
    targets = series.sum(axis=(1, 2))[:, None]
    history = model.fit(series, targets, batch_size=2, epochs=3, shuffle=False, verbose=0)
    print("custom cell fit", fmt(history.history["loss"]), fmt(history.history["mae"]))


if __name__ == "__main__":
    main()
