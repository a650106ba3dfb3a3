"""A Keras program, written for Keras 3: the built-in callbacks with verbose=1, whose messages a user reads in
the log: ReduceLROnPlateau with min_delta, cooldown and min_lr, EarlyStopping with baseline, start_from_epoch and
restore_best_weights, LearningRateScheduler reporting each rate, ModelCheckpoint with save_best_only and
save_weights_only into a formatted file name, CSVLogger appending with a custom separator, TerminateOnNaN on a
loss that blows up, and LambdaCallback hooks that print the logs they get. The weights start from the same NumPy
arrays, so real Keras and deepgrad print the same numbers."""
import os

import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def build(seed):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    set_weights(model, seed)
    return model


def main():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")

    model = build(1)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.5, cooldown=1,
                                                min_lr=0.01, verbose=1)
    history = model.fit(x, y, batch_size=8, epochs=7, shuffle=False, verbose=0, callbacks=[plateau])
    print("plateau lr", ["%.5f" % v for v in history.history["learning_rate"]])
    print("plateau loss", ["%.5f" % v for v in history.history["loss"]])

    model = build(2)
    model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse", metrics=["mae"])
    stop = keras.callbacks.EarlyStopping(monitor="val_mae", patience=1, baseline=0.9, start_from_epoch=2,
                                         restore_best_weights=True, verbose=1)
    history = model.fit(x[:24], y[:24], validation_data=(x[24:], y[24:]), batch_size=8, epochs=8, shuffle=False,
                        verbose=0, callbacks=[stop])
    print("stopped", stop.stopped_epoch, "best", "%.5f" % stop.best, len(history.epoch))
    print("val_mae", ["%.5f" % v for v in history.history["val_mae"]])

    model = build(3)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch % 2 else lr, verbose=1)
    path = "ckpt-{epoch:02d}-{loss:.3f}.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=True,
                                                 verbose=1)
    logger = keras.callbacks.CSVLogger("log.csv", separator=";", append=True)
    seen = []
    hooks = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(("begin", epoch, sorted(logs or {}))),
        on_epoch_end=lambda epoch, logs: print("lambda end", epoch, sorted(logs)),
        on_train_end=lambda logs: print("lambda train end", sorted(logs or {})))
    model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0,
              callbacks=[schedule, checkpoint, logger, hooks])
    model.fit(x, y, batch_size=16, epochs=6, initial_epoch=4, shuffle=False, verbose=0, callbacks=[logger])
    print("seen", seen)
    print("checkpoints", sorted(f for f in os.listdir(".") if f.startswith("ckpt")))
    with open("log.csv") as handle:
        rows = handle.read().splitlines()
    print("csv header", rows[0], "rows", len(rows))
    print("csv epochs", [row.split(";")[0] for row in rows[1:]])
    print("csv lr", [row.split(";")[2][:7] for row in rows[1:]])

    model = build(4)
    model.compile(optimizer=keras.optimizers.SGD(5.0), loss="mse")
    big = (x * 100).astype("float32")
    history = model.fit(big, y * 100, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    print("nan epochs", len(history.epoch), ["nan" if np.isnan(v) else "finite" for v in history.history["loss"]])


if __name__ == "__main__":
    main()
