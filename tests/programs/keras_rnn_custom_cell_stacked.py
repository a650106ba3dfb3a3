"""A Keras program, written for Keras 3: the generic keras.layers.RNN wrapper in depth. A custom cell with two
states of different sizes (state_size as a list, output_size), StackedRNNCells of LSTMCell, GRUCell and
SimpleRNNCell, return_sequences / return_state / go_backwards / unroll, explicit initial_state, and a stateful
RNN fed chunk by chunk with reset_states in between; every weight is set from NumPy so the printouts are exact."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


class LeakyPairCell(layers.Layer):
    """A cell with two states: a fast one of size `units` and a slow running mean of size 2."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, 2]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")
        self.recurrent = self.add_weight(shape=(self.units, self.units), initializer="identity", name="recurrent")
        self.mix = self.add_weight(shape=(self.units, 2), initializer="zeros", name="mix")

    def call(self, inputs, states):
        fast, slow = states
        h = ops.tanh(ops.matmul(inputs, self.kernel) * 0.1 + ops.matmul(fast, self.recurrent) * 0.5)
        slow = 0.9 * slow + 0.1 * ops.matmul(h, self.mix)
        return h + ops.sum(slow, axis=-1, keepdims=True), [h, slow]


def fill(layer, seed):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 6, 4)).astype("float32")

    rnn = layers.RNN(LeakyPairCell(5), return_sequences=True, return_state=True)
    seq, fast, slow = rnn(x)
    fill(rnn, 1)
    seq, fast, slow = rnn(x)
    print("custom shapes", tuple(seq.shape), tuple(fast.shape), tuple(slow.shape))
    print("custom weights", [w.path.split("/")[-1] for w in rnn.weights])
    print("custom last", r(seq[:, -1, :3]), "slow", r(slow[0]))
    print("custom fast equals last output", bool(np.allclose(ops.convert_to_numpy(fast),
                                                             ops.convert_to_numpy(seq[:, -1]) - ops.convert_to_numpy(ops.sum(slow, axis=-1, keepdims=True)), atol=1e-6)))

    back = layers.RNN(LeakyPairCell(5), go_backwards=True, return_sequences=True)
    back(x)
    back.set_weights(rnn.get_weights())
    print("go_backwards first step", r(back(x)[:, 0, :3]))
    flipped = rnn(x[:, ::-1])[0]
    print("go_backwards equals flipped", bool(np.allclose(ops.convert_to_numpy(back(x)),
                                                          ops.convert_to_numpy(flipped), atol=1e-6)))

    cells = [layers.LSTMCell(4), layers.GRUCell(3), layers.SimpleRNNCell(2)]
    stacked = layers.RNN(layers.StackedRNNCells(cells), return_state=True)
    outputs = stacked(x)
    fill(stacked, 2)
    outputs = stacked(x)
    print("stacked returns", len(outputs), [tuple(o.shape) for o in keras.tree.flatten(outputs)])
    print("stacked weights", [tuple(w.shape) for w in stacked.weights])
    print("stacked output", r(outputs[0]))
    print("stacked lstm c", r(keras.tree.flatten(outputs)[2][0]))

    unrolled = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(4), layers.GRUCell(3), layers.SimpleRNNCell(2)]),
                          unroll=True, return_state=True)
    unrolled(x)
    unrolled.set_weights(stacked.get_weights())
    print("unroll same", bool(np.allclose(ops.convert_to_numpy(unrolled(x)[0]),
                                          ops.convert_to_numpy(outputs[0]), atol=1e-5)))

    init = [np.full((3, 4), 0.5, "float32"), np.full((3, 4), -0.5, "float32"),
            np.full((3, 3), 0.2, "float32"), np.zeros((3, 2), "float32")]
    print("initial_state output", r(stacked(x, initial_state=[init[:2], init[2], init[3]])[0]))

    inputs = keras.Input(batch_shape=(3, 2, 4))
    state_rnn = layers.RNN(layers.GRUCell(3), stateful=True, return_sequences=True)
    model = keras.Model(inputs, state_rnn(inputs))
    fill(state_rnn, 3)
    whole = layers.RNN(layers.GRUCell(3), return_sequences=True)
    whole(x)
    whole.set_weights(state_rnn.get_weights())
    chunks = [model.predict(x[:, k:k + 2], verbose=0) for k in (0, 2, 4)]
    print("stateful chunks equal whole", bool(np.allclose(np.concatenate(chunks, axis=1),
                                                          ops.convert_to_numpy(whole(x)), atol=1e-5)))
    print("stateful state", r(state_rnn.states[0][0]))
    state_rnn.reset_states()
    print("after reset", r(state_rnn.states[0][0]))
    print("fresh chunk equals first", bool(np.allclose(model.predict(x[:, :2], verbose=0), chunks[0], atol=1e-6)))
    print("config", {k: v for k, v in sorted(state_rnn.get_config().items())
                     if k in ("stateful", "unroll", "go_backwards", "return_sequences", "return_state")})


if __name__ == "__main__":
    main()
