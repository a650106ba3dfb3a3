"""A Keras program, written for Keras 3 on the torch backend: a keras.utils.PyDataset subclass that yields dicts
of named inputs and named outputs with per-output sample weights (a dict too), feeding a two-input, two-output
functional model (a numeric branch and an Embedding branch, a regression head and a classification head) compiled
with dict losses, loss_weights and per-output metrics; fit with a validation PyDataset and the callbacks
LearningRateScheduler (a Python function of the epoch and the rate), ReduceLROnPlateau, CSVLogger (the file is
printed back), TerminateOnNaN and a LambdaCallback recording on_epoch_end logs; then a second fit on arrays with
validation_split and sample_weight, then class_weight, on a single-output model. Data and weights come from NumPy, so
real Keras and deepgrad print the same numbers."""
import csv
import math

import numpy as np

import keras
from keras import layers


class TwoHeadData(keras.utils.PyDataset):
    def __init__(self, numbers, tokens, price, kind, batch_size, weighted=False, **kwargs):
        super().__init__(**kwargs)
        self.numbers, self.tokens, self.price, self.kind = numbers, tokens, price, kind
        self.batch_size, self.weighted = batch_size, weighted

    def __len__(self):
        return math.ceil(len(self.numbers) / self.batch_size)

    def __getitem__(self, idx):
        low = idx * self.batch_size
        high = min(low + self.batch_size, len(self.numbers))
        x = {"numbers": self.numbers[low:high], "tokens": self.tokens[low:high]}
        y = {"price": self.price[low:high], "kind": self.kind[low:high]}
        if not self.weighted:
            return x, y
        weights = {"price": np.linspace(0.5, 1.5, high - low).astype("float32"),
                   "kind": np.where(self.kind[low:high] == 1, 2.0, 1.0).astype("float32")}
        return x, y, weights


def schedule(epoch, lr):
    if epoch < 2:
        return lr
    return lr * float(np.exp(-0.5))


def main():
    rng = np.random.default_rng(77)
    n = 48
    numbers = rng.normal(size=(n, 4)).astype("float32")
    tokens = rng.integers(1, 12, (n, 5)).astype("int32")
    price = (numbers @ np.array([0.5, -1.0, 0.3, 0.0]) + (tokens % 3).mean(1)).astype("float32")[:, None]
    kind = ((numbers[:, 0] + (tokens[:, 0] > 6)) > 0.5).astype("int32")
    train = TwoHeadData(numbers[:36], tokens[:36], price[:36], kind[:36], batch_size=12, weighted=True)
    val = TwoHeadData(numbers[36:], tokens[36:], price[36:], kind[36:], batch_size=6)
    print("batches", len(train), len(val), sorted(train[0][0]), sorted(train[0][2]))

    numeric_input = keras.Input((4,), name="numbers")
    token_input = keras.Input((5,), dtype="int32", name="tokens")
    embedded = layers.GlobalAveragePooling1D()(layers.Embedding(12, 4)(token_input))
    merged = layers.concatenate([layers.Dense(6, activation="relu")(numeric_input), embedded])
    price_out = layers.Dense(1, name="price")(merged)
    kind_out = layers.Dense(2, activation="softmax", name="kind")(merged)
    model = keras.Model({"numbers": numeric_input, "tokens": token_input}, {"price": price_out, "kind": kind_out})
    init = np.random.default_rng(4)
    model.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.RMSprop(0.01),
                  loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
                  loss_weights={"price": 1.0, "kind": 0.5},
                  metrics={"price": [keras.metrics.MeanAbsoluteError(name="mae")], "kind": ["accuracy"]})

    epochs_seen = []
    callbacks = [keras.callbacks.LearningRateScheduler(schedule),
                 keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.05),
                 keras.callbacks.CSVLogger("training.csv"), keras.callbacks.TerminateOnNaN(),
                 keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(
                     (epoch, round(logs["loss"], 4))))]
    history = model.fit(train, validation_data=val, epochs=5, callbacks=callbacks, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("epochs seen", epochs_seen)
    with open("training.csv") as handle:
        rows = list(csv.reader(handle))
    print("csv header", rows[0])
    print("csv last row", [round(float(v), 4) for v in rows[-1]])
    results = model.evaluate(val, verbose=0, return_dict=True)
    print("evaluate", {k: round(v, 4) for k, v in sorted(results.items())})
    predictions = model.predict(val, verbose=0)
    print("predict", sorted(predictions), np.round(predictions["price"][:3, 0].astype("float64"), 4).tolist(),
          np.round(predictions["kind"][0].astype("float64"), 4).tolist())

    single = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(2,
                               activation="softmax")])
    single.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in single.get_weights()])
    single.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"], weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="wacc")])
    for weights in ({"sample_weight": np.linspace(0.2, 1.8, n).astype("float32")},
                    {"class_weight": {0: 1.0, 1: 3.0}}):
        history = single.fit(numbers, kind, validation_split=0.25, batch_size=12, epochs=3, shuffle=False,
                             verbose=0, **weights)
        for key in sorted(history.history):
            print(*weights, key, np.round(history.history[key], 4).tolist())


if __name__ == "__main__":
    main()
