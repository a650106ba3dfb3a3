"""A Keras program, written for Keras 3: LearningRateScheduler, ReduceLROnPlateau and EarlyStopping with
restore_best_weights in one fit, a LambdaCallback and a custom callback that record the learning rate each epoch
(the `learning_rate` entry fit adds to the logs), min_delta / cooldown / min_lr / baseline / start_from_epoch
options, stopped_epoch and best values, and the weights restored at the end. Real Keras and deepgrad print the
same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class Recorder(keras.callbacks.Callback):
    """Records the optimizer's learning rate at each epoch end, and the logs' keys."""

    def __init__(self):
        super().__init__()
        self.rates, self.keys = [], None

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
        self.keys = sorted(logs)


def schedule(epoch, lr):
    return lr if epoch < 2 else lr * 0.8


def build(seed):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(14)
    x = rng.normal(size=(60, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0], "float32") + 0.3 * rng.normal(size=60)).astype("float32")[:, None]
    x_val, y_val = rng.normal(size=(20, 4)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")

    model = build(1)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    recorder = Recorder()
    ends = []
    scheduler = keras.callbacks.LearningRateScheduler(schedule)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.005,
                                                cooldown=1, min_delta=1e-3)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    lambda_cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(round(logs["loss"], 4)))
    history = model.fit(x, y, batch_size=20, epochs=15, verbose=0, shuffle=False, validation_data=(x_val, y_val),
                        callbacks=[scheduler, plateau, stopper, recorder, lambda_cb])
    print("epochs run", len(history.history["loss"]), "stopped_epoch", stopper.stopped_epoch)
    print("history keys", sorted(history.history))
    print("logs keys", recorder.keys)
    print("learning rates", r(history.history["learning_rate"]))
    print("recorded rates", r(recorder.rates))
    print("val_loss", r(history.history["val_loss"], 4))
    print("lambda losses", ends)
    print("best", round(float(stopper.best), 4), "best_epoch", stopper.best_epoch, "wait", stopper.wait)
    restored = model.evaluate(x_val, y_val, verbose=0)
    print("restored val_loss equals best", abs(restored - min(history.history["val_loss"])) < 1e-5)
    print("plateau state", plateau.wait, plateau.cooldown_counter, round(float(plateau.best), 4))

    model = build(2)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    late = keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=0.5, start_from_epoch=3,
                                         verbose=0)
    history = model.fit(x, y, batch_size=30, epochs=10, verbose=0, shuffle=False, callbacks=[late])
    print("start_from_epoch", len(history.history["loss"]), late.stopped_epoch, r(history.history["loss"], 4))

    model = build(3)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    baseline = keras.callbacks.EarlyStopping(monitor="loss", baseline=0.01, patience=2)
    history = model.fit(x, y, batch_size=30, epochs=10, verbose=0, shuffle=False, callbacks=[baseline])
    print("baseline stops", len(history.history["loss"]), baseline.stopped_epoch)

    model = build(4)
    model.compile(optimizer=keras.optimizers.SGD(0.02), loss="mse", metrics=["mae"])
    decay = keras.callbacks.LearningRateScheduler(lambda epoch: 0.02 / (1 + epoch))
    maximize = keras.callbacks.ReduceLROnPlateau(monitor="mae", mode="max", factor=0.1, patience=0)
    history = model.fit(x, y, batch_size=30, epochs=4, verbose=0, shuffle=False, callbacks=[decay, maximize])
    print("one-argument schedule", r(history.history["learning_rate"]))
    print("mae", r(history.history["mae"], 4))


if __name__ == "__main__":
    main()
