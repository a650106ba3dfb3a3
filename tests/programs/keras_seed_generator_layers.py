"""A Keras program, written for Keras 3: custom layers that own a keras.random.SeedGenerator — feature noise from
random.normal, a token-dropping mask from random.uniform, mixup with random.beta and random.shuffle, and a
stochastic-depth residual block gated by random.binomial — active only in training, in a model trained after
keras.utils.set_random_seed; it prints the draws, the SeedGenerator's state and config, the training losses, and
that inference is deterministic. deepgrad draws Keras's own numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops, random


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class FeatureNoise(layers.Layer):
    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        return x + random.normal(ops.shape(x), stddev=self.stddev, seed=self.seed_generator)


class TokenDrop(layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        keep = random.uniform(ops.shape(x)[:2], seed=self.seed_generator) >= self.rate
        return x * ops.expand_dims(ops.cast(keep, x.dtype), -1)


class StochasticDepth(layers.Layer):
    def __init__(self, survival, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.survival = survival
        self.dense = layers.Dense(6, activation="relu")
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, x, training=False):
        branch = self.dense(x)
        if training:
            gate = random.binomial((ops.shape(x)[0], 1, 1), counts=1.0, probabilities=self.survival,
                                   seed=self.seed_generator)
            return x + branch * gate / self.survival
        return x + branch


def mixup(x, y, seed):
    lam = random.beta((ops.shape(x)[0], 1), 0.4, 0.4, seed=seed)
    order = random.shuffle(ops.arange(ops.shape(x)[0]), seed=seed)
    mixed_x = lam[:, :, None] * x + (1.0 - lam[:, :, None]) * ops.take(x, order, axis=0)
    mixed_y = lam * y + (1.0 - lam) * ops.take(y, order, axis=0)
    return mixed_x, mixed_y


def main():
    keras.utils.set_random_seed(1234)
    generator = random.SeedGenerator(42, name="stream")
    print("generator config", generator.get_config())
    print("gamma", r(random.gamma((3,), alpha=0.7, seed=generator)), "binomial",
          r(random.binomial((4,), counts=10.0, probabilities=0.3, seed=4)))
    first = random.normal((3,), seed=generator)
    second = random.normal((3,), seed=generator)
    print("draws differ", bool(ops.any(first != second)), "state", r(ops.convert_to_numpy(generator.state)))
    print("normal", r(first), r(second))
    print("uniform int seed", r(random.uniform((4,), minval=-1.0, maxval=1.0, seed=7)))
    print("randint", ops.convert_to_numpy(random.randint((6,), 0, 10, seed=generator)).tolist())
    print("truncated", r(random.truncated_normal((4,), stddev=0.5, seed=3)))
    print("categorical", ops.convert_to_numpy(random.categorical(ops.log(ops.convert_to_tensor(
        [[0.1, 0.6, 0.3]])), 8, seed=generator)).tolist())

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5, 6)).astype("float32")
    y = keras.utils.to_categorical((x[:, :, 0].sum(axis=1) > 0).astype("int32"), 2).astype("float32")
    mixed_x, mixed_y = mixup(ops.convert_to_tensor(x[:8]), ops.convert_to_tensor(y[:8]), seed=99)
    print("mixup", r(mixed_y[:3, 0]), r(mixed_x[0, 0, :3]))

    inputs = keras.Input((5, 6))
    h = FeatureNoise(0.1, seed=5, name="noise")(inputs)
    h = TokenDrop(0.2, seed=6, name="drop_tokens")(h)
    h = StochasticDepth(0.7, seed=8, name="depth")(h)
    h = layers.GlobalAveragePooling1D()(h)
    h = layers.Dropout(0.25, seed=11)(h)
    outputs = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    print("weights", [tuple(w.shape) for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    print("loss", r(history.history["loss"]))
    print("accuracy", r(history.history["accuracy"]))
    once = model.predict(x[:4], verbose=0)
    twice = model.predict(x[:4], verbose=0)
    print("inference deterministic", bool(np.array_equal(once, twice)), r(once[:, 0]))
    noisy = model.get_layer("noise")
    print("training draws", r(noisy(ops.zeros((1, 2, 3)), training=True)[0, 0]))
    print("seed state", ops.convert_to_numpy(noisy.seed_generator.state).tolist())
    print("dropout layer", r(layers.Dropout(0.5, seed=3)(ops.ones((1, 8)), training=True)[0]))


if __name__ == "__main__":
    main()
