"""A Keras program, written for Keras 3: the fit options used when training is stopped and resumed — an
EarlyStopping with start_from_epoch, patience, baseline and restore_best_weights, fit(initial_epoch=...) continuing
the epoch count (seen by callbacks and History.epoch), steps_per_epoch and validation_steps over a PyDataset,
validation_freq, class_weight, ModelCheckpoint(save_best_only, save_weights_only) into a .weights.h5 file reloaded
into a fresh model, and a BackupAndRestore callback left behind by an interrupted run. Real Keras and deepgrad
print the same."""
import os

import numpy as np

import keras
from keras import callbacks, layers


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size
        self.ends = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.ends += 1


class EpochLog(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append((epoch, sorted(logs)))


class Interrupt(callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("interrupted")


def build(seed=1):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(3)], name="clf")
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def main():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((90, 4)).astype("float32")
    y = np.argmax(x[:, :3] + 0.3 * rng.standard_normal((90, 3)), axis=1).astype("int32")
    xv, yv = x[60:], y[60:]

    model = build()
    log = EpochLog()
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=1, start_from_epoch=2, restore_best_weights=True,
                                   min_delta=0.001)
    history = model.fit(x[:60], y[:60], validation_data=(xv, yv), epochs=12, batch_size=10, shuffle=False,
                        callbacks=[stop, log], class_weight={0: 1.0, 1: 2.0, 2: 0.5}, verbose=0)
    print("early stop", history.epoch, stop.stopped_epoch, stop.best_epoch, round(float(stop.best), 5))
    print("val_loss", np.round(history.history["val_loss"], 5).tolist())
    print("restored", round(float(model.evaluate(xv, yv, verbose=0)[0]), 5))
    print("log", log.seen[:2])

    history = model.fit(x[:60], y[:60], epochs=6, initial_epoch=4, batch_size=20, shuffle=False, verbose=0,
                        callbacks=[log])
    print("resumed", history.epoch, np.round(history.history["loss"], 5).tolist(), log.seen[-1][0])

    data, val = Batches(x[:60], y[:60], 8), Batches(xv, yv, 8)
    model = build(2)
    history = model.fit(data, epochs=4, steps_per_epoch=3, validation_data=val, validation_steps=2,
                        validation_freq=2, shuffle=False, verbose=0)
    print("steps", sorted(history.history), np.round(history.history["loss"], 5).tolist(),
          np.round(history.history["val_loss"], 5).tolist())
    print("iterations", int(model.optimizer.iterations.numpy()), "epoch ends", data.ends, val.ends)

    model = build(3)
    checkpoint = callbacks.ModelCheckpoint("best.weights.h5", monitor="val_accuracy", mode="max",
                                           save_best_only=True, save_weights_only=True)
    history = model.fit(x[:60], y[:60], validation_data=(xv, yv), epochs=5, batch_size=15, shuffle=False,
                        callbacks=[checkpoint], verbose=0)
    print("val_accuracy", np.round(history.history["val_accuracy"], 4).tolist(), round(float(checkpoint.best), 4))
    fresh = build(4)
    fresh.load_weights("best.weights.h5")
    print("reloaded", np.round(fresh.evaluate(xv, yv, verbose=0), 4).tolist(), os.path.exists("best.weights.h5"))

    model = build(5)
    backup = callbacks.BackupAndRestore("backup", save_freq="epoch", delete_checkpoint=True)
    try:
        model.fit(x[:60], y[:60], epochs=4, batch_size=20, shuffle=False, callbacks=[backup, Interrupt()], verbose=0)
    except RuntimeError as error:
        print("stopped:", error, os.path.isdir("backup"))
    model = build(6)
    history = model.fit(x[:60], y[:60], epochs=4, batch_size=20, shuffle=False, callbacks=[backup], verbose=0)
    print("after restore", history.epoch, np.round(history.history["loss"], 5).tolist(), os.path.isdir("backup"))
