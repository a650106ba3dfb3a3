"""A Keras program, written for Keras 3: callbacks that are rarely printed. `BackupAndRestore` resumes a fit that a
callback interrupted mid-epoch (with `save_freq="epoch"` and with an integer `save_freq`), `CSVLogger(append=True)`
across two fits (the file read back), `TerminateOnNaN` stopping a diverging fit, `LambdaCallback` hooks recording
the epochs and batches they see, `SwapEMAWeights` around evaluation with an EMA optimizer, and a
`LearningRateScheduler` with `ReduceLROnPlateau` logging the rate."""
import csv
import os

import numpy as np

import keras
from keras import callbacks, layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def build(seed_weights):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(5, activation="tanh", name="hidden"),
                              layers.Dense(1, name="out")], name="net")
    init = np.random.default_rng(seed_weights)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


class Interrupt(callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError(f"interrupted at epoch {self.epoch} batch {batch}")


def main():
    rng = np.random.default_rng(2603)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype("float32")

    for save_freq in ("epoch", 3):
        folder = f"backup_{save_freq}"
        model = build(1)
        model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse")
        try:
            model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False,
                      callbacks=[callbacks.BackupAndRestore(folder, save_freq=save_freq,
                                                            delete_checkpoint=True), Interrupt(2, 1)])
        except RuntimeError as error:
            print(save_freq, "stopped:", error, "backup files", sorted(os.listdir(folder)))
        print(save_freq, "weights after interrupt", r(model.get_layer("out").kernel[:, 0], 4))
        resumed = build(1)
        resumed.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse")
        seen = []
        history = resumed.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False,
                              callbacks=[callbacks.BackupAndRestore(folder, save_freq=save_freq),
                                         callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e))])
        print(save_freq, "resumed epochs", seen, "loss", r(history.history["loss"], 4),
              "iterations", int(resumed.optimizer.iterations.numpy()), "folder left", os.path.exists(folder))

        straight = build(1)
        straight.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse")
        straight.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False)
        print(save_freq, "same as uninterrupted", bool(np.allclose(
            resumed.predict(x[:6], verbose=0), straight.predict(x[:6], verbose=0), atol=1e-5)))

    model = build(2)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mae", metrics=["mse"])
    model.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False, callbacks=[callbacks.CSVLogger("log.csv")])
    model.fit(x, y, batch_size=10, epochs=4, initial_epoch=2, verbose=0, shuffle=False,
              validation_data=(x[:10], y[:10]),
              callbacks=[callbacks.CSVLogger("log.csv", append=True, separator=";")])
    with open("log.csv") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        print("csv", [item if not item.replace(".", "").replace("-", "").replace("e", "").isdigit()
                      else round(float(item), 4) for item in row])

    events = []
    hooks = callbacks.LambdaCallback(
        on_train_begin=lambda logs: events.append("train_begin"),
        on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch, round(logs["loss"], 4))),
        on_train_batch_begin=lambda batch, logs: events.append(("batch", batch)) if batch % 2 == 0 else None,
        on_train_end=lambda logs: events.append("train_end"))
    model.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False, callbacks=[hooks])
    print("lambda events", events)

    wild = build(3)
    wild.compile(optimizer=keras.optimizers.SGD(8.0), loss="mse")
    history = wild.fit(x, y * 100, batch_size=4, epochs=5, verbose=0, shuffle=False,
                       callbacks=[callbacks.TerminateOnNaN()])
    print("terminate on nan epochs", len(history.history["loss"]), "stop_training", wild.stop_training,
          "last finite", bool(np.isfinite(history.history["loss"][-1])))

    ema = build(4)
    ema.compile(optimizer=keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.8), loss="mse")
    record = {}

    class Probe(callbacks.Callback):
        def on_test_begin(self, logs=None):
            record.setdefault("eval kernels", []).append(r(self.model.get_layer("out").kernel[:2, 0], 4))

    history = ema.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False, validation_data=(x[:8], y[:8]),
                      callbacks=[callbacks.SwapEMAWeights(swap_on_epoch=True), Probe()])
    print("ema val_loss", r(history.history["val_loss"], 4), record["eval kernels"])
    print("ema final", r(ema.get_layer("out").kernel[:2, 0], 4))

    plateau = build(5)
    plateau.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
    history = plateau.fit(x, y, batch_size=40, epochs=6, verbose=0, shuffle=False, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch else lr),
        callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.05)])
    print("plateau lr", r(history.history["learning_rate"], 5), "loss", r(history.history["loss"], 4))


if __name__ == "__main__":
    main()
