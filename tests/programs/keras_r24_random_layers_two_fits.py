"""A Keras program, written for Keras 3: custom layers drawing from `keras.random` with their own
`SeedGenerator` during training — multiplicative gamma noise, a beta-mixed input blend, binomial feature dropping,
`keras.random.dropout` with a noise shape, truncated-normal jitter, `shuffle` of the batch rows for a contrastive
term added with `add_loss`, and `categorical`/`randint` draws printed — inside a model trained twice from
`keras.utils.set_random_seed` (both fits print the same losses and weights), then a third fit from another seed;
the generators' states and the draws in inference (where the layers pass inputs through) are printed. Weights are
set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


class NoisyFeatures(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        scale = keras.random.gamma(ops.shape(x), alpha=20.0, seed=self.generator) / 20.0
        keep = keras.random.binomial(ops.shape(x), counts=1, probabilities=0.9, seed=self.generator)
        mix = keras.random.beta((ops.shape(x)[0], 1), alpha=2.0, beta=5.0, seed=self.generator)
        jitter = keras.random.truncated_normal(ops.shape(x), stddev=0.05, seed=self.generator)
        x = x * scale * keep + jitter
        return (1.0 - mix) * x + mix * ops.mean(x, axis=0, keepdims=True)


class RowDropout(layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        return keras.random.dropout(x, self.rate, noise_shape=(ops.shape(x)[0], 1), seed=self.generator)


class ShuffledAgreement(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if training:
            other = keras.random.shuffle(x, axis=0, seed=self.generator)
            self.add_loss(0.01 * ops.mean(ops.sum(x * other, axis=-1)))
        return x


def build():
    inp = keras.Input((5,))
    h = NoisyFeatures(seed=11, name="noisy")(inp)
    h = layers.Dense(8, activation="relu", name="hidden")(h)
    h = RowDropout(0.25, seed=12, name="row_drop")(h)
    h = ShuffledAgreement(seed=13, name="agree")(h)
    h = layers.Dropout(0.1, seed=14, name="drop")(h)
    model = keras.Model(inp, layers.Dense(1, name="out")(h), name="noisy_regressor")
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    return model


def main():
    rng = np.random.default_rng(2408)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:2] + 0.1 * rng.normal(size=(40, 1))).astype("float32")

    runs = []
    for seed in (24, 24, 7):
        keras.utils.set_random_seed(seed)
        model = build()
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=True, validation_split=0.2)
        runs.append(model)
        print("seed", seed, "loss", r(history.history["loss"]), "val_loss", r(history.history["val_loss"]))
        print("seed", seed, "out kernel", r(model.get_layer("out").kernel[:3, 0]))
    print("first two equal", all(np.array_equal(a, b) for a, b in zip(runs[0].get_weights(),
                                                                      runs[1].get_weights())))
    print("third differs", not all(np.array_equal(a, b) for a, b in zip(runs[0].get_weights(),
                                                                         runs[2].get_weights())))
    model = runs[2]
    print("generator states", [r(model.get_layer(n).generator.state) for n in ("noisy", "row_drop", "agree")])
    print("inference equal", bool(np.allclose(model.predict(x[:4], verbose=0), ops.convert_to_numpy(model(x[:4])),
                                              atol=1e-6)))
    print("training call", r(model(x[:3], training=True)[:, 0]))
    print("losses after training call", len(model.losses), r(model.losses[0]))

    gen = keras.random.SeedGenerator(5)
    logits = ops.convert_to_tensor([[0.0, 1.0, 2.0], [2.0, 0.0, -1.0]])
    print("categorical", r(keras.random.categorical(logits, 6, seed=gen)))
    print("randint", r(keras.random.randint((2, 5), 0, 10, seed=gen)))
    print("gamma", r(keras.random.gamma((4,), alpha=0.5, seed=gen)))
    print("binomial", r(keras.random.binomial((4,), counts=10, probabilities=0.3, seed=gen)))
    print("state", r(gen.state))


if __name__ == "__main__":
    main()
