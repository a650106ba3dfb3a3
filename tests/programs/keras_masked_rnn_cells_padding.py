"""A Keras program, written for Keras 3: padded token sequences through recurrent layers that honour the mask.
Embedding(mask_zero=True) feeds an LSTM and a GRU(reset_after=False) with return_sequences, a keras.layers.RNN over a
list of cells (stacked), an RNN with zero_output_for_mask, a custom cell class with two states of different sizes,
and a masked mean pooling; the padded steps' outputs, the final states and the mask each layer passes on are
printed, then the tagger trains with fit. The weights start from the same NumPy arrays, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def set_weights(model, seed, scale=0.5):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def fmt(a, digits=5):
    return np.round(ops.convert_to_numpy(a).astype("float64"), digits).tolist()


class LeakyMemoryCell(layers.Layer):
    """A cell with a leaky trace of size `units` and a running count of size 1."""

    def __init__(self, units, leak=0.7, **kwargs):
        super().__init__(**kwargs)
        self.units, self.leak = units, leak
        self.state_size = [units, 1]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

    def call(self, inputs, states):
        trace, count = states
        trace = self.leak * trace + ops.tanh(ops.matmul(inputs, self.kernel))
        count = count + 1.0
        return trace / count, [trace, count]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "leak": self.leak}


def main():
    tokens = np.array([[4, 2, 7, 0, 0, 0], [1, 3, 3, 5, 6, 0], [2, 0, 0, 0, 0, 0], [6, 5, 4, 3, 2, 1]], "int32")
    inputs = keras.Input((6,), dtype="int32", name="tokens")
    emb = layers.Embedding(8, 3, mask_zero=True, name="emb")(inputs)
    lstm_seq = layers.LSTM(4, return_sequences=True, name="lstm")(emb)
    gru_seq, gru_state = layers.GRU(3, reset_after=False, return_sequences=True, return_state=True, name="gru_v1")(emb)
    stacked = layers.RNN([layers.SimpleRNNCell(3), layers.GRUCell(2)], return_sequences=True, return_state=True,
                         name="stacked")(emb)
    zeroed = layers.RNN(layers.LSTMCell(2), return_sequences=True, zero_output_for_mask=True, name="zeroed")(emb)
    custom_seq, trace, count = layers.RNN(LeakyMemoryCell(3), return_sequences=True, return_state=True,
                                          name="leaky")(emb)
    print("symbolic", tuple(lstm_seq.shape), tuple(gru_state.shape), [tuple(t.shape) for t in stacked],
          tuple(count.shape))
    print("masks", [None if t._keras_mask is None else tuple(t._keras_mask.shape)
                    for t in [emb, lstm_seq, gru_seq, zeroed, custom_seq]])
    probe = keras.Model(inputs, [lstm_seq, gru_seq, gru_state, zeroed, custom_seq, count] + list(stacked[1:]))
    set_weights(probe, 11)
    print("weights", [(w.path, tuple(w.shape)) for w in probe.weights if "stacked" in w.path or "leaky" in w.path])
    lstm_o, gru_o, gru_h, zero_o, custom_o, counts, *stack_states = probe.predict(tokens, verbose=0)
    print("lstm padded copies last", np.allclose(lstm_o[0, 3:], lstm_o[0, 2]), fmt(lstm_o[0, 2], 4))
    print("gru state is last real step", np.allclose(gru_h[2], gru_o[2, 0]), fmt(gru_h, 4))
    print("zero_output_for_mask", fmt(zero_o[0, 2:5, :], 4))
    print("custom counts", fmt(counts[:, 0]), fmt(custom_o[1, 4], 4))
    print("stacked states", [s.shape for s in stack_states], fmt(stack_states[1], 4))

    pooled = layers.GlobalAveragePooling1D(name="masked_mean")(lstm_seq)
    tags = layers.TimeDistributed(layers.Dense(3), name="tags")(gru_seq)
    tagger = keras.Model(inputs, [tags, layers.Dense(1, name="score")(pooled)])
    set_weights(tagger, 12)
    print("pooled respects mask", fmt(keras.Model(inputs, pooled).predict(tokens[2:3], verbose=0), 4))
    y_tags = (tokens % 3).astype("int32")
    y_score = tokens.astype("float32").sum(axis=1, keepdims=True) / 10.0
    tagger.compile(optimizer=keras.optimizers.Adam(0.02),
                   loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
                   metrics=[["accuracy"], []])
    history = tagger.fit(tokens, [y_tags, y_score], batch_size=2, epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % value for value in history.history[key]])
    print("evaluate", ["%.5f" % value for value in tagger.evaluate(tokens, [y_tags, y_score], verbose=0)])
    predicted_tags, score = tagger.predict(tokens[:2], verbose=0)
    print("predicted", predicted_tags.argmax(-1).tolist(), fmt(score[:, 0], 4))
    config = probe.get_layer("leaky").get_config()
    print("leaky config", config["cell"]["class_name"], config["cell"]["config"]["units"], config["zero_output_for_mask"])
    print("stacked config", [c["class_name"] for c in probe.get_layer("stacked").get_config()["cell"]["config"]["cells"]])


if __name__ == "__main__":
    main()
