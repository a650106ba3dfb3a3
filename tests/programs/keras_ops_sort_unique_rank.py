"""A Keras program, written for Keras 3: sorting and set ops from keras.ops in the places users put them —
ops.sort / argsort along an axis (descending by negation), ops.unique with return_inverse / return_counts and a
static size with fill_value, ops.isin, ops.argpartition, ops.nonzero, ops.count_nonzero, ops.top_k with
sorted=False, a rank-gauss (quantile) feature layer built on argsort inside a model, and a listwise ranking
loss written with sort and cumulative sums, trained with fit. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def n(tensor):
    return ops.convert_to_numpy(tensor)


class RankScale(layers.Layer):
    """Each feature replaced by its rank within the batch, scaled to [-1, 1]."""

    def call(self, x):
        ranks = ops.cast(ops.argsort(ops.argsort(x, axis=0), axis=0), "float32")
        count = ops.cast(ops.shape(x)[0] - 1, "float32")
        return 2.0 * ranks / count - 1.0


def listnet_loss(y_true, y_pred):
    order = ops.argsort(-y_true, axis=-1)
    scores = ops.take_along_axis(y_pred, order, axis=-1)
    # Plackett-Luce: the log of the summed exp scores of the items not yet placed
    tail = ops.log(ops.flip(ops.cumsum(ops.flip(ops.exp(scores), axis=-1), axis=-1), axis=-1))
    return ops.mean(ops.sum(tail - scores, axis=-1))


def main():
    a = np.array([[3.0, -1.0, 2.5, 0.0], [1.0, 4.0, -2.0, 4.0]], "float32")
    print("sort", r(n(ops.sort(a))), r(n(ops.sort(a, axis=0))))
    print("descending", r(n(-ops.sort(-a, axis=-1))))
    print("argsort", n(ops.argsort(a, axis=-1)).tolist(), n(ops.argsort(a, axis=0)).tolist())
    values = np.array([4, 1, 4, 7, 1, 1, 9])
    unique, inverse, counts = ops.unique(values, return_inverse=True, return_counts=True)
    print("unique", n(unique).tolist(), n(inverse).tolist(), n(counts).tolist())
    print("unique sized", n(ops.unique(values, size=6, fill_value=-1)).tolist())
    print("isin", n(ops.isin(values, np.array([1, 9]))).tolist())
    part = n(ops.argpartition(np.array([9, 2, 7, 1, 5]), 2))
    print("argpartition", sorted(part[:2].tolist()), sorted(part[2:].tolist()))
    print("nonzero", [t.tolist() for t in (n(i) for i in ops.nonzero(np.array([[0, 3], [2, 0]])))])
    print("count_nonzero", int(n(ops.count_nonzero(a))), n(ops.count_nonzero(a, axis=0)).tolist())
    top_values, top_indices = ops.top_k(np.array([1.0, 5.0, 3.0, 4.0], "float32"), k=2, sorted=True)
    print("top_k", r(n(top_values)), n(top_indices).tolist())

    rng = np.random.default_rng(23)
    x = (rng.standard_normal((60, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, -3.0]).astype("float32")
    x[::7, 1] += 200.0
    print("rank scaled", r(n(RankScale()(x[:5]))))
    y = ((x[:, 0] + (x[:, 1] - 50.0) / 10.0) > 0).astype("float32")[:, None]
    inputs = keras.Input((3,))
    h = RankScale()(inputs)
    h = layers.Dense(6, activation="relu")(h)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, out)
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=20, epochs=4, shuffle=False, verbose=0)
    print("rank model", r(history.history["loss"]), r(history.history["accuracy"]))

    docs = rng.standard_normal((16, 5, 4)).astype("float32")
    relevance = (docs[:, :, 0] * 2.0 + docs[:, :, 1]).astype("float32")
    print("listnet at zero", r(n(listnet_loss(relevance, np.zeros_like(relevance)))))
    ranker_in = keras.Input((5, 4))
    score = layers.Dense(1)(ranker_in)
    ranker = keras.Model(ranker_in, layers.Reshape((5,))(score))
    ranker.set_weights([np.full((4, 1), 0.1, "float32"), np.zeros(1, "float32")])
    ranker.compile(optimizer=keras.optimizers.SGD(0.1), loss=listnet_loss)
    history = ranker.fit(docs, relevance, batch_size=8, epochs=4, shuffle=False, verbose=0)
    print("listnet", r(history.history["loss"]))
    predicted = ranker.predict(docs[:3], verbose=0)
    print("orders", n(ops.argsort(-predicted, axis=-1)).tolist(), n(ops.argsort(-relevance[:3], axis=-1)).tolist())
    print("kernel", r(n(ranker.layers[1].kernel)[:, 0]))


if __name__ == "__main__":
    main()
