"""A Keras program, written for Keras 3, that trains with callbacks together: ModelCheckpoint keeping the best
model, ReduceLROnPlateau, CSVLogger, LearningRateScheduler and a custom Callback recording what it sees;
then loads the best checkpoint. Tests run it with real Keras and with only its import changed, in an
empty folder, from the same weights and data, so both print the same numbers."""
import csv

import numpy as np

import keras
from keras import layers


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append(("train_begin", sorted(self.params.items())))

    def on_epoch_begin(self, epoch, logs=None):
        rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        self.events.append(("epoch_begin", epoch, round(rate, 6)))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch", batch, sorted(logs), "%.4f" % logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, {k: "%.4f" % v for k, v in sorted(logs.items())}))

    def on_train_end(self, logs=None):
        self.events.append(("train_end", sorted(logs)))


def main():
    rng = np.random.default_rng(21)
    x = rng.standard_normal((90, 4)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:2] + 0.1 * rng.standard_normal((90, 1))).astype("float32")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(10, activation="relu"), layers.Dense(1)])
    init = np.random.default_rng(2)
    for w in model.weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=[keras.metrics.RootMeanSquaredError(name="rmse")])
    recorder = Recorder()
    callbacks = [keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True),
                 keras.callbacks.ReduceLROnPlateau(monitor="val_rmse", factor=0.2, patience=1, min_lr=1e-4),
                 keras.callbacks.CSVLogger("log.csv", separator=";"),
                 keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5),
                 recorder]
    history = model.fit(x, y, epochs=6, batch_size=30, shuffle=False, verbose=0, validation_split=0.3,
                        callbacks=callbacks)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    for event in recorder.events:
        print(event)
    with open("log.csv") as f:
        for row in csv.reader(f, delimiter=";"):
            print([c if not c[:1].isdigit() else "%.5f" % float(c) for c in row])
    best = keras.models.load_model("best.keras")
    print("best", "%.5f" % min(history.history["val_loss"]), "%.5f" % best.evaluate(x[62:], y[62:], verbose=0)[0])
    print("rate", round(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), 6), history.epoch)


if __name__ == "__main__":
    main()
