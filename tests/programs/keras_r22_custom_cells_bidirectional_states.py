"""A Keras program, written for Keras 3: recurrent layers over user-written cells — a minimal gated cell with a
list state_size and get_config, wrapped in keras.layers.RNN with return_sequences and return_state, stacked with
a built-in GRUCell through StackedRNNCells (nested states), run backwards and with a padding mask from
Masking; Bidirectional(merge_mode=None) over an LSTM returning each direction's sequences and states; initial
states fed as inputs; a sequence tagger trained with fit, then evaluated, its predictions and final states
printed, and the model saved to a .keras file and reloaded with the custom cell. Weights are set from NumPy, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="r22")
class LeakyGateCell(layers.Layer):
    """h' = (1 - g) * h + g * tanh(x W + h U), g = sigmoid(x V); carries [h, step count]."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, 1]
        self.output_size = units

    def build(self, input_shape):
        d = input_shape[-1]
        self.w = self.add_weight(shape=(d, self.units), name="w")
        self.u = self.add_weight(shape=(self.units, self.units), name="u")
        self.v = self.add_weight(shape=(d, self.units), name="v")

    def call(self, inputs, states):
        h, count = states
        gate = ops.sigmoid(ops.matmul(inputs, self.v))
        candidate = ops.tanh(ops.matmul(inputs, self.w) + ops.matmul(h, self.u))
        new_h = (1.0 - gate) * h + gate * candidate
        return new_h, [new_h, count + 1.0]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def fill(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])


def main():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(24, 7, 3)).astype("float32")
    lengths = rng.integers(3, 8, size=24)
    for i, n in enumerate(lengths):
        x[i, n:] = 0.0
    y = (np.cumsum(x[:, :, 0], axis=1) > 0).astype("float32")[..., None]

    inputs = keras.Input((7, 3), name="steps")
    masked = layers.Masking(0.0, name="mask")(inputs)
    seq, h_last, count = layers.RNN(LeakyGateCell(4), return_sequences=True, return_state=True,
                                    name="leaky")(masked)
    stacked = layers.RNN(layers.StackedRNNCells([LeakyGateCell(3), layers.GRUCell(3)]), return_sequences=True,
                         return_state=True, go_backwards=True, name="stacked")
    back_seq, cell_states, gru_state = stacked(masked)
    fwd, bwd, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True),
                                                    merge_mode=None, name="bi")(masked)
    joined = layers.Concatenate(name="joined")([seq, fwd, bwd])
    outputs = layers.TimeDistributed(layers.Dense(1, activation="sigmoid"), name="tag")(joined)
    model = keras.Model(inputs, outputs, name="tagger")
    probe = keras.Model(inputs, [h_last, count, back_seq, cell_states[0], cell_states[1], gru_state, fh, bc],
                        name="probe")
    fill(model, 4)
    fill(probe, 4)
    print("weights", [w.path for w in model.weights])
    print("probe shapes", [tuple(t.shape) for t in probe.outputs])
    states = probe.predict(x[:3], verbose=0)
    print("steps counted", states[1][:, 0].tolist(), "lengths", lengths[:3].tolist())
    for name, value in zip(["h_last", "backward seq", "cell h", "gru", "fwd h", "bwd c"],
                           [states[0], states[2][:, -1], states[3], states[5], states[6], states[7]]):
        print(name, np.round(value, 4).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="acc", threshold=0.4)])
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("acc", ["%.5f" % v for v in history.history["acc"]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, y, verbose=0)])
    pred = model.predict(x[:2], verbose=0)
    print("predict", np.round(pred[..., 0], 4).tolist())

    initial = keras.Input((4,), name="h0")
    counted = keras.Input((1,), name="c0")
    resumed = layers.RNN(LeakyGateCell(4), return_state=True, name="resumed")(inputs,
                                                                            initial_state=[initial, counted])
    runner = keras.Model([inputs, initial, counted], resumed)
    runner.get_layer("resumed").set_weights(model.get_layer("leaky").get_weights())
    out, h, c = runner.predict([x[:2], states[0][:2], np.full((2, 1), 7.0, "float32")], verbose=0)
    print("resumed", np.round(out, 4).tolist(), c[:, 0].tolist())

    model.save("tagger.keras")
    again = keras.models.load_model("tagger.keras")
    print("reloaded", type(again.get_layer("leaky").cell).__name__, again.get_layer("bi").merge_mode,
          bool(np.allclose(again.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), atol=1e-6)))
    print("cell config", again.get_layer("leaky").cell.get_config()["units"],
          [type(c).__name__ for c in probe.get_layer("stacked").cell.cells])


if __name__ == "__main__":
    main()
