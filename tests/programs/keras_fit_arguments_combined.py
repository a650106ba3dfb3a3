"""A Keras program, written for Keras 3: fit's less common arguments in combination, as a tabular classifier's
author uses them: class_weight with integer labels and with one-hot labels, validation_split together with
sample_weight (the split takes the weights' tail too), validation_freq as a list of epochs, initial_epoch to resume
with the epoch numbers continuing, steps_per_epoch smaller than the data, validation_batch_size and
validation_steps, and evaluate/predict with steps. History's epochs, params and keys are printed. The weights start
from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def build(seed, classes=3):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu"),
                              layers.Dense(classes, activation="softmax")])
    set_weights(model, seed)
    return model


def show(tag, history):
    print(tag, "epochs", history.epoch)
    for key in sorted(history.history):
        print(tag, key, ["%.5f" % v for v in history.history[key]])


def main():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(40, 4)).astype("float32")
    labels = (np.argmax(x[:, :3], axis=1) * (x[:, 3] > -1.0)).astype("int32")
    weights = np.linspace(0.2, 1.8, 40).astype("float32")
    print("label counts", np.bincount(labels, minlength=3).tolist())

    model = build(1)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    try:
        model.fit(x, labels, class_weight={0: 0.5, 1: 2.0}, sample_weight=weights, verbose=0)
    except ValueError:
        print("class_weight with sample_weight refused")
    history = model.fit(x, labels, sample_weight=weights,
                        validation_split=0.25, validation_freq=[1, 3], batch_size=10, epochs=3, shuffle=False,
                        verbose=0)
    show("split", history)
    print("split params", sorted(history.params.items()))
    history = model.fit(x, labels, class_weight={0: 0.5, 1: 2.0, 2: 1.0}, validation_split=0.2, batch_size=16,
                        epochs=2, shuffle=False, verbose=0)
    show("class weights", history)

    onehot = np.eye(3, dtype="float32")[labels]
    model = build(2)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, onehot, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=8, epochs=2, shuffle=False,
                        verbose=0)
    show("onehot", history)

    model = build(3)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    first = model.fit(x[:30], labels[:30], batch_size=10, epochs=2, shuffle=False, verbose=0)
    resumed = model.fit(x[:30], labels[:30], validation_data=(x[30:], labels[30:]), batch_size=10, epochs=5,
                        initial_epoch=2, validation_freq=2, shuffle=False, verbose=0)
    show("first", first)
    show("resumed", resumed)

    model = build(4)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, labels, steps_per_epoch=2, batch_size=8, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:20], labels[:20]), validation_batch_size=5, validation_steps=2)
    show("steps", history)
    print("steps params", sorted(history.params.items()))
    print("evaluate steps", ["%.5f" % v for v in model.evaluate(x, labels, batch_size=8, steps=2, verbose=0)])
    print("predict steps", model.predict(x, batch_size=6, steps=3, verbose=0).shape)
    print("predict rows", np.round(model.predict(x[:2], verbose=0), 5).tolist())


if __name__ == "__main__":
    main()
