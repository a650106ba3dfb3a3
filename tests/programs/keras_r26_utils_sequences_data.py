"""A Keras program, written for Keras 3: the `keras.utils` helpers a text or tabular pipeline uses.
`pad_sequences` with every `padding`/`truncating` choice, `maxlen`, `value` and `dtype`; `to_categorical` of
vectors, matrices and with `num_classes`; `normalize` with `order` 1, 2 and 3 along axes; a `PyDataset` whose
`__len__` changes after each epoch (an `on_epoch_end` that grows it), a `keras.utils.Sequence` subclass, and
`fit`/`evaluate`/`predict` on both, printing the epochs' losses and the batches each saw."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


class Growing(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.batches = 2
        self.seen = []

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        self.seen.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.batches = min(self.batches + 1, len(self.x) // self.batch_size)


class Sequences(keras.utils.Sequence):
    def __init__(self, tokens, labels, batch_size):
        super().__init__()
        self.tokens, self.labels, self.batch_size = tokens, labels, batch_size

    def __len__(self):
        return int(np.ceil(len(self.tokens) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        rows = keras.utils.pad_sequences(self.tokens[part], maxlen=6, padding="post", truncating="pre")
        return rows, keras.utils.to_categorical(self.labels[part], num_classes=3)


def main():
    rng = np.random.default_rng(2606)
    ragged = [list(rng.integers(1, 9, size=n)) for n in (2, 7, 4, 0, 9)]
    print("ragged", [list(map(int, s)) for s in ragged])
    for padding in ("pre", "post"):
        for truncating in ("pre", "post"):
            out = keras.utils.pad_sequences(ragged, maxlen=5, padding=padding, truncating=truncating, value=-1)
            print(padding, truncating, out.dtype, out.tolist())
    print("no maxlen", keras.utils.pad_sequences(ragged).shape)
    floats = keras.utils.pad_sequences([[0.5, 1.5], [2.25]], dtype="float32", value=9.0, maxlen=3)
    print("floats", floats.dtype, floats.tolist())
    print("strings", keras.utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>").tolist())

    labels = np.array([2, 0, 1, 2])
    print("categorical", keras.utils.to_categorical(labels).tolist())
    print("categorical 5", keras.utils.to_categorical(labels, num_classes=5).dtype,
          keras.utils.to_categorical(labels, num_classes=5).shape)
    grid = keras.utils.to_categorical(np.array([[0, 1], [1, 1]]), 2)
    print("categorical grid", grid.shape, grid.reshape(-1).tolist())
    column = keras.utils.to_categorical(np.array([[1], [0], [2]]))
    print("categorical column", column.shape, column.tolist())

    values = rng.normal(size=(3, 4)).astype("float32")
    for order in (1, 2, 3):
        for axis in (-1, 1):
            print("normalize", order, axis, r(keras.utils.normalize(values, axis=axis, order=order)))

    keras.utils.set_random_seed(2606)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]], "float32")).astype("float32")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    data = Growing(x, y, batch_size=8)
    history = model.fit(data, epochs=4, verbose=0, shuffle=False)
    print("growing loss", r(history.history["loss"]), "mae", r(history.history["mae"]))
    print("growing seen", data.seen, "length now", len(data))
    print("growing evaluate", r(model.evaluate(Growing(x, y, batch_size=8), verbose=0)))
    print("growing predict", model.predict(Growing(x, y, batch_size=8), verbose=0).shape)

    tokens = [list(rng.integers(1, 12, size=n)) for n in rng.integers(2, 10, size=30)]
    classes = np.array([int(np.mean(t) > 6) + int(len(t) > 6) for t in tokens])
    sequence = Sequences(tokens, classes, batch_size=8)
    print("sequence batches", len(sequence), [tuple(a.shape) for a in sequence[3]], sequence[0][0][0].tolist())
    classifier = keras.Sequential([keras.Input((6,)), layers.Embedding(12, 4, mask_zero=True),
                                   layers.GlobalAveragePooling1D(), layers.Dense(3, activation="softmax")])
    init = np.random.default_rng(2)
    classifier.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in classifier.get_weights()])
    classifier.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(sequence, epochs=3, verbose=0, shuffle=False)
    print("sequence loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("sequence evaluate", r(classifier.evaluate(sequence, verbose=0)))
    print("sequence predict", r(classifier.predict(sequence, verbose=0)[:2]))
    print("is PyDataset", isinstance(sequence, keras.utils.PyDataset), keras.utils.Sequence is keras.utils.PyDataset)


if __name__ == "__main__":
    main()
