"""A Keras program, written for Keras 3: training from Python generators as many users still do — an endless
generator of (x, y, sample_weight) batches with steps_per_epoch, a validation generator with validation_steps
and validation_freq, compile(run_eagerly=...) with the batch numbers a callback receives,
evaluate and predict on generators with steps, and train_on_batch / test_on_batch in a hand-written loop with
reset_metrics. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def batches(x, y, batch_size, weights=None):
    while True:
        for start in range(0, len(x), batch_size):
            part = slice(start, start + batch_size)
            if weights is None:
                yield x[part], y[part]
            else:
                yield x[part], y[part], weights[part]


class BatchLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train, self.test, self.predict = [], [], []

    def on_train_batch_end(self, batch, logs=None):
        self.train.append(batch)

    def on_test_batch_end(self, batch, logs=None):
        self.test.append(batch)

    def on_predict_batch_end(self, batch, logs=None):
        self.predict.append(batch)


def make(run_eagerly):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"],
                  run_eagerly=run_eagerly)
    return model


def main():
    rng = np.random.default_rng(17)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = (x[:, :1] * 1.5 - x[:, 1:2] ** 2 + 0.5).astype("float32")
    w = np.where(x[:, 2] > 0, 2.0, 1.0).astype("float32")

    for eager in (False, True):
        model = make(eager)
        log = BatchLog()
        history = model.fit(batches(x[:48], y[:48], 8, w[:48]), steps_per_epoch=6, epochs=4, verbose=0,
                            validation_data=batches(x[48:], y[48:], 8), validation_steps=2,
                            validation_freq=2, callbacks=[log])
        print("eager", eager, "keys", sorted(history.history))
        for key in sorted(history.history):
            print("eager", eager, key, r(history.history[key]))
        print("eager", eager, "train batches", log.train[:8], len(log.train))
        print("eager", eager, "test batches", log.test)
        print("eager", eager, "params", sorted(history.params.items()))
        result = model.evaluate(batches(x[48:], y[48:], 4), steps=3, verbose=0, callbacks=[log])
        print("eager", eager, "evaluate", r(result), log.test[-3:])
        pred = model.predict(batches(x, y, 5), steps=2, verbose=0, callbacks=[log])
        print("eager", eager, "predict", pred.shape, r(pred[[0, 4, 9], 0]), log.predict)

    model = make(False)
    for epoch in range(2):
        model.reset_metrics()
        for start in range(0, 48, 16):
            logs = model.train_on_batch(x[start:start + 16], y[start:start + 16], sample_weight=w[start:start + 16],
                                        return_dict=True)
        print("manual epoch", epoch, sorted(logs), r([logs[k] for k in sorted(logs)]))
        print("manual test", r(model.test_on_batch(x[48:], y[48:])))
    print("iterations", int(model.optimizer.iterations))


if __name__ == "__main__":
    main()
