"""A Keras program, written for Keras 3: training interrupted and resumed with BackupAndRestore (a callback
raises mid-epoch; the second fit resumes at the saved epoch, the backup folder's files are listed and removed at
the end), a CSVLogger appending across both fits (its file printed), ModelCheckpoint(save_best_only=True,
save_weights_only=True, monitor="val_loss") writing a formatted .weights.h5 name and another keeping the best
val_mae with mode="min", the best weights loaded back and evaluated, TerminateOnNaN stopping a fit whose
learning rate is far too large (history length and NaN loss printed), and EarlyStopping with start_from_epoch.
Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import csv
import os

import numpy as np

import keras
from keras import layers


class Interrupt(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            raise RuntimeError(f"interrupted at epoch {self.current} batch {batch}")


class Seen(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def build(init):
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu", name="h"),
                              layers.Dense(1, name="y")], name="reg")
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.03, momentum=0.5), loss="mse", metrics=["mae"])
    return model


def rows(path):
    with open(path) as handle:
        return [[cell if not cell.replace(".", "").replace("-", "").replace("e", "").isdigit()
                 else "%.4f" % float(cell) for cell in row] for row in csv.reader(handle)]


def main():
    rng = np.random.default_rng(723)
    x = rng.normal(size=(80, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) + 0.1 * rng.normal(size=(80, 1))).astype("float32")
    xv, yv = x[64:], y[64:]
    x, y = x[:64], y[:64]

    model = build(np.random.default_rng(3))
    backup = keras.callbacks.BackupAndRestore("backup", save_freq="epoch", delete_checkpoint=True)
    logger = keras.callbacks.CSVLogger("log.csv", separator=",", append=True)
    best = keras.callbacks.ModelCheckpoint("best_{epoch:02d}.weights.h5", monitor="val_loss", save_best_only=True,
                                           save_weights_only=True, verbose=0)
    seen = Seen()
    try:
        model.fit(x, y, batch_size=16, epochs=6, verbose=0, shuffle=False, validation_data=(xv, yv),
                  callbacks=[backup, logger, best, seen, Interrupt(3, 1)])
    except RuntimeError as error:
        print("stopped:", error)
    print("epochs begun", seen.epochs)
    print("backup files", sorted(os.listdir("backup")))
    print("checkpoints", sorted(f for f in os.listdir(".") if f.startswith("best_")))

    model = build(np.random.default_rng(99))
    seen = Seen()
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0, shuffle=False, validation_data=(xv, yv),
                        callbacks=[backup, logger, best, seen])
    print("resumed epochs", seen.epochs, "history length", len(history.history["loss"]))
    print("resumed loss", [round(v, 4) for v in history.history["loss"]])
    print("resumed val_loss", [round(v, 4) for v in history.history["val_loss"]])
    print("backup left", os.path.exists("backup"))
    print("checkpoints", sorted(f for f in os.listdir(".") if f.startswith("best_")))
    table = rows("log.csv")
    print("csv header", table[0])
    for row in table[1:]:
        print("csv", row)

    newest = sorted(f for f in os.listdir(".") if f.startswith("best_"))[-1]
    final = model.evaluate(xv, yv, verbose=0)
    model.load_weights(newest)
    print("best", newest, "val loss", round(model.evaluate(xv, yv, verbose=0)[0], 4), "last", round(final[0], 4))

    model = build(np.random.default_rng(3))
    by_mae = keras.callbacks.ModelCheckpoint("by_mae.weights.h5", monitor="val_mae", mode="min",
                                             save_best_only=True, save_weights_only=True)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, start_from_epoch=3, min_delta=0.05,
                                         restore_best_weights=True)
    history = model.fit(x, y, batch_size=16, epochs=10, verbose=0, shuffle=False, validation_data=(xv, yv),
                        callbacks=[by_mae, stop])
    print("early stop epochs", len(history.history["loss"]), "stopped_epoch", stop.stopped_epoch,
          "best", round(float(stop.best), 4), "best_epoch", stop.best_epoch)
    print("after restore", [round(v, 4) for v in model.evaluate(xv, yv, verbose=0)])
    model.load_weights("by_mae.weights.h5")
    print("best mae weights", [round(v, 4) for v in model.evaluate(xv, yv, verbose=0)])

    wild = build(np.random.default_rng(3))
    wild.compile(optimizer=keras.optimizers.SGD(50.0), loss="mse")
    seen = Seen()
    history = wild.fit(x * 100, y * 100, batch_size=8, epochs=5, verbose=0, shuffle=False,
                       callbacks=[keras.callbacks.TerminateOnNaN(), seen])
    print("terminated", seen.epochs, len(history.history["loss"]),
          [str(round(v, 2)) if np.isfinite(v) else str(v) for v in history.history["loss"]],
          "stop_training", wild.stop_training)


if __name__ == "__main__":
    main()
