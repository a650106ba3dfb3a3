"""A Keras program, written for Keras 3: a custom Callback that records every hook fit / evaluate / predict call
(on_train_begin, on_epoch_end, on_train_batch_end, on_test_begin, on_test_batch_end, on_predict_batch_end ...)
with the keys of its logs, next to EarlyStopping with baseline, min_delta, start_from_epoch and
restore_best_weights, ReduceLROnPlateau with cooldown and min_lr, LearningRateScheduler reading the epoch and the
current rate, TerminateOnNaN, a LambdaCallback, and a callback that sets model.stop_training. Weights start
from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def _note(self, hook, logs):
        self.seen.append(hook + ":" + ",".join(sorted(logs or {})))

    def on_train_begin(self, logs=None):
        self._note("train_begin", logs)
        print("params", sorted(self.params.items()), "model", self.model.name)

    def on_epoch_begin(self, epoch, logs=None):
        self._note("epoch_begin%d" % epoch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._note("batch_end%d" % batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._note("epoch_end%d" % epoch, logs)
        print("epoch", epoch, {k: round(float(v), 4) for k, v in sorted(logs.items())})

    def on_test_begin(self, logs=None):
        self._note("test_begin", logs)

    def on_test_batch_end(self, batch, logs=None):
        self._note("test_batch%d" % batch, logs)

    def on_test_end(self, logs=None):
        self._note("test_end", logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._note("predict_batch%d" % batch, {k: None for k in logs})
        print("predict batch", batch, sorted(logs), tuple(logs["outputs"].shape))

    def on_train_end(self, logs=None):
        self._note("train_end", logs)


def build(lr=0.1):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)], name="reg")
    model.set_weights([np.linspace(-0.5, 0.5, 12).reshape(3, 4).astype("float32"), np.full(4, 0.1, "float32"),
                       np.array([[0.3], [-0.2], [0.5], [0.1]], "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=["mae"])
    return model


def main():
    keras.utils.set_random_seed(3)
    x = np.stack([np.linspace(-1, 1, 20), np.sin(np.arange(20.0)), np.cos(np.arange(20.0) / 3)], 1).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")

    recorder = Recorder()
    model = build()
    model.fit(x, y, validation_data=(x[:6], y[:6]), batch_size=8, epochs=2, verbose=0, callbacks=[recorder])
    print("hooks", recorder.seen)
    recorder.seen.clear()
    model.evaluate(x, y, batch_size=10, verbose=0, callbacks=[recorder])
    model.predict(x, batch_size=15, verbose=0, callbacks=[recorder])
    print("hooks", recorder.seen)

    model = build(lr=0.3)
    rates = []
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0.01, patience=2, start_from_epoch=1,
                                            restore_best_weights=True, verbose=0)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=1, min_lr=0.02)
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: rates.append(
        round(float(ops.convert_to_numpy(model.optimizer.learning_rate)), 5)))
    history = model.fit(x, y, validation_data=(x[10:], y[10:]), batch_size=5, epochs=12, verbose=0,
                        callbacks=[stopper, plateau, record])
    print("stopped", stopper.stopped_epoch, "best", round(float(stopper.best), 4), "epochs", len(history.epoch))
    print("val_loss", np.round(history.history["val_loss"], 4).tolist())
    print("lr", rates, "history lr", np.round(history.history.get("learning_rate", []), 5).tolist())
    print("restored val", round(float(model.evaluate(x[10:], y[10:], verbose=0)[0]), 4))

    model = build()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch % 2 else lr + 0.01)
    history = model.fit(x, y, epochs=5, batch_size=20, verbose=0, callbacks=[schedule])
    print("scheduled", np.round(history.history["learning_rate"], 5).tolist())

    class StopAt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    model = build()
    history = model.fit(x, y, epochs=4, batch_size=4, verbose=0, callbacks=[StopAt()])
    print("stop_training", history.epoch, np.round(history.history["loss"], 4).tolist(),
          int(ops.convert_to_numpy(model.optimizer.iterations)))

    model = build(lr=50.0)
    history = model.fit(x * 100, y, epochs=3, batch_size=4, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    print("terminate", history.epoch, [bool(np.isfinite(v)) for v in history.history["loss"]],
          int(ops.convert_to_numpy(model.optimizer.iterations)))
