"""A Keras program, written for Keras 3: what fit hands back and keeps — the History callback returned by each fit
and kept as model.history, history.history keys and values per epoch, history.epoch and history.params; fit
called again (epochs counted from 0 again, or resumed with initial_epoch), validation_freq as an int and as a
list, a custom callback reading self.model.history and the logs of each epoch, validation_data given as a
Python generator with validation_steps, and evaluate / predict after training. The weights start from
keras.utils.set_random_seed, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class EpochLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rows = []

    def on_epoch_end(self, epoch, logs=None):
        self.rows.append((epoch, sorted(logs), round(logs["loss"], 4)))

    def on_train_end(self, logs=None):
        self.rows.append(("end", type(self.model.history).__name__, sorted(logs or {})))


def repeat(x, y, batch_size):
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


def main():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 1)) + 0.2 * np.sin(3 * x[:, :1])).astype("float32")

    keras.utils.set_random_seed(21)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(10, activation="elu"), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.RMSprop(0.005), loss="huber", metrics=["mse"])
    log = EpochLog()
    first = model.fit(x[:64], y[:64], batch_size=16, epochs=3, verbose=0, shuffle=False, callbacks=[log],
                      validation_data=(x[64:], y[64:]))
    print("first keys", sorted(first.history), "epoch", first.epoch)
    for key in sorted(first.history):
        print("first", key, r(first.history[key]))
    print("params", sorted(first.params.items()))
    print("model.history is first", model.history is first, type(first).__name__)
    print("log", log.rows)

    second = model.fit(x[:64], y[:64], batch_size=16, epochs=5, initial_epoch=3, verbose=0, shuffle=False,
                       validation_data=(x[64:], y[64:]), validation_freq=2)
    print("resumed epoch", second.epoch, sorted(second.history), len(second.history["loss"]))
    print("resumed val_loss", r(second.history["val_loss"]), "params", sorted(second.params.items()))
    print("model.history is second", model.history is second, "first kept", len(first.history["loss"]))

    third = model.fit(x[:64], y[:64], batch_size=32, epochs=4, verbose=0, shuffle=False,
                      validation_data=repeat(x[64:], y[64:], 8), validation_steps=2, validation_freq=[1, 4])
    print("third epoch", third.epoch, "val_mse", r(third.history["val_mse"]), "loss", r(third.history["loss"]))
    print("third steps", third.params["steps"])

    results = model.evaluate(x[64:], y[64:], batch_size=5, verbose=0, return_dict=True)
    print("evaluate", {k: round(v, 4) for k, v in sorted(results.items())})
    print("predict", r(model.predict(x[:3], verbose=0)[:, 0]), "target", r(y[:3, 0]))
    print("iterations", int(model.optimizer.iterations))


if __name__ == "__main__":
    main()
