"""A Keras program, written for Keras 3: keras.ops control flow as a layer author uses it — ops.scan with a tuple
carry, reverse=True and xs=None with length, ops.associative_scan over a pytree with reverse and a later axis,
ops.fori_loop and ops.while_loop with tuple states and maximum_iterations, ops.map over a dict, ops.switch and
ops.cond — then a layer whose learnable decay runs an exponential moving average through ops.scan, trained with
fit inside a small sequence regressor. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(t, digits=4):
    return np.round(ops.convert_to_numpy(t).astype("float64"), digits).tolist()


class DecayScan(layers.Layer):
    """h_t = a * h_{t-1} + (1 - a) * x_t per feature, a = sigmoid(w), carried with ops.scan over time."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="w")

    def call(self, x):
        a = ops.sigmoid(self.w)
        steps = ops.transpose(x, (1, 0, 2))

        def step(h, x_t):
            h = a * h + (1.0 - a) * x_t
            return h, h

        last, every = ops.scan(step, ops.zeros_like(steps[0]), steps)
        return ops.concatenate([last, ops.mean(every, axis=0)], axis=-1)


def main():
    xs = ops.convert_to_tensor(np.arange(1, 7, dtype="float32"))

    def running(carry, x):
        total, count = carry
        return (total + x, count + 1.0), total / count

    (total, count), means = ops.scan(running, (ops.array(0.0), ops.array(1.0)), xs)
    print("scan tuple carry", r(total), r(count), r(means))
    last, backwards = ops.scan(lambda c, x: (c * 0.5 + x, c), ops.array(0.0), xs, reverse=True)
    print("scan reverse", r(last), r(backwards))
    powers = ops.scan(lambda c, _: (c * 3.0, c), ops.array(1.0), None, length=4)
    print("scan length", r(powers[0]), r(powers[1]))

    print("associative cumsum", r(ops.associative_scan(ops.add, xs)))
    print("associative reverse max", r(ops.associative_scan(ops.maximum, ops.array([2.0, 7.0, 1.0, 5.0, 3.0]),
                                                            reverse=True)))
    grid = ops.reshape(ops.arange(12, dtype="float32"), (3, 4))
    print("associative axis 1", r(ops.associative_scan(ops.multiply, grid / 4.0 + 0.5, axis=1)))

    def affine(left, right):
        a1, b1 = left
        a2, b2 = right
        return a2 * a1, a2 * b1 + b2

    coeffs = ops.array([0.5, 0.9, 0.2, 1.1]), ops.array([1.0, -1.0, 2.0, 0.5])
    scanned = ops.associative_scan(affine, coeffs)
    print("associative pytree", r(scanned[0]), r(scanned[1]))

    print("fori_loop", r(ops.fori_loop(0, 5, lambda i, v: v * 2.0 + ops.cast(i, "float32"), ops.array(1.0))))
    pair = ops.fori_loop(1, 4, lambda i, s: (s[0] + i, s[1] * i), (0, 1))
    print("fori_loop tuple", [int(ops.convert_to_numpy(v)) for v in pair])
    collatz = ops.while_loop(lambda n, steps: n > 1,
                             lambda n, steps: (ops.where(n % 2 == 0, n // 2, 3 * n + 1), steps + 1),
                             (ops.array(27), ops.array(0)), maximum_iterations=30)
    print("while_loop capped", [int(ops.convert_to_numpy(v)) for v in collatz])
    halving = ops.while_loop(lambda v: ops.sum(v) > 1.0, lambda v: (v / 2.0,), (ops.array([3.0, 5.0]),))
    print("while_loop tuple", r(halving[0]))

    mapped = ops.map(lambda row: {"norm": ops.sqrt(ops.sum(row * row)), "top": ops.max(row)}, grid)
    print("map dict", r(mapped["norm"]), r(mapped["top"]))
    branches = [lambda v: v + 1.0, lambda v: v * v, lambda v: -v]
    print("switch", [r(ops.switch(i, branches, ops.array([1.5, -2.0]))) for i in range(3)])
    print("cond", r(ops.cond(ops.sum(xs) > 10.0, lambda: xs[:2] * 10.0, lambda: xs[:2])))

    rng = np.random.default_rng(4)
    seqs = rng.normal(size=(32, 6, 3)).astype("float32")
    target = (0.6 * seqs[:, -1, :1] + 0.3 * seqs.mean(axis=1)[:, 1:2]).astype("float32")
    inputs = keras.Input((6, 3))
    scanned = DecayScan(name="decay")(inputs)
    outputs = layers.Dense(1, name="head")(scanned)
    model = keras.Model(inputs, outputs)
    model.set_weights([np.array([0.2, -0.4, 0.8], "float32"), np.full((6, 1), 0.1, "float32"),
                       np.zeros(1, "float32")])
    print("decay layer output", tuple(scanned.shape))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    history = model.fit(seqs, target, batch_size=8, epochs=4, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("mae", ["%.5f" % v for v in history.history["mae"]])
    print("decay after fit", r(ops.sigmoid(model.get_layer("decay").w)))
    print("predict", r(model.predict(seqs[:3], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
