"""A Keras program, written for Keras 3: custom layers whose call uses keras.ops control flow as users write it —
an exponential-smoothing layer over time with ops.scan (carry and stacked outputs), a fixed number of refinement
steps with ops.fori_loop, a Newton square root with ops.while_loop, a per-sample branch with ops.cond on a
static flag, ops.vectorized_map and ops.map over the batch, ops.switch choosing an activation by index, and
ops.associative_scan for a running maximum; the layers go into a functional model trained with fit, and each
op is also called directly on small arrays. The weights start from the same NumPy arrays, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class Smoothing(layers.Layer):
    """Exponential smoothing along time with a learned rate, written with ops.scan."""

    def build(self, input_shape):
        self.rate = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="rate")

    def call(self, x):
        alpha = ops.sigmoid(self.rate)

        def step(carry, xt):
            new = alpha * xt + (1.0 - alpha) * carry
            return new, new

        last, seq = ops.scan(step, ops.zeros_like(x[:, 0]), ops.moveaxis(x, 1, 0))
        return ops.moveaxis(seq, 0, 1), last


class Refine(layers.Layer):
    """Applies the same Dense residual update a fixed number of times with ops.fori_loop."""

    def __init__(self, steps=3, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps
        self.update = layers.Dense(4, activation="tanh")

    def build(self, input_shape):
        self.update.build(input_shape)

    def call(self, x):
        return ops.fori_loop(0, self.steps, lambda i, h: h + 0.5 * self.update(h), x)


def newton_sqrt(v):
    """Square roots of a positive vector by Newton's method inside ops.while_loop."""
    def cond(k, guess):
        return k < 8

    def body(k, guess):
        return k + 1, 0.5 * (guess + v / guess)

    return ops.while_loop(cond, body, (0, ops.ones_like(v)))[1]


def main():
    rng = np.random.default_rng(21)
    x = rng.standard_normal((48, 6, 4)).astype("float32")
    y = (x.mean(axis=1) @ rng.standard_normal((4, 1)) + 0.1).astype("float32")

    inputs = keras.Input((6, 4))
    seq, last = Smoothing(name="smooth")(inputs)
    pooled = layers.GlobalAveragePooling1D()(seq)
    refined = Refine(steps=3, name="refine")(layers.Concatenate()([pooled, last])[:, :4])
    outputs = layers.Dense(1, name="head")(refined)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    print("predict", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=4, batch_size=12, shuffle=False, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("rate", np.round(model.get_layer("smooth").rate.numpy(), 5).tolist())
    print("trained", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())

    v = ops.convert_to_tensor(np.array([4.0, 2.0, 9.0, 0.25], "float32"))
    print("sqrt", np.round(ops.convert_to_numpy(newton_sqrt(v)), 5).tolist())
    total, partial = ops.scan(lambda c, e: (c + e, c * e), 1.0, ops.arange(1.0, 6.0))
    print("scan", float(total), ops.convert_to_numpy(partial).tolist())
    print("scan reverse", ops.convert_to_numpy(ops.scan(lambda c, e: (c + e, c), 0.0, ops.arange(4.0),
                                                         reverse=True)[1]).tolist())
    print("fori", float(ops.fori_loop(0, 5, lambda i, acc: acc + i * i, 0.0)))
    flag = True
    chosen = ops.cond(flag, lambda: ops.sum(v), lambda: ops.max(v))
    print("cond", float(chosen), float(ops.cond(False, lambda: ops.sum(v), lambda: ops.max(v))))
    m = ops.convert_to_tensor(rng.standard_normal((3, 4)).astype("float32"))
    print("vmap", np.round(ops.convert_to_numpy(ops.vectorized_map(lambda r: ops.dot(r, r), m)), 5).tolist())
    print("map", np.round(ops.convert_to_numpy(ops.map(lambda r: ops.max(r) - ops.min(r), m)), 5).tolist())
    branches = [ops.relu, ops.tanh, lambda t: t * 2.0]
    print("switch", [np.round(ops.convert_to_numpy(ops.switch(k, branches, m[0])), 5).tolist() for k in range(3)])
    running = ops.associative_scan(ops.maximum, ops.convert_to_tensor(np.array([1.0, 3.0, 2.0, 5.0, 4.0])))
    print("running max", ops.convert_to_numpy(running).tolist())
    cums = ops.associative_scan(lambda a, b: a + b, m, axis=1)
    print("assoc cumsum", np.allclose(ops.convert_to_numpy(cums), np.cumsum(ops.convert_to_numpy(m), 1), atol=1e-5))
    print("stop", np.round(ops.convert_to_numpy(ops.stop_gradient(m))[0], 5).tolist())


if __name__ == "__main__":
    main()
