"""A Keras program, written for Keras 3: a causal Conv1D forecaster for a noisy sine wave (dilated causal
convolutions, MaxPooling1D, GlobalMaxPooling1D), trained with EarlyStopping(restore_best_weights=True),
ModelCheckpoint(save_best_only=True, save_weights_only=True) to a .weights.h5 file, LearningRateScheduler and
a CSVLogger; the best weights are loaded into a fresh model and compared. The weights start from the same
NumPy arrays, so real Keras and deepgrad print the same numbers."""
import csv
import math

import numpy as np

import keras
from keras import layers


def windows(series, width):
    x = np.stack([series[i:i + width] for i in range(len(series) - width)])[..., None]
    return x.astype("float32"), series[width:].reshape(-1, 1).astype("float32")


def build():
    return keras.Sequential([
        keras.Input(shape=(16, 1)),
        layers.Conv1D(6, 3, padding="causal", dilation_rate=1, activation="relu"),
        layers.Conv1D(6, 3, padding="causal", dilation_rate=2, activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(4, 2, strides=2, padding="same", activation="tanh"),
        layers.GlobalMaxPooling1D(),
        layers.Dense(1),
    ], name="forecaster")


def main():
    rng = np.random.default_rng(3)
    t = np.arange(200, dtype="float32")
    series = np.sin(t / 6.0) + 0.1 * rng.standard_normal(200).astype("float32")
    x, y = windows(series, 16)
    x_train, y_train, x_val, y_val = x[:140], y[:140], x[140:], y[140:]

    model = build()
    init = np.random.default_rng(1)
    for w in model.weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    for layer in model.layers:
        print(layer.name, layer.output.shape if hasattr(layer, "output") else None, layer.count_params())

    def schedule(epoch, lr):
        return lr if epoch < 3 else lr * math.exp(-0.2)

    model.compile(optimizer=keras.optimizers.Adam(0.03), loss=keras.losses.Huber(delta=0.5),
                  metrics=["mae", keras.metrics.RootMeanSquaredError()])
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True, min_delta=0.01),
        keras.callbacks.ModelCheckpoint("best.weights.h5", monitor="val_mae", save_best_only=True,
                                        save_weights_only=True, mode="min"),
        keras.callbacks.LearningRateScheduler(schedule),
        keras.callbacks.CSVLogger("training.csv"),
    ]
    history = model.fit(x_train, y_train, epochs=12, batch_size=20, shuffle=False, verbose=0,
                        validation_data=(x_val, y_val), callbacks=callbacks)
    print("epochs run", len(history.epoch), "stopped at", callbacks[0].stopped_epoch, "best", callbacks[0].best_epoch)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    with open("training.csv") as f:
        rows = list(csv.reader(f))
    print(rows[0], len(rows))

    restored = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(restored.items())})
    fresh = build()
    fresh.load_weights("best.weights.h5")
    fresh.compile(loss=keras.losses.Huber(delta=0.5), metrics=["mae"])
    print(["%.5f" % v for v in fresh.evaluate(x_val, y_val, verbose=0)])
    print(np.round(fresh.predict(x_val[:4], verbose=0).ravel(), 5))
    print("lr", "%.6f" % float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))


if __name__ == "__main__":
    main()
