"""A Keras program, written for Keras 3: custom layers whose call runs keras.ops numerics and is trained through
them — a linear recurrence h_t = a_t * h_{t-1} + b_t computed with ops.associative_scan over (a, b) pairs with
learned gates, a fixed-point layer iterating a contraction with ops.fori_loop, a per-sample quadratic form
with ops.vectorized_map, a branch on a tensor predicate with ops.cond, and a bisection for the median with
ops.while_loop; each is also called directly on small arrays, then a model made of them trains with fit and its
gradients are compared through the recurrence with keras.ops only. Weights are set from NumPy."""
import numpy as np

import keras
from keras import layers, ops


class LinearRecurrence(layers.Layer):
    """h_t = sigmoid(x_t w_a) * h_{t-1} + x_t w_b, all steps at once with an associative scan."""

    def build(self, input_shape):
        d = input_shape[-1]
        self.w_a = self.add_weight(shape=(d, d), name="w_a")
        self.w_b = self.add_weight(shape=(d, d), name="w_b")

    def call(self, x):
        a = ops.sigmoid(ops.matmul(x, self.w_a))
        b = ops.matmul(x, self.w_b)

        def combine(left, right):
            a_l, b_l = left
            a_r, b_r = right
            return a_l * a_r, a_r * b_l + b_r

        _, h = ops.associative_scan(combine, (a, b), axis=1)
        return h


class FixedPoint(layers.Layer):
    """z = tanh(W z + x) iterated a fixed number of times from z = 0."""

    def __init__(self, steps=6, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], input_shape[-1]), name="w")

    def call(self, x):
        w = 0.5 * ops.tanh(self.w)
        return ops.fori_loop(0, self.steps, lambda i, z: ops.tanh(ops.matmul(z, w) + x), ops.zeros_like(x))

    def get_config(self):
        return {**super().get_config(), "steps": self.steps}


class Quadratic(layers.Layer):
    """x^T M x per sample with ops.vectorized_map, and a branch on its batch mean with ops.cond."""

    def build(self, input_shape):
        self.m = self.add_weight(shape=(input_shape[-1], input_shape[-1]), name="m")

    def call(self, x):
        values = ops.vectorized_map(lambda row: ops.sum(row * ops.matmul(self.m, row)), x)
        scaled = ops.cond(ops.mean(values) > 0.0, lambda: values * 0.5, lambda: -values)
        return ops.expand_dims(scaled, -1)


def bisect_median(v):
    """The median of the entries of v by bisection on the count below a threshold."""
    def cond(lo, hi, i):
        return ops.logical_and(hi - lo > 1e-4, i < 60)

    def body(lo, hi, i):
        mid = 0.5 * (lo + hi)
        below = ops.mean(ops.cast(v <= mid, "float32"))
        return ops.where(below >= 0.5, lo, mid), ops.where(below >= 0.5, mid, hi), i + 1
    lo, hi, steps = ops.while_loop(cond, body, (ops.min(v), ops.max(v), ops.convert_to_tensor(0)))
    return 0.5 * (lo + hi), steps


def main():
    rng = np.random.default_rng(23)
    seq = rng.normal(size=(2, 5, 3)).astype("float32")
    init = np.random.default_rng(8)

    rec = LinearRecurrence(name="rec")
    rec.build(seq.shape)
    rec.set_weights([init.uniform(-0.6, 0.6, w.shape).astype("float32") for w in rec.weights])
    h = ops.convert_to_numpy(rec(seq))
    a = 1.0 / (1.0 + np.exp(-(seq @ rec.get_weights()[0])))
    b = seq @ rec.get_weights()[1]
    loop = np.zeros((2, 3), "float32")
    for t in range(5):
        loop = a[:, t] * loop + b[:, t]
    print("recurrence", np.round(h[:, -1], 5).tolist(), bool(np.allclose(h[:, -1], loop, atol=1e-5)))

    fixed = FixedPoint(name="fixed")
    fixed.build((None, 3))
    fixed.set_weights([init.uniform(-1, 1, (3, 3)).astype("float32")])
    print("fixed point", np.round(ops.convert_to_numpy(fixed(seq[:, 0])), 5).tolist())
    quad = Quadratic(name="quad")
    quad.build((None, 3))
    quad.set_weights([init.uniform(-1, 1, (3, 3)).astype("float32")])
    print("quadratic", np.round(ops.convert_to_numpy(quad(seq[0])), 5).tolist())
    median, steps = bisect_median(ops.convert_to_tensor(seq.reshape(-1)))
    print("median", "%.4f" % float(median), "numpy %.4f" % float(np.median(seq)), "steps", int(steps))

    inputs = keras.Input((5, 3), name="steps")
    states = LinearRecurrence(name="recurrence")(inputs)
    last = layers.Lambda(lambda t: t[:, -1], output_shape=(3,), name="last")(states)
    settled = FixedPoint(steps=4, name="settle")(last)
    energy = Quadratic(name="energy")(settled)
    out = layers.Dense(1, name="out")(layers.Concatenate(name="joined")([settled, energy]))
    model = keras.Model(inputs, out, name="ops_model")
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    x = rng.normal(size=(48, 5, 3)).astype("float32")
    y = (x[:, :, 0].sum(1, keepdims=True) * 0.3 + x[:, -1, 1:2] ** 2).astype("float32")
    print("before", np.round(model.predict(x[:3], verbose=0)[:, 0], 5).tolist())
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=12, epochs=4, verbose=0, shuffle=False)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("mae", ["%.5f" % v for v in history.history["mae"]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, y, verbose=0)])
    print("after", np.round(model.predict(x[:3], verbose=0)[:, 0], 5).tolist())
    print("trained w_a", np.round(ops.convert_to_numpy(model.get_layer("recurrence").w_a), 4).tolist())
    print("settle config", model.get_layer("settle").get_config()["steps"])


if __name__ == "__main__":
    main()
