"""A Keras program, written for Keras 3: `keras.ops` control flow and `keras.random` streams inside trained
layers. `scan` with a tuple carry, `reverse=True` and `unroll`, `associative_scan` with `reverse` and `axis`,
`fori_loop` over a tuple, `while_loop` with `maximum_iterations`, `switch`, `cond`, `map` and `vectorized_map`,
`segment_sum`/`segment_max` with `num_segments`, `einsum` with repeated and broadcast indices; `SeedGenerator`
streams (two generators with one seed, `next`, `state`, draws of each distribution advancing it), and a layer
whose `call` runs a `scan` recurrence and a seeded noise draw, trained through `fit`; `associative_scan`,
`vectorized_map` and `map` on symbolic inputs in a functional model."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


class ScanSmoother(layers.Layer):
    """An exponential smoother over time (batch, time, features) written with `ops.scan`, with a learned decay,
    plus Gaussian noise from its own SeedGenerator while training."""

    def __init__(self, noise=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.noise = noise
        self.generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.decay = self.add_weight(shape=(input_shape[-1],), initializer=keras.initializers.Constant(0.5),
                                     name="decay")

    def call(self, x, training=False):
        if training:
            x = x + keras.random.normal(ops.shape(x), stddev=self.noise, seed=self.generator)
        gate = ops.sigmoid(self.decay)

        def step(carry, frame):
            new = gate * carry + (1.0 - gate) * frame
            return new, new

        _, smoothed = ops.scan(step, ops.zeros_like(x[:, 0]), ops.transpose(x, (1, 0, 2)))
        return ops.transpose(smoothed, (1, 0, 2))


def main():
    xs = np.arange(1.0, 7.0, dtype="float32")

    def running(carry, x):
        total, count = carry
        return (total + x, count + 1.0), (total + x) / (count + 1.0)

    for reverse in (False, True):
        (total, count), means = ops.scan(running, (np.float32(0.0), np.float32(0.0)), xs, reverse=reverse, unroll=2)
        print("scan reverse", reverse, r(total), r(count), r(means, 4))
    grid = np.arange(1.0, 13.0, dtype="float32").reshape(3, 4)
    for reverse in (False, True):
        for axis in (0, 1):
            print("associative_scan", reverse, axis, r(ops.associative_scan(ops.add, grid, reverse=reverse, axis=axis)),
                  r(ops.associative_scan(ops.maximum, grid[:, ::-1], reverse=reverse, axis=axis)))
    a, b = ops.fori_loop(1, 6, lambda i, state: (state[0] * i, state[1] + i * i), (np.float32(1.0), np.float32(0.0)))
    print("fori_loop", r(a), r(b))
    print("while_loop", r(ops.while_loop(lambda v: v < 1000.0, lambda v: v * 3.0, np.float32(1.0))),
          r(ops.while_loop(lambda v, k: v < 1000.0, lambda v, k: (v * 3.0, k + 1), (np.float32(1.0), 0),
                           maximum_iterations=4)))
    branches = [lambda v: v + 1.0, lambda v: v * v, lambda v: -v]
    print("switch", [r(ops.switch(k, branches, np.float32(3.0))) for k in (0, 1, 2, 5, -1)])
    print("cond", r(ops.cond(ops.sum(xs) > 10.0, lambda: xs[:2], lambda: xs[-2:])),
          r(ops.cond(False, lambda: xs[:2], lambda: xs[-2:])))
    print("map", r(ops.map(lambda row: ops.sum(row * row), grid)),
          r(ops.vectorized_map(lambda row: ops.flip(ops.cumsum(row), 0), ops.convert_to_tensor(grid))))
    values = np.array([3.0, -1.0, 4.0, 1.5, -5.0, 9.0, 2.0], "float32")
    ids = np.array([0, 0, 2, 2, 2, 3, 3], "int32")
    print("segments", r(ops.segment_sum(values, ids, num_segments=5)),
          r(ops.segment_max(values, ids, num_segments=4, sorted=True)),
          r(ops.segment_sum(np.stack([values, -values], axis=1), ids, num_segments=4)))
    left = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10
    right = np.arange(8, dtype="float32").reshape(4, 2) / 4
    print("einsum", r(ops.einsum("bij,jk->bik", left, right)[1], 4), r(ops.einsum("bii->b", left[:, :, :3]), 4),
          r(ops.einsum("...j,j", left, xs[:4]), 4), r(ops.einsum("ij,ij->j", grid, grid), 4))

    first, second = keras.random.SeedGenerator(2710), keras.random.SeedGenerator(2710)
    print("streams", r(keras.random.uniform((3,), seed=first), 5), r(keras.random.uniform((3,), seed=second), 5),
          r(keras.random.normal((2,), seed=first), 5), r(ops.convert_to_numpy(first.state)),
          r(ops.convert_to_numpy(second.state)))
    for draw in (lambda g: keras.random.truncated_normal((3,), seed=g),
                 lambda g: keras.random.randint((3,), 0, 10, seed=g),
                 lambda g: keras.random.categorical(np.log(np.array([[0.2, 0.5, 0.3]], "float32")), 4, seed=g),
                 lambda g: keras.random.shuffle(np.arange(5), seed=g),
                 lambda g: keras.random.dropout(ops.ones((6,)), 0.5, seed=g)):
        print("draw", r(draw(first), 4), r(ops.convert_to_numpy(first.state)))
    print("next", r(ops.convert_to_numpy(second.next())), r(ops.convert_to_numpy(second.state)))

    rng = np.random.default_rng(2710)
    series = np.cumsum(rng.normal(size=(20, 8, 2)), axis=1).astype("float32")
    target = series[:, -1:, :].mean(axis=2) * 0.5
    keras.utils.set_random_seed(2710)
    inputs = keras.Input((8, 2))
    smooth = ScanSmoother(noise=0.05, seed=7, name="smoother")(inputs)
    outputs = layers.Dense(1)(layers.Flatten()(smooth))
    model = keras.Model(inputs, outputs, name="scanner")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(series, target, batch_size=5, epochs=3, verbose=0, shuffle=False)
    print("fit", r(history.history["loss"], 4), r(model.get_layer("smoother").decay, 4),
          r(ops.convert_to_numpy(model.get_layer("smoother").generator.state)))
    print("predict", r(model.predict(series[:3], verbose=0)[:, 0], 4))

    inputs = keras.Input((8, 2), name="series")
    cumulative = ops.associative_scan(ops.add, inputs, axis=1)
    doubled = ops.vectorized_map(lambda row: ops.flip(row, 0), inputs)
    totals = ops.map(lambda row: ops.max(row), inputs)
    print("symbolic", [tuple(t.shape) for t in (cumulative, doubled, totals)])
    merged = layers.Concatenate()([layers.Flatten()(cumulative), layers.Flatten()(doubled), ops.expand_dims(totals, -1)])
    graph = keras.Model(inputs, layers.Dense(1)(merged), name="graph_flow")
    graph.compile(optimizer=keras.optimizers.SGD(0.0003), loss="mse")
    history = graph.fit(series, target, batch_size=5, epochs=2, verbose=0, shuffle=False)
    print("graph fit", r(history.history["loss"], 4), [layer.name for layer in graph.layers][-2:])


if __name__ == "__main__":
    main()
