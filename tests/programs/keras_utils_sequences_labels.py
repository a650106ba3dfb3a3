"""A Keras program, written for Keras 3: the data helpers in keras.utils that text and tabular pipelines call before
fit — pad_sequences (padding and truncating "pre"/"post", maxlen, value, dtype, ragged lists), to_categorical (with
num_classes, from column vectors), normalize (axis, order), set_random_seed, pack_x_y_sample_weight /
unpack_x_y_sample_weight, and a text classifier trained on padded, one-hot labelled data. Real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers, utils


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def describe(array):
    return f"{array.dtype} {array.shape} {array.tolist()}"


def main():
    sequences = [[5, 3, 8], [2], [7, 1, 4, 9, 6], []]
    print("default", describe(utils.pad_sequences(sequences)))
    print("post", describe(utils.pad_sequences(sequences, padding="post")))
    print("maxlen 3 pre", describe(utils.pad_sequences(sequences, maxlen=3)))
    print("maxlen 3 post truncating", describe(utils.pad_sequences(sequences, maxlen=3, truncating="post")))
    print("value -1", describe(utils.pad_sequences(sequences, maxlen=4, value=-1, padding="post")))
    print("float dtype", describe(utils.pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=0.25)))
    print("nested features", utils.pad_sequences([[[1, 2], [3, 4]], [[5, 6]]]).tolist())
    print("object strings", utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="").tolist())

    labels = np.array([0, 2, 1, 2, 3])
    print("to_categorical", describe(utils.to_categorical(labels)))
    print("num_classes 5", utils.to_categorical(labels, num_classes=5).shape)
    print("column vector", utils.to_categorical(np.array([[1], [0], [2]])).tolist())
    print("matrix labels", utils.to_categorical(np.array([[0, 1], [1, 1]]), 2).shape)

    data = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]], "float32")
    print("normalize l2", r(utils.normalize(data)))
    print("normalize axis 1", r(utils.normalize(data.T, axis=1)))
    print("normalize l1", r(utils.normalize(data, order=1)))

    packed = utils.pack_x_y_sample_weight(np.ones(2), np.zeros(2))
    print("pack", type(packed).__name__, len(packed))
    print("pack x only", type(utils.pack_x_y_sample_weight(np.ones(2))).__name__)
    x, y, w = utils.unpack_x_y_sample_weight((np.ones(2), np.zeros(2), np.full(2, 0.5)))
    print("unpack", x.tolist(), y.tolist(), w.tolist())
    x, y, w = utils.unpack_x_y_sample_weight((np.ones(2),))
    print("unpack single", x.tolist(), y, w)

    utils.set_random_seed(21)
    a = np.random.rand(3)
    utils.set_random_seed(21)
    print("numpy reseeded", bool(np.array_equal(a, np.random.rand(3))))

    rng = np.random.default_rng(8)
    docs = [rng.integers(1, 30, rng.integers(2, 12)).tolist() for _ in range(60)]
    topics = np.array([min(2, sum(1 for t in doc if t < 10) // 2) for doc in docs])
    padded = utils.pad_sequences(docs, maxlen=10, padding="post", truncating="post")
    one_hot = utils.to_categorical(topics, num_classes=3)
    print("class counts", one_hot.sum(axis=0).astype(int).tolist(), padded.shape, padded.dtype)

    model = keras.Sequential([keras.Input((10,), dtype="int32"),
                              layers.Embedding(30, 8, mask_zero=True),
                              layers.GlobalAveragePooling1D(),
                              layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="categorical_crossentropy",
                  metrics=["categorical_accuracy"])
    history = model.fit(padded[:48], one_hot[:48], batch_size=16, epochs=4, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("accuracy", r(history.history["categorical_accuracy"]))
    print("evaluate", r(model.evaluate(padded[48:], one_hot[48:], verbose=0)))
    probs = model.predict(padded[:3], verbose=0)
    print("predicted", probs.argmax(axis=1).tolist(), "truth", topics[:3].tolist(), r(probs[0]))


if __name__ == "__main__":
    main()
