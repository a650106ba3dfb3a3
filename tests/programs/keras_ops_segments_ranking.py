"""A Keras program, written for Keras 3: keras.ops for grouping and ranking as recommenders and retrieval code use
them — segment_sum / segment_max with num_segments and sorted flags, top_k (sorted and not), in_top_k, argsort and
sort along axes, one_hot / multi_hot with their axis and dtype, searchsorted (left/right), digitize, bincount with
weights and minlength, and a per-user mean rating computed from segments; then a tiny retrieval model scored with
top_k. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def n(tensor):
    return ops.convert_to_numpy(tensor)


def main():
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "float32")
    ids = np.array([0, 0, 1, 1, 1, 3], "int32")
    print("segment_sum", r(n(ops.segment_sum(data, ids))), r(n(ops.segment_sum(data, ids, num_segments=5))))
    print("segment_max", r(n(ops.segment_max(data, ids, num_segments=4))))
    rows = np.arange(12, dtype="float32").reshape(6, 2)
    print("segment_sum rows", r(n(ops.segment_sum(rows, ids, num_segments=4, sorted=True))))

    ratings = np.array([4.0, 5.0, 2.0, 3.0, 1.0, 5.0, 4.0], "float32")
    users = np.array([2, 0, 2, 1, 0, 2, 1], "int32")
    totals = ops.segment_sum(ratings, users, num_segments=3)
    counts = ops.segment_sum(ops.ones_like(ratings), users, num_segments=3)
    print("mean rating per user", r(n(totals / counts)))

    scores = np.array([[0.1, 0.7, 0.2, 0.9, 0.4], [0.8, 0.3, 0.35, 0.1, 0.6]], "float32")
    values, indices = ops.top_k(scores, k=3)
    print("top_k", r(n(values)), n(indices).tolist())
    values, indices = ops.top_k(scores, k=2, sorted=False)
    print("top_k unsorted as set", sorted(n(indices)[0].tolist()), sorted(n(indices)[1].tolist()))
    targets = np.array([1, 2], "int32")
    print("in_top_k", n(ops.in_top_k(targets, scores, 1)).tolist(), n(ops.in_top_k(targets, scores, 3)).tolist())

    print("argsort", n(ops.argsort(scores)).tolist(), n(ops.argsort(scores, axis=0)).tolist())
    print("argsort descending", n(ops.argsort(-scores[0])).tolist())
    print("sort", r(n(ops.sort(scores, axis=-1))), r(n(ops.sort(scores, axis=0))[0]))

    labels = np.array([0, 2, 1, 2], "int32")
    print("one_hot", n(ops.one_hot(labels, 3)).tolist(), tuple(ops.one_hot(labels, 3).shape))
    print("one_hot axis 0", n(ops.one_hot(labels, 3, axis=0)).astype(int).tolist())
    print("one_hot int dtype", keras.backend.standardize_dtype(ops.one_hot(labels, 3, dtype="int32").dtype))
    bags = np.array([[0, 2, 2], [1, 1, 3]], "int32")
    print("multi_hot", n(ops.multi_hot(bags, 4)).tolist())

    edges = np.array([0.0, 1.0, 2.5, 4.0], "float32")
    queries = np.array([-1.0, 1.0, 2.0, 4.0, 7.0], "float32")
    print("searchsorted", n(ops.searchsorted(edges, queries)).tolist(),
          n(ops.searchsorted(edges, queries, side="right")).tolist())
    print("digitize", n(ops.digitize(queries, edges)).tolist())
    counts = ops.bincount(np.array([0, 1, 1, 3, 3, 3], "int32"))
    print("bincount", n(counts).tolist(), n(ops.bincount(np.array([0, 2], "int32"), minlength=5)).tolist())
    weighted = ops.bincount(np.array([0, 1, 1, 3], "int32"), weights=np.array([0.5, 1.0, 2.0, 0.25], "float32"))
    print("bincount weighted", r(n(weighted)))

    rng = np.random.default_rng(12)
    item_vectors = rng.normal(size=(20, 6)).astype("float32")
    user_ids = rng.integers(0, 8, 64).astype("int32")
    item_ids = (user_ids * 2 + rng.integers(0, 3, 64)).astype("int32") % 20
    user_in = keras.Input((), dtype="int32", name="user")
    user_vec = layers.Embedding(8, 6, name="user_embed")(user_in)
    logits = layers.Lambda(lambda u: ops.matmul(u, ops.transpose(ops.convert_to_tensor(item_vectors))),
                           name="scores")(user_vec)
    model = keras.Model(user_in, logits)
    model.set_weights([np.random.default_rng(2).uniform(-0.2, 0.2, (8, 6)).astype("float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseTopKCategoricalAccuracy(k=3, name="top3")])
    history = model.fit(user_ids, item_ids, batch_size=16, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]), "top3", r(history.history["top3"]))
    predicted = model.predict(np.arange(4, dtype="int32"), verbose=0)
    best_scores, best_items = ops.top_k(predicted, k=3)
    print("recommended", n(best_items).tolist())
    print("scores", r(n(best_scores), 3))
    hits = ops.in_top_k(np.array([0, 2, 4, 6], "int32"), predicted, 3)
    print("hits", n(hits).tolist())


if __name__ == "__main__":
    main()
