"""A Keras program, written for Keras 3: fit fed the ways older tutorials feed it — an endless Python generator with
steps_per_epoch and a validation generator with validation_steps, a finite generator function for predict and
evaluate, a keras.utils.Sequence subclass yielding [x1, x2] lists for a two-input model, and arrays with
shuffle="batch" after keras.utils.set_random_seed (checked only through what stays fixed under shuffling: the
epoch count, the keys and the final predictions' shapes); the History printed per epoch. Real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def endless(x, y, batch_size):
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


def finite(x, batch_size):
    for start in range(0, len(x), batch_size):
        yield (x[start:start + batch_size],)


class Pairs(keras.utils.Sequence):
    def __init__(self, a, b, y, batch_size):
        super().__init__()
        self.a, self.b, self.y, self.batch_size = a, b, y, batch_size

    def __len__(self):
        return (len(self.a) + self.batch_size - 1) // self.batch_size

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return [self.a[part], self.b[part]], self.y[part]


def main():
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (60, 3)).astype("float32")
    y = np.stack([np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2], x[:, 0] - x[:, 2]], axis=1).astype("float32")

    model = keras.Sequential([keras.Input((3,)), layers.Dense(16, activation="gelu"), layers.Dense(2)])
    init = np.random.default_rng(5)
    model.set_weights([init.normal(0, 0.4, v.shape).astype("float32") for v in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse",
                  metrics=[keras.metrics.MeanAbsoluteError(name="mae"), keras.metrics.RootMeanSquaredError()])
    history = model.fit(endless(x[:48], y[:48], 10), steps_per_epoch=5, epochs=4, verbose=0,
                        validation_data=endless(x[48:], y[48:], 6), validation_steps=2)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("params", sorted(history.params.items()), history.epoch)

    print("evaluate finite", r(model.evaluate(endless(x[48:], y[48:], 4), steps=3, verbose=0)))
    predictions = model.predict(finite(x[48:], 5), verbose=0)
    print("predict finite", predictions.shape, r(predictions[-1]))
    print("predict steps", model.predict(endless(x, y, 7), steps=3, verbose=0).shape)

    a = rng.standard_normal((40, 4)).astype("float32")
    b = rng.standard_normal((40, 2)).astype("float32")
    label = (a[:, 0] * b[:, 0] + a[:, 1] > 0).astype("int32")
    in_a, in_b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    joined = layers.Concatenate()([layers.Dense(6, activation="relu")(in_a), in_b])
    two = keras.Model([in_a, in_b], layers.Dense(2, activation="softmax")(joined))
    two.set_weights([init.normal(0, 0.5, v.shape).astype("float32") for v in two.get_weights()])
    two.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.5), loss="sparse_categorical_crossentropy",
                metrics=["sparse_categorical_accuracy"])
    history = two.fit(Pairs(a[:32], b[:32], label[:32], 8), validation_data=Pairs(a[32:], b[32:], label[32:], 3),
                      epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print("pairs", key, r(history.history[key]))
    print("pairs predict", r(two.predict(Pairs(a[32:], b[32:], label[32:], 3), verbose=0)[:2]))

    keras.utils.set_random_seed(11)
    shuffled = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)])
    shuffled.compile(optimizer="adam", loss="mse")
    history = shuffled.fit(x, y, batch_size=16, epochs=3, shuffle="batch", verbose=0, validation_split=0.2)
    print("batch shuffle", sorted(history.history), len(history.history["loss"]), history.params["steps"])
    print("batch shuffle predict", shuffled.predict(x[:5], verbose=0).shape)


if __name__ == "__main__":
    main()
