"""A Keras program, written for Keras 3: callbacks beyond the usual ones — SwapEMAWeights with an optimizer that
keeps moving averages (use_ema), so validation and evaluate see the averaged weights (and with swap_on_epoch the
averages stay after fit); a custom training loop driven through keras.callbacks.CallbackList (add_history,
params, the History becoming model.history, logs turned into Python floats), LambdaCallback hooks recording
what they see, TerminateOnNaN stopping a run whose learning rate blows up, and the history of each fit printed.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def make_model(seed):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh"), layers.Dense(1)])
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


class Recorder(keras.callbacks.Callback):
    """Writes down the hooks it sees, with the rounded logs."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(("epoch", epoch, {k: round(v, 5) for k, v in sorted(logs.items())}))

    def on_test_begin(self, logs=None):
        self.seen.append(("test_begin",))

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(("batch", batch, type(logs.get("loss")).__name__))


def main():
    rng = np.random.default_rng(31)
    x = rng.standard_normal((48, 4)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [0.3], [0.8]], "float32") + 0.2).astype("float32")

    model = make_model(1)
    model.compile(optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.7), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=12, shuffle=False, verbose=0, validation_split=0.25,
                        callbacks=[keras.callbacks.SwapEMAWeights()])
    for key in sorted(history.history):
        print("ema", key, ["%.5f" % v for v in history.history[key]])
    print("weights after fit", np.round(model.layers[1].get_weights()[0].ravel(), 5).tolist())
    for start in range(0, 48, 16):
        model.train_on_batch(x[start:start + 16], y[start:start + 16])
    print("evaluate plain", ["%.5f" % v for v in model.evaluate(x, y, verbose=0)])
    print("evaluate swapped", ["%.5f" % v for v in model.evaluate(x, y, verbose=0,
                                                                   callbacks=[keras.callbacks.SwapEMAWeights()])])
    print("weights after evaluate", np.round(model.layers[1].get_weights()[0].ravel(), 5).tolist())
    print("predict swapped", np.round(model.predict(x[:3], verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
                                      .ravel(), 5).tolist())
    print("weights after predict", np.round(model.layers[1].get_weights()[0].ravel(), 5).tolist())

    model = make_model(1)
    model.compile(optimizer=keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.5), loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=12, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    print("swap_on_epoch", ["%.5f" % v for v in history.history["loss"]])
    print("final weights", np.round(model.layers[1].get_weights()[0].ravel(), 5).tolist())

    model = make_model(2)
    optimizer = keras.optimizers.SGD(0.05)
    loss_fn = keras.losses.MeanSquaredError()
    recorder = Recorder()
    events = []
    lam = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: events.append(f"begin {epoch}"),
                                         on_train_end=lambda logs: events.append("end"))
    callbacks = keras.callbacks.CallbackList([recorder, lam], add_history=True, model=model, epochs=2, steps=4)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        total = 0.0
        for step in range(4):
            xb, yb = x[step * 12:(step + 1) * 12], y[step * 12:(step + 1) * 12]
            logs = model.train_on_batch(xb, yb, return_dict=True) if model.compiled else None
            if logs is None:
                model.compile(optimizer=optimizer, loss=loss_fn)
                logs = model.train_on_batch(xb, yb, return_dict=True)
            total += logs["loss"]
            callbacks.on_train_batch_end(step, {"loss": keras.ops.convert_to_tensor(logs["loss"])})
        callbacks.on_epoch_end(epoch, {"loss": total / 4, "extra": {"lr": 0.05}})
    callbacks.on_train_end()
    print("loop history", {k: ["%.5f" % v for v in vals] for k, vals in sorted(model.history.history.items())})
    print("recorded", recorder.seen[:2], recorder.seen[4], recorder.seen[-1])
    print("events", events, recorder.params)

    model = make_model(3)
    model.compile(optimizer=keras.optimizers.SGD(5.0), loss="mse")
    seen = []
    history = model.fit(x * 10, y * 10, epochs=5, batch_size=8, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN(),
                                   keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))])
    print("nan stop", len(history.history["loss"]), len(seen), [bool(np.isfinite(v)) for v in history.history["loss"]])

    model = make_model(4)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0, validation_data=(x[:16], y[:16]),
                        callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                                     min_delta=0.5),
                                   keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.9)])
    for key in sorted(history.history):
        print("plateau", key, ["%.5f" % v for v in history.history[key]])


if __name__ == "__main__":
    main()
