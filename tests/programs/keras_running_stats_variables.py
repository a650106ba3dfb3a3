"""A Keras program, written for Keras 3: layers that keep running statistics in non-trainable keras.Variables and
update them with assign in call only when training — a running-mean normalizer, an online k-means codebook and
a step counter — trained with fit, evaluated and used for predict (which must not change them); variables used
as Python numbers and arrays (float(), int(), np.asarray, indexing, arithmetic, comparisons), and their values
after each phase. Weights come from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class RunningNormalizer(layers.Layer):
    """Subtracts a running mean of the features, updated with momentum while training."""

    def __init__(self, momentum=0.5, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def build(self, input_shape):
        self.mean = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False, name="mean")
        self.steps = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="steps")

    def call(self, x, training=False):
        if training:
            batch_mean = ops.mean(x, axis=0)
            self.mean.assign(self.momentum * self.mean + (1.0 - self.momentum) * batch_mean)
            self.steps.assign_add(1)
        return x - self.mean


class Codebook(layers.Layer):
    """Assigns each input to its nearest code; codes move toward their members while training."""

    def __init__(self, codes, rate=0.3, **kwargs):
        super().__init__(**kwargs)
        self.codes, self.rate = codes, rate

    def build(self, input_shape):
        start = np.linspace(-1.0, 1.0, self.codes * input_shape[-1]).reshape(self.codes, input_shape[-1])
        self.centers = self.add_weight(shape=(self.codes, input_shape[-1]), trainable=False, name="centers",
                                       initializer=keras.initializers.Constant(start.astype("float32")))

    def call(self, x, training=False):
        distances = ops.sum((ops.expand_dims(x, 1) - ops.expand_dims(self.centers, 0)) ** 2, axis=-1)
        nearest = ops.argmin(distances, axis=-1)
        members = ops.one_hot(nearest, self.codes)
        if training:
            counts = ops.sum(members, axis=0)
            sums = ops.matmul(ops.transpose(members), x)
            means = sums / ops.maximum(ops.expand_dims(counts, -1), 1.0)
            moved = ops.where(ops.expand_dims(counts, -1) > 0,
                              self.centers + self.rate * (means - self.centers), self.centers)
            self.centers.assign(moved)
        return ops.concatenate([x, members], axis=-1)


def main():
    rng = np.random.default_rng(2)
    centers = np.array([[2.0, 2.0], [-2.0, 0.0], [0.0, -2.0]], "float32")
    labels = rng.integers(0, 3, 90)
    x = (centers[labels] + 0.3 * rng.normal(size=(90, 2))).astype("float32")
    y = (labels == 0).astype("float32")[:, None]

    inputs = keras.Input((2,))
    normalizer = RunningNormalizer(name="normalizer")
    codebook = Codebook(3, name="codebook")
    h = codebook(normalizer(inputs))
    outputs = layers.Dense(1, activation="sigmoid", name="head")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(5)
    model.get_layer("head").set_weights([init.uniform(-0.5, 0.5, (5, 1)).astype("float32"), np.zeros(1, "float32")])
    print("after build", r(normalizer.mean.numpy()), int(normalizer.steps.numpy()), r(codebook.centers.numpy()))
    print("non-trainable", [w.path for w in model.non_trainable_weights])

    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:72], y[:72], batch_size=24, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("running mean", r(normalizer.mean.numpy()), "steps", int(normalizer.steps.numpy()))
    print("centers", r(codebook.centers.numpy()))

    before = codebook.centers.numpy()
    print("evaluate", r(model.evaluate(x[72:], y[72:], verbose=0)))
    model.predict(x[72:], verbose=0)
    model(x[:4])
    print("inference leaves state", bool(np.array_equal(before, codebook.centers.numpy())),
          int(normalizer.steps.numpy()))
    model(x[:6], training=True)
    print("training call moves it", int(normalizer.steps.numpy()), r(normalizer.mean.numpy()))

    mean, steps = normalizer.mean, normalizer.steps
    print("as numbers", float(mean[0]), int(steps), r(np.asarray(mean)), len(mean.shape))
    print("arithmetic", r(ops.convert_to_numpy(mean * 2 + 1)), r(ops.convert_to_numpy(mean - mean)))
    print("comparisons", ops.convert_to_numpy(mean > 0).tolist(), bool(int(steps) > 3))
    print("ops on variables", r(ops.convert_to_numpy(ops.norm(codebook.centers, axis=-1))),
          ops.convert_to_numpy(ops.argmax(codebook.centers, axis=0)).tolist())
    steps.assign(0)
    mean.assign(np.zeros(2, "float32"))
    print("reset", int(steps.numpy()), r(mean.numpy()))
    codes = model.predict(x[:5], verbose=0)
    print("predict after reset", r(codes[:, 0]))


if __name__ == "__main__":
    main()
