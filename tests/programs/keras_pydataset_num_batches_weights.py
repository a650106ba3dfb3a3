"""A Keras program, written for Keras 3: keras.utils.PyDataset subclasses beyond __len__ — one that defines the
num_batches property instead (a fixed count, then None for an endless stream read with steps_per_epoch), one that
yields dicts of named inputs, with class_weight given to fit on a PyDataset of integer labels, sample weights
from a third tuple element (on a dataset of its own: Keras refuses both at once), and a validation PyDataset; the History per epoch, evaluate with steps, and predict.
The weights come from keras.utils.set_random_seed, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class Counted(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, weights=None, endless=False, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.w, self.batch_size, self.endless = x, y, weights, batch_size, endless
        self.reads = 0

    @property
    def num_batches(self):
        if self.endless:
            return None
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        self.reads += 1
        count = -(-len(self.x) // self.batch_size)
        rows = slice((index % count) * self.batch_size, (index % count + 1) * self.batch_size)
        inputs = {"numbers": self.x[rows, :3], "flags": self.x[rows, 3:]}
        if self.w is None:
            return inputs, self.y[rows]
        return inputs, self.y[rows], self.w[rows]


def main():
    rng = np.random.default_rng(17)
    x = rng.normal(size=(72, 5)).astype("float32")
    x[:, 3:] = (x[:, 3:] > 0).astype("float32")
    y = np.where(x[:, 0] + x[:, 3] > 1.2, 2, np.where(x[:, 1] > 0.3, 1, 0)).astype("int32")
    w = np.linspace(0.5, 1.5, 72).astype("float32")
    print("class counts", np.bincount(y, minlength=3).tolist())

    train = Counted(x[:56], y[:56], 8)
    val = Counted(x[56:], y[56:], 8)
    print("num_batches", train.num_batches, val.num_batches, Counted(x, y, 8, endless=True).num_batches)

    keras.utils.set_random_seed(4)
    numbers = keras.Input((3,), name="numbers")
    flags = keras.Input((2,), name="flags")
    h = layers.concatenate([layers.Dense(8, activation="relu")(numbers), flags])
    out = layers.Dense(3, activation="softmax")(h)
    model = keras.Model({"numbers": numbers, "flags": flags}, out)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="wacc")])
    history = model.fit(train, validation_data=val, epochs=3, verbose=0, shuffle=False,
                        class_weight={0: 1.0, 1: 2.0, 2: 4.0})
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("params", sorted(history.params.items()))

    endless = Counted(x[:56], y[:56], 8, endless=True)
    history = model.fit(endless, steps_per_epoch=5, epochs=3, verbose=0, shuffle=False)
    print("endless loss", r(history.history["loss"]), "steps", history.params["steps"])
    weighted = Counted(x[:56], y[:56], 8, weights=w[:56])
    history = model.fit(weighted, epochs=2, verbose=0, shuffle=False)
    print("sample weighted", r(history.history["loss"]), r(history.history["wacc"]))
    print("evaluate steps", r(model.evaluate(Counted(x[56:], y[56:], 4, endless=True), steps=3, verbose=0)))
    print("evaluate", r(model.evaluate(val, verbose=0)))
    predictions = model.predict(val, verbose=0)
    print("predict", predictions.shape, r(predictions[0]), predictions.argmax(1)[:8].tolist())


if __name__ == "__main__":
    main()
