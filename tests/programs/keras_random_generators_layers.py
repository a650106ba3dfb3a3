"""A Keras program, written for Keras 3: keras.random as a simulation or data-augmentation script uses it — a
keras.random.SeedGenerator passed to several draws (its state advancing, reproducible after re-creating it with
the same seed), integer seeds versus generators versus keras.utils.set_random_seed, broadcast parameters for beta,
gamma and binomial, categorical with a dtype, randint's dtype and bounds, shuffle along axis 1, truncated_normal's
two-sigma bound, dropout with a noise_shape holding None, and a layer owning a SeedGenerator (its state among the
layer's non-trainable variables, saved and restored). It prints only what Keras pins on every backend: shapes,
dtypes, bounds, equalities and the SeedGenerator's state. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops, random


def np_(value):
    return np.asarray(ops.convert_to_numpy(value))


class Jitter(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        return x * random.uniform(ops.shape(x), 0.9, 1.1, seed=self.generator)


def main():
    gen = random.SeedGenerator(42)
    print("state start", np_(gen.state).tolist(), str(np_(gen.state).dtype))
    first = [np_(random.normal((3,), seed=gen)) for _ in range(3)]
    print("state after 3", np_(gen.state).tolist())
    print("draws differ", bool(not np.allclose(first[0], first[1])), bool(not np.allclose(first[1], first[2])))
    again = random.SeedGenerator(42)
    print("recreated same", all(np.array_equal(a, np_(random.normal((3,), seed=again))) for a in first))
    print("int seed repeats", bool(np.array_equal(np_(random.uniform((4,), seed=5)),
                                                  np_(random.uniform((4,), seed=5)))))
    print("config", gen.get_config())

    keras.utils.set_random_seed(3)
    a = np_(random.normal((5,)))
    keras.utils.set_random_seed(3)
    b = np_(random.normal((5,)))
    print("set_random_seed repeats", bool(np.array_equal(a, b)))

    be = np_(random.beta((2000, 2), alpha=np.array([2.0, 8.0]), beta=np.array([2.0, 2.0]), seed=1))
    print("beta broadcast", be.shape, bool((be > 0).all() and (be < 1).all()),
          [abs(m - t) < 0.05 for m, t in zip(be.mean(axis=0), [0.5, 0.8])])
    ga = np_(random.gamma((3000,), alpha=4.0, seed=2, dtype="float64"))
    print("gamma", ga.dtype, bool(ga.min() > 0), bool(abs(ga.mean() - 4.0) < 0.2))
    bi = np_(random.binomial((2000, 3), counts=np.array([5.0, 10.0, 20.0]), probabilities=0.5, seed=3))
    print("binomial broadcast", bi.shape, str(bi.dtype), bi.max(axis=0).tolist() <= [5.0, 10.0, 20.0],
          [abs(m - t) < 0.3 for m, t in zip(bi.mean(axis=0), [2.5, 5.0, 10.0])])
    cat = np_(random.categorical(np.log(np.array([[0.5, 0.5, 1e-9]], "float32")), 400, dtype="int64", seed=4))
    print("categorical", cat.shape, str(cat.dtype), sorted(set(cat.ravel().tolist())))
    ri = np_(random.randint((1000,), -3, 4, dtype="int32", seed=5))
    print("randint", str(ri.dtype), int(ri.min()), int(ri.max()), len(set(ri.tolist())))
    tn = np_(random.truncated_normal((5000,), mean=1.0, stddev=2.0, seed=6))
    print("truncated", bool(tn.min() >= -3.0 - 1e-5), bool(tn.max() <= 5.0 + 1e-5), bool(abs(tn.mean() - 1.0) < 0.1))
    rows = np.arange(12).reshape(3, 4)
    sh = np_(random.shuffle(rows, axis=1, seed=7))
    print("shuffle axis 1", sh.shape, [sorted(r) == list(range(4 * i, 4 * i + 4)) for i, r in enumerate(sh.tolist())],
          len({tuple(np.argsort(r).tolist()) for r in sh.tolist()}) == 1)
    x = ops.ones((4, 3, 5), "float32")
    dr = np_(random.dropout(x, rate=0.5, noise_shape=(None, 1, 5), seed=8))
    print("dropout noise None", dr.shape, all(len(set(dr[i, :, j].tolist())) == 1 for i in range(4) for j in range(5)),
          sorted(set(dr.ravel().tolist())))

    layer = Jitter(seed=9, name="jitter")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(1, kernel_initializer="ones")(layer(inputs)))
    print("layer variables", [(v.path, tuple(v.shape), v.trainable) for v in layer.variables])
    print("model non-trainable", [v.path for v in model.non_trainable_variables])
    data = np.ones((2, 4), "float32")
    before = np_(layer.generator.state).tolist()
    out1 = np_(layer(data, training=True))
    print("state moved", before != np_(layer.generator.state).tolist(), out1.shape,
          bool(((out1 >= 0.9) & (out1 <= 1.1)).all()))
    saved = model.get_weights()
    out2 = np_(layer(data, training=True))
    model.set_weights(saved)
    out3 = np_(layer(data, training=True))
    print("restored state repeats", bool(np.array_equal(out2, out3)), bool(not np.array_equal(out1, out2)))
    print("inference", np_(model(data)).ravel().tolist())
