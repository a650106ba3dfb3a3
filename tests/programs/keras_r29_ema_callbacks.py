"""A Keras program, written for Keras 3: an optimizer keeping exponential moving averages (`use_ema`,
`ema_momentum`, `ema_overwrite_frequency`) with `SwapEMAWeights(swap_on_epoch=True)` so validation sees the
averaged weights, the averages themselves read back, and `swap_on_epoch=False` before a final evaluate;
`ReduceLROnPlateau` with `cooldown`, `min_delta` and `min_lr` printing its messages; `CSVLogger` with a
separator and `append=True` across two fits; `LearningRateScheduler(verbose=1)`; `TerminateOnNaN` ending a
diverging fit, with the epochs and batches it ran."""
import numpy as np

import keras
from keras import callbacks, layers


def r(value, digits=4):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def make(name):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu", name="hidden"),
                              layers.Dense(1, name="out")], name=name)
    model.get_layer("hidden").set_weights([np.linspace(-0.5, 0.5, 24, dtype="float32").reshape(4, 6),
                                           np.zeros(6, "float32")])
    model.get_layer("out").set_weights([np.linspace(0.3, -0.3, 6, dtype="float32").reshape(6, 1),
                                        np.zeros(1, "float32")])
    return model


class Batches(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append((batch, None if logs is None else round(float(logs["loss"]), 2)))


def main():
    rng = np.random.default_rng(290)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0], "float32"))[:, None] + 0.1
    xv, yv = x[:16], y[:16]

    model = make("ema")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5, use_ema=True, ema_momentum=0.8,
                                                 ema_overwrite_frequency=None), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False, validation_data=(xv, yv),
                        callbacks=[callbacks.SwapEMAWeights(swap_on_epoch=True)])
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    names = sorted(v.name for v in model.optimizer.variables)
    print("optimizer variables", len(names), names[-4:], r(model.get_layer("out").kernel[:3, 0]))
    print("evaluate live", [round(v, 4) for v in model.evaluate(xv, yv, verbose=0)])
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False,
              callbacks=[callbacks.SwapEMAWeights(swap_on_epoch=False)])
    print("after swap callback", r(model.get_layer("out").kernel[:3, 0]))
    model.optimizer.finalize_variable_values(model.trainable_variables)
    print("finalized", r(model.get_layer("out").kernel[:3, 0]),
          [round(v, 4) for v in model.evaluate(xv, yv, verbose=0)])

    model = make("overwrite")
    model.compile(optimizer=keras.optimizers.Adam(0.02, use_ema=True, ema_momentum=0.5,
                                                  ema_overwrite_frequency=3), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    print("overwrite losses", [round(v, 4) for v in history.history["loss"]], r(model.get_layer("out").bias))

    model = make("plateau")
    model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse")
    plateau = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=2, min_delta=0.05,
                                          min_lr=0.04, verbose=1)
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 6 else lr * 0.9, verbose=1)
    logger = callbacks.CSVLogger("log.csv", separator=";", append=True)
    history = model.fit(x[:8], y[:8] * 0 + 1.0, batch_size=8, epochs=8, verbose=0, shuffle=False,
                        callbacks=[plateau, schedule, logger])
    print("lr", [round(v, 5) for v in history.history["learning_rate"]])
    model.fit(x[:8], y[:8], batch_size=8, epochs=10, initial_epoch=8, verbose=0, shuffle=False,
              callbacks=[logger])
    with open("log.csv") as handle:
        rows = handle.read().splitlines()
    print("csv rows", len(rows), rows[0])
    for row in rows[1:]:
        cells = row.split(";")
        print("csv", cells[0], [c if c == "NA" else round(float(c), 4) for c in cells[1:]])

    model = make("diverge")
    model.compile(optimizer=keras.optimizers.SGD(5.0), loss="mse")
    seen = Batches()
    history = model.fit(x * 10, y * 10, batch_size=8, epochs=3, verbose=0, shuffle=False,
                        callbacks=[callbacks.TerminateOnNaN(), seen])
    print("terminated", len(history.history["loss"]), len(seen.seen), seen.seen[-1][0], model.stop_training)


if __name__ == "__main__":
    main()
