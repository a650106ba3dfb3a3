"""A Keras program, written for Keras 3: custom recurrent cells — a minimal cell with a nested state (a list
of two state sizes, one of them a shape), a peephole-style cell with `get_initial_state`, both wrapped in
`keras.layers.RNN` with `return_sequences`, `return_state`, `go_backwards`, `unroll` and a mask, stacked with
`StackedRNNCells`, inside `Bidirectional`; a stateful RNN carried across batches and `reset_states`; then a
sequence regressor trained, saved as `.keras` with the registered cells and reloaded."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


@keras.saving.register_keras_serializable(package="r29")
class TwoStateCell(layers.Layer):
    """h' = tanh(x W + h U) + 0.5 m; m' = 0.9 m + 0.1 h' (state sizes [units, units])."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="w")
        self.u = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="u")

    def call(self, inputs, states):
        h, m = states
        new_h = ops.tanh(ops.matmul(inputs, self.w) + ops.matmul(h, self.u)) + 0.5 * m
        new_m = 0.9 * m + 0.1 * new_h
        return new_h, [new_h, new_m]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="r29")
class LeakyCell(layers.Layer):
    """h' = (1 - a) h + a relu(x W + b), starting from a learned-free constant state of 0.1."""

    def __init__(self, units, leak=0.3, **kwargs):
        super().__init__(**kwargs)
        self.units, self.leak = units, leak
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="he_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs, states):
        h = (1 - self.leak) * states[0] + self.leak * ops.relu(ops.matmul(inputs, self.w) + self.b)
        return h, [h]

    def get_initial_state(self, batch_size=None):
        return [ops.full((batch_size, self.units), 0.1)]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "leak": self.leak}


def fill(model, seed):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        w.assign((rng.normal(size=tuple(w.shape)) * 0.4).astype("float32"))


def main():
    rng = np.random.default_rng(2931)
    x = rng.normal(size=(3, 5, 4)).astype("float32")
    for kwargs in [dict(), dict(return_sequences=True), dict(return_state=True), dict(go_backwards=True),
                   dict(unroll=True, return_sequences=True)]:
        inputs = keras.Input((5, 4))
        outputs = layers.RNN(TwoStateCell(3), **kwargs)(inputs)
        model = keras.Model(inputs, outputs)
        fill(model, 1)
        out = model.predict(x, verbose=0)
        flat = keras.tree.flatten(out)
        print("two-state", sorted(kwargs), [tuple(o.shape) for o in flat], [r(np.sum(o)) for o in flat])

    masked = x.copy()
    masked[0, 3:] = 0.0
    inputs = keras.Input((5, 4))
    hidden = layers.Masking()(inputs)
    outputs = layers.RNN(LeakyCell(3), return_sequences=True)(hidden)
    model = keras.Model(inputs, outputs)
    fill(model, 2)
    out = model.predict(masked, verbose=0)
    print("leaky masked", r(out[0, :, 0]), r(out[1, -1]))

    stacked = layers.RNN(layers.StackedRNNCells([LeakyCell(4), TwoStateCell(2)]), return_state=True)
    model = keras.Sequential([keras.Input((5, 4)), stacked])
    fill(model, 3)
    states = model.predict(x, verbose=0)
    states = keras.tree.flatten(states)
    print("stacked", len(states), [tuple(s.shape) for s in states], r(states[0][0]))

    bidir = keras.Sequential([keras.Input((5, 4)), layers.Bidirectional(layers.RNN(LeakyCell(2)), merge_mode="ave")])
    fill(bidir, 4)
    print("bidirectional", r(bidir.predict(x, verbose=0)))

    stateful = keras.Sequential([keras.Input((5, 4), batch_size=3), layers.RNN(TwoStateCell(2), stateful=True,
                                                                              name="carry")])
    fill(stateful, 5)
    one = stateful.predict(x, verbose=0)
    two = stateful.predict(x, verbose=0)
    stateful.get_layer("carry").reset_states()
    three = stateful.predict(x, verbose=0)
    print("stateful", r(one[0]), r(two[0]), bool(np.allclose(one, three)))

    keras.utils.set_random_seed(2931)
    seq = rng.normal(size=(40, 6, 4)).astype("float32")
    target = seq[:, :, 0].cumsum(axis=1)[:, -1:] * 0.3
    model = keras.Sequential([keras.Input((6, 4)), layers.RNN(TwoStateCell(6), return_sequences=True, name="cell_a"),
                              layers.RNN(LeakyCell(5), name="cell_b"), layers.Dense(1)], name="regressor")
    model.compile(keras.optimizers.Adam(0.02), "mse", metrics=["mae"])
    history = model.fit(seq, target, batch_size=8, epochs=3, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("weights", [w.path for w in model.weights])
    model.save("cells.keras")
    again = keras.models.load_model("cells.keras")
    print("reloaded", r(np.abs(again.predict(seq[:4], verbose=0) - model.predict(seq[:4], verbose=0)).max(), 6),
          again.get_layer("cell_b").cell.leak, again.get_layer("cell_a").cell.state_size)


if __name__ == "__main__":
    main()
