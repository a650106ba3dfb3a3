"""A Keras program, written for Keras 3: callbacks as a training script strings them together — ModelCheckpoint
with "ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5" and save_weights_only, another on a max-mode metric with
save_best_only and initial_value_threshold, ReduceLROnPlateau with min_delta, cooldown, factor and min_lr,
LearningRateScheduler with verbose=1, a LambdaCallback on every epoch / train hook, CSVLogger with a separator
and append=True over two fits, TerminateOnNaN when the loss blows up, and BackupAndRestore resuming an
interrupted run (the epochs it skips, the weights it brings back). Weights come from NumPy, so real Keras and
deepgrad print the same."""
import os

import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def build(seed, lr=0.05):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh"), layers.Dense(1)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=[keras.metrics.R2Score(name="r2")])
    return model


class Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 2:
            raise RuntimeError("preempted")


def main():
    rng = np.random.default_rng(1710)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [0.3], [0.0]], "float32")).astype("float32")
    xv, yv = x[:12] + 0.1, y[:12]

    events = []
    lam = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: events.append(("begin", epoch)),
        on_epoch_end=lambda epoch, logs: events.append(("end", epoch, sorted(logs))),
        on_train_begin=lambda logs: events.append("train_begin"),
        on_train_end=lambda logs: events.append(("train_end", sorted(logs or {}))))
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.05,
                                                cooldown=1, min_lr=0.01, verbose=0)
    each = keras.callbacks.ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5", save_weights_only=True)
    best = keras.callbacks.ModelCheckpoint("best.keras", monitor="val_r2", mode="max", save_best_only=True,
                                           initial_value_threshold=0.2, verbose=0)
    csv = keras.callbacks.CSVLogger("log.csv", separator=";", append=True)
    model = build(1)
    history = model.fit(x, y, batch_size=12, epochs=6, shuffle=False, verbose=0, validation_data=(xv, yv),
                        callbacks=[lam, plateau, each, best, csv])
    print("loss", r(history.history["loss"]))
    print("val_r2", r(history.history["val_r2"]))
    print("learning_rate", r(history.history["learning_rate"], 5))
    print("plateau state", plateau.wait, plateau.cooldown_counter, round(float(plateau.best), 4))
    print("checkpoints", sorted(f for f in os.listdir(".") if f.startswith("ckpt-")))
    print("best saved", os.path.exists("best.keras"), round(float(best.best), 4))
    print("events", events[:3], events[-2:])

    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch % 2 else lr, verbose=1)
    model = build(2)
    history = model.fit(x, y, batch_size=24, epochs=4, shuffle=False, verbose=0, callbacks=[scheduler, csv])
    print("scheduled", r(history.history["learning_rate"], 5))
    with open("log.csv") as handle:
        rows = handle.read().splitlines()
    print("csv rows", len(rows), rows[0])
    print("csv header again", [k for k, row in enumerate(rows) if row.startswith("epoch")])
    print("csv last", [field[:6] for field in rows[-1].split(";")])

    model = build(3, lr=1e6)
    history = model.fit(x * 100, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    print("terminated", len(history.history["loss"]), bool(np.isnan(history.history["loss"][-1]) or
                                                             np.isinf(history.history["loss"][-1])))

    model = build(4)
    backup = keras.callbacks.BackupAndRestore("backup_dir")
    try:
        model.fit(x, y, batch_size=12, epochs=5, shuffle=False, verbose=0, callbacks=[backup, Interrupt()])
    except RuntimeError as error:
        print("interrupted:", error)
    print("backup left", os.path.isdir("backup_dir") and len(os.listdir("backup_dir")) > 0)
    resumed = build(5)
    history = resumed.fit(x, y, batch_size=12, epochs=5, shuffle=False, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore("backup_dir")])
    print("resumed epochs", history.epoch, r(history.history["loss"]))
    print("backup after", os.path.exists("backup_dir") and sorted(os.listdir("backup_dir")))
    print("iterations", int(resumed.optimizer.iterations))


if __name__ == "__main__":
    main()
