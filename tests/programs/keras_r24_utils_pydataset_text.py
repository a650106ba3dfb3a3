"""A Keras program, written for Keras 3: a tiny token classifier fed by `keras.utils` — sequences of different
lengths padded and truncated with `pad_sequences` (padding/truncating "pre" and "post", a value, a float dtype),
labels one-hot encoded by `to_categorical`, count features scaled by `normalize` (L1 and L2), the data split by
`split_dataset` on arrays (only the sizes are printed) — and trained from `keras.utils.PyDataset` subclasses: one
yielding (x, y, sample_weight) batches with an `on_epoch_end` hook, one yielding dict inputs for a two-input model,
passed to `fit` with a PyDataset for validation, `steps_per_epoch` and `shuffle=False`, then evaluated and
predicted from PyDatasets. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(value, digits=5):
    return np.round(np.asarray(value, dtype="float64"), digits).tolist()


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, weights, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.weights, self.batch_size = x, y, weights, batch_size
        self.epochs_seen = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.weights is None:
            return self.x[part], self.y[part]
        return self.x[part], self.y[part], self.weights[part]

    def on_epoch_end(self):
        self.epochs_seen += 1


class TwoInputs(keras.utils.PyDataset):
    def __init__(self, tokens, counts, y, batch_size):
        super().__init__()
        self.tokens, self.counts, self.y, self.batch_size = tokens, counts, y, batch_size

    def __len__(self):
        return len(self.tokens) // self.batch_size

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return {"tokens": self.tokens[part], "counts": self.counts[part]}, self.y[part]


def main():
    rng = np.random.default_rng(2405)
    raw = [list(rng.integers(1, 30, size=n)) for n in rng.integers(2, 12, size=60)]
    classes = np.array([int(np.mean(s) > 15) + int(len(s) > 7) for s in raw])
    post = keras.utils.pad_sequences(raw, maxlen=8, padding="post", truncating="post")
    pre = keras.utils.pad_sequences(raw, maxlen=8, padding="pre", truncating="pre", value=-1)
    floats = keras.utils.pad_sequences(raw[:3], maxlen=5, dtype="float32", padding="post", value=0.5)
    print("padded", post.shape, post.dtype, post[:2].tolist(), pre[:2].tolist())
    print("float padded", floats.dtype, floats.tolist())
    print("default", keras.utils.pad_sequences([[1, 2], [3]]).tolist())
    onehot = keras.utils.to_categorical(classes, num_classes=3)
    print("one hot", onehot.shape, onehot.dtype, onehot[:4].tolist(), keras.utils.to_categorical([[1], [0]]).shape)
    counts = np.stack([np.bincount(np.clip(s, 0, 29) // 6, minlength=5) for s in raw]).astype("float32")
    print("l1", r(keras.utils.normalize(counts[:2], order=1)), "l2", r(keras.utils.normalize(counts[:2])))
    left, right = keras.utils.split_dataset((post, classes), left_size=0.75)
    print("split sizes", len(left), len(right))
    left, right = keras.utils.split_dataset(post, right_size=12)
    print("split sizes", len(left), len(right))

    init = np.random.default_rng(3)
    model = keras.Sequential([keras.Input((8,), dtype="int32"), layers.Embedding(30, 6, mask_zero=True),
                              layers.GlobalAveragePooling1D(), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")], name="tokens_only")
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="categorical_crossentropy",
                  metrics=["categorical_accuracy"], weighted_metrics=["categorical_accuracy"])
    weights = np.where(classes == 2, 2.0, 1.0).astype("float32")
    train = Batches(post[:48], onehot[:48], weights[:48], 10)
    valid = Batches(post[48:], onehot[48:], None, 6)
    history = model.fit(train, validation_data=valid, epochs=4, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("epochs seen by dataset", train.epochs_seen, "batches", len(train), len(valid))
    history = model.fit(train, epochs=2, steps_per_epoch=3, verbose=0, shuffle=False)
    print("steps_per_epoch losses", r(history.history["loss"]))
    print("evaluate", r(model.evaluate(valid, verbose=0)))
    print("predict", model.predict(valid, verbose=0).shape, r(model.predict(valid, verbose=0)[:2]))

    tok = keras.Input((8,), dtype="int32", name="tokens")
    cnt = keras.Input((5,), name="counts")
    h = layers.GlobalAveragePooling1D()(layers.Embedding(30, 4, mask_zero=True)(tok))
    h = layers.Concatenate()([h, layers.Dense(4, activation="tanh")(cnt)])
    two = keras.Model({"tokens": tok, "counts": cnt}, layers.Dense(3, activation="softmax")(h), name="two_inputs")
    two.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in two.get_weights()])
    two.compile(optimizer=keras.optimizers.RMSprop(0.02), loss="sparse_categorical_crossentropy",
                metrics=["accuracy"])
    scaled = keras.utils.normalize(counts, order=2).astype("float32")
    history = two.fit(TwoInputs(pre.clip(0), scaled, classes, 12), epochs=3, verbose=0, shuffle=False)
    print("two inputs", r(history.history["loss"]), r(history.history["accuracy"]))
    print("two evaluate", r(two.evaluate(TwoInputs(pre.clip(0), scaled, classes, 20), verbose=0)))


if __name__ == "__main__":
    main()
