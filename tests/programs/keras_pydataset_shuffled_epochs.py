"""A Keras program, written for Keras 3: a keras.utils.PyDataset subclass the way the "Data loading" guide writes it
— workers / use_multiprocessing / max_queue_size passed to super().__init__, its own index permutation redrawn in
on_epoch_end from a seeded NumPy generator, (x, y, sample_weight) batches with a partial last batch — fed to fit
with steps_per_epoch shorter than an epoch and a validation PyDataset, then evaluate and predict on PyDatasets
that yield x only and (x, y) pairs, and the History (keys, values per epoch, params, epoch). Real Keras and deepgrad
print the same."""
import math

import numpy as np

import keras
from keras import layers


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class Shuffled(keras.utils.PyDataset):
    def __init__(self, x, y=None, batch_size=8, weights=None, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.weights, self.batch_size = x, y, weights, batch_size
        self.rng = np.random.default_rng(seed)
        self.order = np.arange(len(x))
        self.ends = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        if self.y is None:
            return (self.x[rows],)
        if self.weights is None:
            return self.x[rows], self.y[rows]
        return self.x[rows], self.y[rows], self.weights[rows]

    def on_epoch_end(self):
        self.ends += 1
        self.order = self.rng.permutation(len(self.x))


def main():
    rng = np.random.default_rng(15)
    x = rng.standard_normal((45, 5)).astype("float32")
    y = (x[:, 0] - 0.5 * x[:, 1] + 0.25 * x[:, 2] * x[:, 3] > 0).astype("float32")[:, None]
    w = np.where(y[:, 0] > 0, 1.5, 1.0).astype("float32")

    train = Shuffled(x[:33], y[:33], batch_size=8, weights=w[:33], seed=3, workers=1, use_multiprocessing=False,
                     max_queue_size=4)
    val = Shuffled(x[33:], y[33:], batch_size=5)
    print("lengths", len(train), len(val), [a.shape for a in train[4]])
    print("options", train.workers, train.use_multiprocessing, train.max_queue_size)
    print("num_batches", train.num_batches, val.num_batches)

    model = keras.Sequential([keras.Input((5,)), layers.Dense(12, activation="relu"),
                              layers.Dense(6, activation="tanh"), layers.Dense(1, activation="sigmoid")])
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.5, 0.5, v.shape).astype("float32") for v in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc", num_thresholds=50)],
                  weighted_metrics=[keras.metrics.BinaryAccuracy(name="wacc")])

    history = model.fit(train, epochs=4, verbose=0, shuffle=False, validation_data=val)
    print("keys", sorted(history.history))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("epoch", history.epoch, "ends", train.ends, val.ends)
    print("params", sorted(history.params.items()))
    print("first order", train.order[:6].tolist())

    history = model.fit(train, epochs=3, steps_per_epoch=2, verbose=0, shuffle=False, validation_data=val, validation_steps=1)
    for key in sorted(history.history):
        print("short", key, r(history.history[key]))
    print("short params", sorted(history.params.items()), "ends", train.ends)

    print("evaluate", r(model.evaluate(val, verbose=0)))
    results = model.evaluate(Shuffled(x, y, batch_size=10), verbose=0, return_dict=True)
    print("evaluate dict", {k: round(v, 5) for k, v in sorted(results.items())})
    predictions = model.predict(Shuffled(x[33:], batch_size=4), verbose=0)
    print("predict", predictions.shape, predictions.dtype, r(predictions[:4, 0]))
    same = model.predict(x[33:], batch_size=4, verbose=0)
    print("same as arrays", bool(np.allclose(same, predictions, atol=1e-6)))
    print("iterations", int(model.optimizer.iterations))


if __name__ == "__main__":
    main()
