"""A Keras program, written for Keras 3: the options of model.fit a user combines — validation_split with
shuffle=False, class_weight on an imbalanced binary set, sample_weight together with validation_data,
initial_epoch to resume, steps_per_epoch over a repeating generator — and what fit returns: history.history
keys and values, history.epoch, history.params; evaluate with sample_weight, and predict with a batch_size that
does not divide the data. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def data(n=40):
    x = np.stack([np.linspace(-1, 1, n), np.cos(np.arange(n) * 0.7), np.sin(np.arange(n) * 0.3)], 1).astype("float32")
    y = (x[:, 0] + 0.3 * x[:, 1] > 0.5).astype("float32")[:, None]
    return x, y


def build():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1, activation="sigmoid")])
    model.set_weights([w.astype("float32") for w in (np.full((3, 4), 0.2) * np.array([1, -1, 0.5, 2]), np.zeros(4),
                                                      np.linspace(-0.5, 0.5, 4)[:, None], np.zeros(1))])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    return model


def show(tag, history):
    print(tag, "epochs", history.epoch, "keys", sorted(history.history))
    for key in sorted(history.history):
        print("  ", key, r(history.history[key]))


def main():
    x, y = data()
    print("positives", int(y.sum()), "of", len(y))
    model = build()
    show("split", model.fit(x, y, validation_split=0.25, shuffle=False, epochs=3, batch_size=10, verbose=0))
    print("params", {k: v for k, v in sorted(model.history.params.items())})

    model = build()
    h = model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=2, batch_size=8, shuffle=False, verbose=0)
    show("class_weight", h)

    model = build()
    weights = np.where(y[:, 0] > 0, 2.0, 0.5).astype("float32")
    h = model.fit(x, y, sample_weight=weights, validation_data=(x[:10], y[:10], weights[:10]), epochs=2,
                  batch_size=16, shuffle=False, verbose=0)
    show("sample_weight", h)

    h = model.fit(x, y, initial_epoch=2, epochs=4, batch_size=16, shuffle=False, verbose=0)
    show("resumed", h)

    def forever():
        while True:
            for s in range(0, 40, 8):
                yield x[s:s + 8], y[s:s + 8]

    model = build()
    h = model.fit(forever(), steps_per_epoch=3, epochs=2, verbose=0)
    show("steps_per_epoch", h)
    print("iterations", int(model.optimizer.iterations))
    print("evaluate weighted", r(model.evaluate(x, y, sample_weight=weights, batch_size=16, verbose=0)))
    out = model.predict(x, batch_size=7, verbose=0)
    print("predict", out.shape, out.dtype, r(out[::9, 0]))


if __name__ == "__main__":
    main()
