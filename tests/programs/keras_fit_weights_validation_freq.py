"""A Keras program, written for Keras 3: fit's options taken one at a time on a small classifier — class_weight
with a dict that leaves classes out, sample_weight together with a validation_data triple (x, y, weights),
validation_split with shuffle=False, initial_epoch with epochs, steps_per_epoch over a repeating generator,
validation_freq as an int and as a list, validation_steps, and what History records each time (keys in order,
epochs, params). Weights start from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def build(seed):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu"), layers.Dense(3)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy", keras.metrics.SparseCategoricalCrossentropy(from_logits=True, name="xent")],
                  weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="wacc")])
    return model


def show(title, history):
    h = history.history
    print(title, list(h), "epochs", history.epoch)
    for key in h:
        print("  ", key, np.round(np.asarray(h[key], "float64"), 4).tolist())


def repeating(x, y, batch):
    while True:
        for start in range(0, len(x), batch):
            yield x[start:start + batch], y[start:start + batch]


def main():
    rng = np.random.default_rng(17)
    x = rng.normal(size=(60, 4)).astype("float32")
    y = (np.argmax(x[:, :3], axis=1)).astype("int32")
    xv = rng.normal(size=(20, 4)).astype("float32")
    yv = (np.argmax(xv[:, :3], axis=1)).astype("int32")
    wv = np.linspace(0.1, 2.0, 20).astype("float32")

    model = build(1)
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, class_weight={0: 2.0, 2: 0.5})
    show("class_weight", history)
    print("params", sorted(history.params.items()))

    model = build(1)
    sw = np.where(y == 1, 3.0, 1.0).astype("float32")
    history = model.fit(x, y, sample_weight=sw, batch_size=20, epochs=2, shuffle=False, verbose=0,
                        validation_data=(xv, yv, wv))
    show("sample_weight + triple", history)

    model = build(2)
    history = model.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0, validation_split=0.25)
    show("validation_split", history)
    print("params", sorted(history.params.items()))

    model = build(3)
    history = model.fit(x, y, batch_size=30, epochs=5, initial_epoch=3, shuffle=False, verbose=0)
    show("initial_epoch", history)

    model = build(4)
    history = model.fit(repeating(x, y, 12), steps_per_epoch=3, epochs=3, verbose=0,
                        validation_data=(xv, yv), validation_freq=2)
    show("generator + validation_freq=2", history)
    print("params", sorted(history.params.items()))

    model = build(4)
    history = model.fit(x, y, batch_size=15, epochs=4, shuffle=False, verbose=0, validation_data=(xv, yv),
                        validation_freq=[1, 4], validation_batch_size=5, validation_steps=2)
    show("validation_freq list + steps", history)

    model = build(5)
    try:
        model.fit(x, y, batch_size=60, epochs=1, verbose=0, class_weight={0: 1.0, 1: 1.0, 2: 4.0},
                  sample_weight=np.full(60, 0.5, "float32"))
    except ValueError:
        print("class_weight with sample_weight: ValueError")
    history = model.fit(x, y, batch_size=60, epochs=1, shuffle=False, verbose=0, class_weight={1: 0.0, 2: 4.0})
    show("class weight zero", history)
    print("evaluate dict", {k: round(float(v), 4) for k, v in
                            model.evaluate(xv, yv, sample_weight=wv, verbose=0, return_dict=True).items()})
    print("metrics_names", model.metrics_names)


if __name__ == "__main__":
    main()
