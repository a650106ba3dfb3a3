"""A Keras program, written for Keras 3: the keras.utils helpers a user reaches for before fit — to_categorical
(with and without num_classes, on a column vector), normalize (L1 and L2 along the last axis), pad_sequences (dtype,
value, maxlen), split_dataset on a tuple of NumPy arrays (fractions, counts, right_size only) iterated back into
arrays, pack_x_y_sample_weight / unpack_x_y_sample_weight, then a classifier trained on the first
40 rows and validated on the rest with categorical targets. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def as_arrays(split):
    rows = list(split)
    return [np.stack([np.asarray(row[k]) for row in rows]) for k in range(len(rows[0]))]


def main():
    labels = np.array([0, 2, 1, 2, 3])
    print("one_hot", keras.utils.to_categorical(labels).tolist())
    wide = keras.utils.to_categorical(labels[:, None], num_classes=6)
    print("num_classes", wide.shape, wide.dtype, wide[1].tolist())
    m = np.array([[3.0, -4.0, 0.0], [1.0, 1.0, 2.0]], "float32")
    print("l2 rows", r(keras.utils.normalize(m)))
    print("l1 rows", r(keras.utils.normalize(m, axis=1, order=1)))
    seqs = [[4, 5], [1, 2, 3, 4, 5, 6], [7]]
    print("value", keras.utils.pad_sequences(seqs, maxlen=4, value=-1).tolist())
    print("float", keras.utils.pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", padding="post").tolist())

    rng = np.random.default_rng(21)
    x = rng.standard_normal((50, 4)).astype("float32")
    y = (np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)).astype("int64")
    left, right = keras.utils.split_dataset((x, y), left_size=0.8)
    print("fractions", len(left), len(right))
    left_n, right_n = keras.utils.split_dataset((x, y), left_size=35)
    print("counts", len(left_n), len(right_n))
    only_right = keras.utils.split_dataset(x, right_size=0.1)
    print("right_size", [len(part) for part in only_right])
    train_x, train_y = as_arrays(left)
    val_x, val_y = as_arrays(right)
    ids = np.concatenate([as_arrays(part)[0][:, 0] for part in (left, right)])
    print("split", train_x.shape, train_y.shape, val_x.shape, bool(np.allclose(np.sort(ids), np.sort(x[:, 0]))))
    # Keras's torch backend draws this split from torch's global generator even with shuffle=False (a
    # Keras bug), so the arrays trained on below are split by hand: the first 40 rows and the last 10
    train_x, train_y, val_x, val_y = x[:40], y[:40], x[40:], y[40:]
    print("val", val_y.tolist())

    packed = keras.utils.pack_x_y_sample_weight(train_x[:2], train_y[:2])
    print("packed", type(packed).__name__, len(packed))
    unpacked = keras.utils.unpack_x_y_sample_weight((train_x[:2], train_y[:2], np.ones(2)))
    print("unpacked", [None if u is None else np.asarray(u).shape for u in unpacked])
    print("only x", keras.utils.unpack_x_y_sample_weight(train_x[:2])[1:])

    model = keras.Sequential([keras.Input((4,)), layers.Dense(10, activation="tanh"),
                              layers.Dense(3, activation="softmax")])
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.CategoricalCrossentropy(name="cce")])
    history = model.fit(train_x, keras.utils.to_categorical(train_y, 3), batch_size=8, epochs=4, shuffle=False,
                        verbose=0, validation_data=(val_x, keras.utils.to_categorical(val_y, 3)))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("history epoch", history.epoch, sorted(history.params.items()))
    print("predict", r(model.predict(val_x[:3], verbose=0)))


if __name__ == "__main__":
    main()
