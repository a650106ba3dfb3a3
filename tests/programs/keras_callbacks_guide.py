"""A Keras program, written for Keras 3 on the torch backend, in the manner of keras.io's "Writing your own
callbacks" guide: a callback that reports every hook of fit, evaluate and predict with the keys and values of
its logs, an early-stopping callback of the user's that keeps the best weights and sets
self.model.stop_training, a learning-rate schedule callback that assigns self.model.optimizer.learning_rate,
a LambdaCallback, and the built-in LearningRateScheduler, ReduceLROnPlateau, EarlyStopping and History with
validation data. Weights and data come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def show(logs):
    return {key: "%.4f" % value for key, value in sorted((logs or {}).items())}


class EveryHook(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        print("on_train_begin", sorted((logs or {}).keys()))

    def on_train_end(self, logs=None):
        print("on_train_end", show(logs))

    def on_epoch_begin(self, epoch, logs=None):
        print("on_epoch_begin", epoch, sorted((logs or {}).keys()))

    def on_epoch_end(self, epoch, logs=None):
        print("on_epoch_end", epoch, show(logs))

    def on_test_begin(self, logs=None):
        print("on_test_begin", sorted((logs or {}).keys()))

    def on_test_end(self, logs=None):
        print("on_test_end", show(logs))

    def on_predict_begin(self, logs=None):
        print("on_predict_begin", sorted((logs or {}).keys()))

    def on_predict_end(self, logs=None):
        print("on_predict_end", sorted((logs or {}).keys()))

    def on_train_batch_begin(self, batch, logs=None):
        print("on_train_batch_begin", batch, sorted((logs or {}).keys()))

    def on_train_batch_end(self, batch, logs=None):
        print("on_train_batch_end", batch, show(logs))

    def on_test_batch_begin(self, batch, logs=None):
        print("on_test_batch_begin", batch, sorted((logs or {}).keys()))

    def on_test_batch_end(self, batch, logs=None):
        print("on_test_batch_end", batch, show(logs))

    def on_predict_batch_begin(self, batch, logs=None):
        print("on_predict_batch_begin", batch, sorted((logs or {}).keys()))

    def on_predict_batch_end(self, batch, logs=None):
        print("on_predict_batch_end", batch, sorted((logs or {}).keys()), tuple(logs["outputs"].shape))


class KeepBest(keras.callbacks.Callback):
    """Stops when the training loss has not improved for `patience` epochs, then restores the best weights."""

    def __init__(self, patience=1):
        super().__init__()
        self.patience = patience

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best, self.best_weights = 0, 0, np.inf, None

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if current < self.best:
            self.best, self.wait = current, 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        print("keep best: stopped at", self.stopped_epoch, "best %.5f" % self.best)


class StopAfterBatches(keras.callbacks.Callback):
    """Stops training from inside an epoch, after `count` batches."""

    def __init__(self, count):
        super().__init__()
        self.count, self.batches = count, 0

    def on_train_begin(self, logs=None):
        print("params", sorted(self.params.items()), type(self.model).__name__)

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if self.batches >= self.count:
            self.model.stop_training = True


class StepSchedule(keras.callbacks.Callback):
    """Sets the learning rate at the start of each epoch from a table of (epoch, rate)."""

    def __init__(self, table):
        super().__init__()
        self.table = table

    def on_epoch_begin(self, epoch, logs=None):
        rate = float(ops.convert_to_numpy(self.model.optimizer.learning_rate))
        for start, value in self.table:
            if epoch == start:
                rate = value
        self.model.optimizer.learning_rate.assign(rate)
        print("epoch", epoch, "rate %.5f" % float(ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def make_model(seed):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((24, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    x_val, y_val = x[:8] * 0.5, y[:8] * 0.4 + 0.5

    model = make_model(1)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    model.fit(x[:8], y[:8], batch_size=4, epochs=1, shuffle=False, verbose=0, validation_data=(x_val[:4], y_val[:4]),
              callbacks=[EveryHook()])
    model.predict(x[:6], batch_size=4, verbose=0, callbacks=[EveryHook()])

    model = make_model(2)
    model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=30, shuffle=False, verbose=0, callbacks=[KeepBest(patience=1)])
    print("epochs run", len(history.history["loss"]), "%.5f" % model.evaluate(x, y, verbose=0))

    model = make_model(5)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    stopper = StopAfterBatches(5)
    history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0, callbacks=[stopper])
    print("stopped mid-epoch", stopper.batches, history.epoch, ["%.5f" % v for v in history.history["loss"]],
          model.stop_training)

    model = make_model(3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                        callbacks=[StepSchedule([(0, 0.05), (2, 0.01), (3, 0.002)])])
    print("schedule loss", ["%.5f" % v for v in history.history["loss"]])

    seen = []
    lam = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append((epoch, "%.4f" % logs["loss"])),
        on_train_end=lambda logs: seen.append("done"))
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch >= 6 else lr)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.001)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True,
                                            min_delta=1e-4)
    model = make_model(4)
    model.compile(optimizer=keras.optimizers.Adam(0.2), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=8, epochs=12, shuffle=False, verbose=0, validation_data=(x_val, y_val),
                        callbacks=[lam, scheduler, plateau, stopper])
    print("lambda", seen)
    print("history type", type(history).__name__, history.epoch, sorted(history.params.items()))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("stopped", stopper.stopped_epoch, "best %.5f" % stopper.best, stopper.wait)
    print("val after restore %.5f" % model.evaluate(x_val, y_val, verbose=0)[0])
    print("final rate %.6f" % float(ops.convert_to_numpy(model.optimizer.learning_rate)))
    print("model history is returned", model.history is history)

    bad_y = y.copy()
    bad_y[10] = np.nan
    model = make_model(6)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, bad_y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    print("terminated", history.epoch, len(history.history["loss"]), model.stop_training)


if __name__ == "__main__":
    main()
