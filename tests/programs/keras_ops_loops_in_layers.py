"""A Keras program, written for Keras 3: custom layers whose call is built from keras.ops control flow —
ops.scan for an exponential moving average over time, ops.fori_loop for a few power-iteration steps,
ops.while_loop for a halving loop, ops.cond on a tensor predicate, ops.vectorized_map for a per-sample
function, ops.map and ops.associative_scan for cumulative sums — inside a functional model that is trained with
fit; gradients flow through scan and fori_loop. Weights are set from NumPy, so real Keras and deepgrad print the
same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


class EmaOverTime(layers.Layer):
    """Exponential moving average along the time axis via ops.scan, with a trainable decay logit."""

    def build(self, input_shape):
        self.logit = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.5), name="logit")

    def call(self, x):
        decay = ops.sigmoid(self.logit)

        def step(carry, xt):
            new = decay * carry + (1.0 - decay) * xt
            return new, new

        _, ys = ops.scan(step, ops.zeros_like(x[:, 0]), ops.moveaxis(x, 1, 0))
        return ops.moveaxis(ys, 0, 1)


class PowerIteration(layers.Layer):
    """Multiplies by a learned square matrix `steps` times with ops.fori_loop, normalizing each time."""

    def __init__(self, steps=3, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def build(self, input_shape):
        n = input_shape[-1]
        self.w = self.add_weight(shape=(n, n), name="w", initializer=keras.initializers.Constant(
            (np.eye(n) + 0.1 * np.arange(n * n).reshape(n, n) / (n * n)).astype("float32")))

    def call(self, x):
        def body(i, v):
            v = ops.matmul(v, self.w)
            return v / (ops.norm(v, axis=-1, keepdims=True) + 1e-6)

        return ops.fori_loop(0, self.steps, body, x)


def halvings(value):
    def cond(v, n):
        return v > 1.0

    def body(v, n):
        return v / 2.0, n + 1

    return ops.while_loop(cond, body, (ops.convert_to_tensor(value), ops.convert_to_tensor(0)))


def main():
    x = ops.convert_to_tensor(np.sin(np.arange(2 * 5 * 3).reshape(2, 5, 3) * 0.4).astype("float32"))
    ema = EmaOverTime()
    print("ema", r(ema(x)[0, :, 0]))
    power = PowerIteration(steps=4)
    print("power", r(power(x[:, 0])))
    v, n = halvings(37.0)
    print("while_loop", r(v), int(n))
    for value in (2.0, -3.0):
        out = ops.cond(ops.convert_to_tensor(value) > 0, lambda: ops.sqrt(value), lambda: ops.square(value))
        print("cond", value, r(out))
    print("vectorized_map", r(ops.vectorized_map(lambda row: ops.sum(row * row), x[0])))
    print("map", r(ops.map(lambda row: ops.max(row) - ops.min(row), x[1])))
    print("associative_scan", r(ops.associative_scan(lambda a, b: a + b, x[0, :, 0])))
    print("cumsum reverse", r(ops.associative_scan(lambda a, b: a + b, x[0, :, 1], reverse=True)))
    total, partials = ops.scan(lambda c, t: (c + t, c * t), 1.0, ops.arange(1.0, 5.0))
    print("scan carry", r(total), "partials", r(partials))

    inputs = keras.Input((5, 3))
    smoothed = EmaOverTime(name="ema")(inputs)
    last = layers.Lambda(lambda t: t[:, -1], output_shape=(3,), name="last")(smoothed)
    iterated = PowerIteration(steps=2, name="power")(last)
    outputs = layers.Dense(1, name="head")(iterated)
    model = keras.Model(inputs, outputs)
    model.get_layer("head").set_weights([np.array([[0.5], [-0.3], [0.8]], "float32"), np.zeros(1, "float32")])
    print("output shape", model.output_shape, [w.name for w in model.trainable_weights])
    data = np.sin(np.arange(16 * 5 * 3).reshape(16, 5, 3) * 0.21).astype("float32")
    target = np.mean(data[:, :, 0], axis=1, keepdims=True)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(data, target, epochs=4, batch_size=8, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("decay logit", r(model.get_layer("ema").logit), "w diag", r(ops.diagonal(model.get_layer("power").w)))
    print("predict", r(model.predict(data[:4], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
