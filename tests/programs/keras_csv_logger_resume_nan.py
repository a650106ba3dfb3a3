"""A Keras program, written for Keras 3: a training run logged and resumed the way long jobs are — CSVLogger with
a custom separator and append=True across two fit calls (the second from initial_epoch), a
LearningRateScheduler taking (epoch, lr) with verbose=1, the CSV read back with the csv module, then a run whose
learning rate explodes stopped by TerminateOnNaN (its message, the History it leaves, the NaN weights), and
keras.callbacks.CallbackList driven by hand. Real Keras and deepgrad print the same."""
import csv

import numpy as np

import keras
from keras import callbacks, layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def schedule(epoch, lr):
    return float(lr) if epoch < 2 else float(lr) * 0.5


def make(seed):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(60)
    x = rng.standard_normal((48, 3)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]], "float32") + 1.0).astype("float32")

    model = make(1)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    logger = callbacks.CSVLogger("train.csv", separator=";", append=True)
    first = model.fit(x, y, batch_size=12, epochs=3, shuffle=False, verbose=0, validation_split=0.25,
                      callbacks=[logger, callbacks.LearningRateScheduler(schedule, verbose=1)])
    second = model.fit(x, y, batch_size=12, epochs=5, initial_epoch=3, shuffle=False, verbose=0,
                       validation_split=0.25, callbacks=[logger, callbacks.LearningRateScheduler(schedule)])
    print("first", first.epoch, r(first.history["loss"]), r(first.history["learning_rate"]))
    print("second", second.epoch, r(second.history["val_loss"]), r(second.history["learning_rate"]))
    with open("train.csv", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    print("header", rows[0])
    for row in rows[1:]:
        print("row", row[0], r([float(v) for v in row[1:]]))

    exploding = make(2)
    exploding.compile(optimizer=keras.optimizers.SGD(3.0), loss="mse")
    history = exploding.fit(x * 10, y * 10, batch_size=8, epochs=4, shuffle=False, verbose=0,
                            callbacks=[callbacks.TerminateOnNaN()])
    print("nan history", history.epoch, [str(v) for v in history.history["loss"]])
    print("nan weights", bool(np.isnan(exploding.get_weights()[0]).any()), exploding.stop_training)

    class Record(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append((epoch, sorted((logs or {}).items())))

    record = Record()
    cb_list = callbacks.CallbackList([record], model=model)
    cb_list.on_epoch_end(0, {"loss": 1.5})
    cb_list.on_epoch_end(1, {"loss": 0.5, "mae": 0.25})
    print("callback list", record.calls, record.model is model)


if __name__ == "__main__":
    main()
