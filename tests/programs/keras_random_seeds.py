"""A Keras program, written for Keras 3: keras.random as users call it in custom layers and data pipelines —
normal, uniform, truncated_normal, randint, categorical, dropout (noise_shape), shuffle, gamma, binomial and beta
with integer seeds and with a keras.random.SeedGenerator (its state advancing call by call, get_config), a custom
noise layer drawing from a SeedGenerator only in training, and keras.utils.set_random_seed. The values of the
random streams differ between backends, so it prints what Keras guarantees on every backend: shapes, dtypes,
bounds, reproducibility for a fixed seed, independence of successive draws, and the exact effect of dropout on
the values it keeps."""
import numpy as np

import keras
from keras import layers, ops, random


def np_(value):
    return np.asarray(ops.convert_to_numpy(value))


class GaussianJitter(layers.Layer):
    """Adds N(0, stddev) noise in training only, from its own SeedGenerator."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        return x + random.normal(ops.shape(x), stddev=self.stddev, seed=self.seed_generator)


def main():
    a, b = random.normal((3, 4), seed=7), random.normal((3, 4), seed=7)
    print("normal", tuple(a.shape), str(np_(a).dtype), bool(np.array_equal(np_(a), np_(b))),
          bool(np.array_equal(np_(a), np_(random.normal((3, 4), seed=8)))))
    shifted = np_(random.normal((4000,), mean=2.0, stddev=0.5, seed=1))
    print("normal moments", round(float(shifted.mean()), 1), round(float(shifted.std()), 1))
    u = np_(random.uniform((1000,), minval=-2.0, maxval=3.0, seed=2, dtype="float64"))
    print("uniform", str(u.dtype), bool(u.min() >= -2.0), bool(u.max() < 3.0), bool(u.max() - u.min() > 4.5))
    t = np_(random.truncated_normal((2000,), stddev=1.5, seed=3))
    print("truncated", bool(np.abs(t).max() <= 3.0), bool(np.abs(t).max() > 2.5))
    r = np_(random.randint((500,), minval=3, maxval=9, seed=4))
    print("randint", str(r.dtype), sorted(set(r.tolist())))
    logits = np.log(np.array([[0.7, 0.2, 0.1], [0.0001, 0.0001, 0.9998]], "float32"))
    draws = np_(random.categorical(logits, 200, seed=5))
    print("categorical", draws.shape, str(draws.dtype), sorted(set(draws[0].tolist())), bool((draws[1] == 2).mean() > 0.95))
    x = ops.convert_to_tensor(np.arange(1.0, 21.0, dtype="float32").reshape(4, 5))
    dropped = np_(random.dropout(x, rate=0.25, seed=6))
    kept = dropped != 0
    print("dropout", bool(np.allclose(dropped[kept], np_(x)[kept] / 0.75)), bool(0 < kept.mean() < 1))
    columns = np_(random.dropout(x, rate=0.5, noise_shape=(1, 5), seed=6))
    print("dropout noise_shape", bool(all(len(set((columns[:, j] != 0).tolist())) == 1 for j in range(5))))
    shuffled = np_(random.shuffle(np.arange(10), seed=7))
    print("shuffle", sorted(shuffled.tolist()) == list(range(10)), shuffled.shape)
    g = np_(random.gamma((3000,), alpha=2.0, seed=8))
    print("gamma", bool(g.min() > 0), round(float(g.mean()), 0))
    n = np_(random.binomial((3000,), counts=10.0, probabilities=0.3, seed=9))
    print("binomial", bool(n.min() >= 0 and n.max() <= 10), round(float(n.mean()), 0))
    be = np_(random.beta((3000,), alpha=2.0, beta=2.0, seed=10))
    print("beta", bool(be.min() > 0 and be.max() < 1), round(float(be.mean()), 1))

    generator = random.SeedGenerator(42)
    first, second = random.uniform((5,), seed=generator), random.uniform((5,), seed=generator)
    print("generator", bool(not np.array_equal(np_(first), np_(second))), generator.get_config(),
          type(generator.state).__name__, np_(generator.state).tolist(), generator.state.path)
    again = random.SeedGenerator(42)
    print("generator replay", bool(np.array_equal(np_(random.uniform((5,), seed=again)), np_(first))))

    keras.utils.set_random_seed(123)
    one = np_(random.normal((4,)))
    keras.utils.set_random_seed(123)
    print("set_random_seed", bool(np.array_equal(one, np_(random.normal((4,))))))

    jitter = GaussianJitter(0.1, seed=3, name="jitter")
    inputs = np.ones((2, 3), "float32")
    print("jitter inference", np_(jitter(inputs)).tolist())
    noisy_a, noisy_b = np_(jitter(inputs, training=True)), np_(jitter(inputs, training=True))
    print("jitter training", noisy_a.shape, bool(not np.array_equal(noisy_a, noisy_b)),
          bool(np.abs(noisy_a - 1).max() < 0.6), len(jitter.weights), len(jitter.non_trainable_weights))
    model = keras.Sequential([keras.Input((3,)), GaussianJitter(0.05, seed=1), layers.Dense(1, name="out")])
    model.set_weights([np.full(w.shape, 0.5, "float32") for w in model.get_weights()])
    print("model weights", [w.path for w in model.weights], np_(model.predict(inputs, verbose=0)).ravel().tolist())


if __name__ == "__main__":
    main()
