"""A Keras program, written for Keras 3, after the RNN guide's custom-cell section: a cell whose state_size is a
list of two states of different sizes (a leaky integrator and a gated memory), used through keras.layers.RNN with
return_sequences, return_state, go_backwards, unroll and initial_state; StackedRNNCells
of the custom cell and a GRUCell; a stateful RNN fed in chunks with reset_states; masking from
Embedding(mask_zero=True) through the custom RNN into GlobalAveragePooling1D; then a classifier trained with it.
Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


class LeakyMemoryCell(layers.Layer):
    def __init__(self, units, leak=0.3, **kwargs):
        super().__init__(**kwargs)
        self.units, self.leak = units, leak
        self.state_size = [units, 2 * units]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 3 * self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.recurrent = self.add_weight(shape=(self.units, 3 * self.units), initializer="orthogonal",
                                         name="recurrent")
        self.bias = self.add_weight(shape=(3 * self.units,), initializer="zeros", name="bias")

    def call(self, inputs, states):
        h, memory = states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent) + self.bias
        candidate, gate, out_gate = ops.split(z, 3, axis=-1)
        gate = ops.sigmoid(gate)
        memory = ops.concatenate([gate * ops.tanh(candidate) + (1 - gate) * memory[:, :self.units],
                                  memory[:, self.units:] * (1 - self.leak) + self.leak * h], axis=-1)
        h = ops.sigmoid(out_gate) * ops.tanh(memory[:, :self.units]) + memory[:, self.units:]
        return h, [h, memory]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "leak": self.leak}


def seeded(layer, seed):
    init = np.random.default_rng(seed)
    layer.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()])


def show(name, value):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, np.round(value.ravel()[:4], 5).tolist(), round(float(value.sum()), 4))


def main():
    rng = np.random.default_rng(19)
    x = rng.standard_normal((3, 7, 4)).astype("float32")
    rnn = layers.RNN(LeakyMemoryCell(5), return_sequences=True, return_state=True)
    rnn(x)
    seeded(rnn, 1)
    seq, h, memory = rnn(x)
    show("sequence", seq)
    show("state h", h)
    show("state memory", memory)
    print("weights", [(w.path, tuple(w.shape)) for w in rnn.weights])
    for kwargs in ({"go_backwards": True}, {"unroll": True}, {"go_backwards": True, "return_sequences": True}):
        layer = layers.RNN(LeakyMemoryCell(5), **kwargs)
        layer(x)
        seeded(layer, 1)
        show(f"rnn {sorted(kwargs)}", layer(x))
    start = [np.full((3, 5), 0.1, "float32"), np.full((3, 10), -0.2, "float32")]
    show("initial_state", rnn(x, initial_state=start)[0])

    stacked = layers.RNN(layers.StackedRNNCells([LeakyMemoryCell(4), layers.GRUCell(3)]), return_state=True)
    stacked(x)
    seeded(stacked, 2)
    outputs = stacked(x)
    print("stacked", len(outputs), keras.tree.map_structure(lambda t: tuple(t.shape), outputs[1:]))
    show("stacked out", outputs[0])

    stateful = layers.RNN(LeakyMemoryCell(3), stateful=True, return_sequences=True)
    chunks = keras.Sequential([keras.Input((4, 4), batch_size=3), stateful])
    seeded(chunks, 3)
    first = chunks.predict(x[:, :4], verbose=0)
    second = chunks.predict(x[:, 3:], verbose=0)
    stateful.reset_states()
    again = chunks.predict(x[:, 3:], verbose=0)
    show("stateful 1", first)
    show("stateful 2", second)
    show("after reset", again)

    tokens = rng.integers(1, 20, (32, 9))
    lengths = rng.integers(3, 10, 32)
    for row, n in zip(tokens, lengths):
        row[n:] = 0
    labels = (np.array([row[:n].mean() for row, n in zip(tokens, lengths)]) > 10).astype("float32")
    inputs = keras.Input((9,), dtype="int32")
    h = layers.Embedding(20, 6, mask_zero=True)(inputs)
    h = layers.RNN(LeakyMemoryCell(6), return_sequences=True)(h)
    h = layers.GlobalAveragePooling1D()(h)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, out)
    seeded(model, 4)
    masked = model.layers[2].compute_mask(tokens[:2], mask=tokens[:2] != 0)
    print("mask", ops.convert_to_numpy(masked).astype(int).tolist() if masked is not None else None)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(tokens, labels, epochs=4, batch_size=8, shuffle=False, verbose=0)
    print("loss", np.round(history.history["loss"], 5).tolist())
    print("accuracy", np.round(history.history["accuracy"], 4).tolist())
    print("predict", np.round(model.predict(tokens[:4], verbose=0)[:, 0].astype("float64"), 5).tolist())
    print("config", {k: v for k, v in model.layers[2].get_config().items() if k in ("return_sequences", "stateful",
                                                                                   "go_backwards", "unroll")})
