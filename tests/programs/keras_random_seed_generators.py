"""A Keras program, written for Keras 3: keras.random driven by SeedGenerators and integer seeds as a layer author
uses them — normal, uniform (int bounds too), randint, truncated_normal, categorical on logits, shuffle along an
axis, dropout with a noise shape, gamma and binomial; a SeedGenerator's state advancing draw by draw and two
generators with one seed agreeing; a custom layer that owns a SeedGenerator and adds noise only in training,
trained with fit; and a model whose Dense weights come from seeded initializers. Real Keras and deepgrad draw the
same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(t, digits=4):
    return np.round(ops.convert_to_numpy(t).astype("float64"), digits).tolist()


class TrainingNoise(layers.Layer):
    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if training:
            return x + keras.random.normal(ops.shape(x), stddev=self.stddev, seed=self.seed_generator)
        return x


def main():
    gen = keras.random.SeedGenerator(7)
    print("normal", r(keras.random.normal((2, 3), mean=1.0, stddev=0.5, seed=gen)))
    print("state after one draw", r(gen.state))
    print("uniform", r(keras.random.uniform((4,), minval=-2, maxval=3, seed=gen)))
    print("randint", r(keras.random.randint((6,), 0, 10, seed=gen)))
    print("truncated", r(keras.random.truncated_normal((5,), stddev=2.0, seed=gen)))
    logits = ops.log(ops.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]))
    print("categorical", r(keras.random.categorical(logits, 6, seed=gen)))
    print("state after six draws", r(gen.state))

    twin_a, twin_b = keras.random.SeedGenerator(11), keras.random.SeedGenerator(11)
    a = keras.random.uniform((3,), seed=twin_a)
    b = keras.random.uniform((3,), seed=twin_b)
    print("twins agree", bool(np.allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b))), r(a))
    print("twins second draw", r(keras.random.uniform((3,), seed=twin_a)))

    grid = ops.reshape(ops.arange(12, dtype="float32"), (3, 4))
    print("shuffle rows", r(keras.random.shuffle(grid, seed=5)))
    print("shuffle axis 1", r(keras.random.shuffle(grid, axis=1, seed=5)))
    print("dropout", r(keras.random.dropout(ops.ones((2, 4)), 0.5, noise_shape=(1, 4), seed=3)))
    print("int seed repeats", r(keras.random.normal((3,), seed=42)), r(keras.random.normal((3,), seed=42)))
    print("gamma", r(keras.random.gamma((4,), alpha=2.0, seed=9)))
    print("binomial", r(keras.random.binomial((5,), counts=10.0, probabilities=0.3, seed=9)))

    keras.utils.set_random_seed(3)
    x = np.random.default_rng(1).normal(size=(24, 5)).astype("float32")
    y = (x[:, :2].sum(axis=1, keepdims=True) > 0).astype("float32")
    model = keras.Sequential([
        keras.Input((5,)),
        TrainingNoise(0.3, seed=21, name="noise"),
        layers.Dense(4, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=1)),
        layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.RandomNormal(0.0, 0.2, seed=2)),
    ])
    print("first kernel", r(model.layers[1].kernel[0]))
    print("noise layer variables", [v.path for v in model.get_layer("noise").variables])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("accuracy", ["%.5f" % v for v in history.history["accuracy"]])
    print("noise state after fit", r(model.get_layer("noise").seed_generator.state))
    print("inference is deterministic", bool(np.array_equal(model.predict(x[:4], verbose=0),
                                                            model.predict(x[:4], verbose=0))))
    print("predict", r(model.predict(x[:4], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
