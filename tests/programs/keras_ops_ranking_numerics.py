"""A Keras program, written for Keras 3 on the torch backend: a learning-to-rank scorer trained with a ListMLE loss
written in keras.ops (ops.argsort of the relevance labels, ops.take_along_axis, a reversed ops.cumsum of ops.exp
and ops.logsumexp), evaluated with an NDCG@k metric subclass (ops.top_k, ops.log2 discounts, ops.cumsum), then
keras.ops numerics users reach for in data pipelines and metrics: searchsorted, digitize, histogram, quantile,
median, einsum contractions, tril / triu / tri, meshgrid, diag / diagonal / trace, kron, correlate, vdot, cross,
nan_to_num, slice_update, scatter, scatter_update, unravel_index and keras.ops.linalg (solve, inv, det, qr,
cholesky, norm). Data and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

LIST, FEATURES = 6, 5


class ListMLELoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        order = ops.argsort(-y_true, axis=-1)
        sorted_scores = ops.take_along_axis(y_pred, order, axis=-1)
        shifted = sorted_scores - ops.max(sorted_scores, axis=-1, keepdims=True)
        tails = ops.flip(ops.cumsum(ops.flip(ops.exp(shifted), axis=-1), axis=-1), axis=-1)
        return ops.sum(ops.log(tails) - shifted, axis=-1)


class NDCGAtK(keras.metrics.Metric):
    def __init__(self, k=3, name="ndcg", **kwargs):
        super().__init__(name=name, **kwargs)
        self.k = k
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        discounts = 1.0 / ops.log2(ops.arange(2, self.k + 2, dtype="float32"))
        _, ranked = ops.top_k(y_pred, k=self.k)
        gains = ops.take_along_axis(y_true, ranked, axis=-1)
        ideal, _ = ops.top_k(y_true, k=self.k)
        dcg = ops.sum((2.0 ** gains - 1.0) * discounts, axis=-1)
        idcg = ops.sum((2.0 ** ideal - 1.0) * discounts, axis=-1)
        self.total.assign_add(ops.sum(dcg / ops.maximum(idcg, 1e-9)))
        self.count.assign_add(ops.cast(ops.shape(y_true)[0], "float32"))

    def result(self):
        return self.total / self.count


def np_(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), dtype="float64"), digits).tolist()


def main():
    rng = np.random.default_rng(8)
    features = rng.normal(size=(40, LIST, FEATURES)).astype("float32")
    true_weights = np.array([1.0, -0.5, 0.8, 0.0, 0.3])
    relevance = np.clip(np.round(features @ true_weights + 1.5), 0, 3).astype("float32")
    print("relevance", relevance[0].tolist(), relevance[1].tolist())

    inputs = keras.Input((LIST, FEATURES))
    hidden = layers.Dense(8, activation="relu")(inputs)
    scores = layers.Reshape((LIST,))(layers.Dense(1)(hidden))
    model = keras.Model(inputs, scores)
    init = np.random.default_rng(2)
    model.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    loss = ListMLELoss()
    print("ListMLE at start", round(float(ops.convert_to_numpy(loss(relevance[:8], model(features[:8])))), 4))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss, metrics=[NDCGAtK(3)])
    history = model.fit(features[:32], relevance[:32], validation_data=(features[32:], relevance[32:]),
                        batch_size=8, epochs=5, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    predicted = model.predict(features[32:34], verbose=0)
    print("ranking", ops.convert_to_numpy(ops.argsort(-predicted, axis=-1)).tolist())

    edges = ops.convert_to_tensor(np.array([0.0, 0.5, 1.5, 3.0], "float32"))
    values = ops.convert_to_tensor(np.array([-1.0, 0.5, 0.7, 2.0, 3.0, 4.0], "float32"))
    print("searchsorted", ops.convert_to_numpy(ops.searchsorted(edges, values)).tolist(),
          ops.convert_to_numpy(ops.searchsorted(edges, values, side="right")).tolist())
    print("digitize", ops.convert_to_numpy(ops.digitize(values, edges)).tolist())
    counts, bin_edges = ops.histogram(values, bins=4, range=(-1.0, 4.0))
    print("histogram", ops.convert_to_numpy(counts).tolist(), np_(bin_edges))
    sample = ops.convert_to_tensor(features[0])
    print("quantile", np_(ops.quantile(sample, 0.25, axis=0)), np_(ops.quantile(sample, [0.1, 0.9])))
    print("median", np_(ops.median(sample, axis=1)))
    print("einsum", np_(ops.einsum("ij,kj->ik", sample[:2], sample[2:4])), np_(ops.einsum("ii->", sample[:5])))
    print("logsumexp", np_(ops.logsumexp(sample, axis=1)), np_(ops.cumprod(sample[0, :3])))
    square = sample[:4, :4]
    print("tril triu", np_(ops.sum(ops.tril(square, -1))), np_(ops.sum(ops.triu(square, 1))),
          ops.convert_to_numpy(ops.tri(3, 4, k=1)).tolist())
    grid_x, grid_y = ops.meshgrid(ops.arange(3), ops.arange(2), indexing="ij")
    print("meshgrid", ops.convert_to_numpy(grid_x).tolist(), ops.convert_to_numpy(grid_y).tolist())
    print("diag trace", np_(ops.diag(square)), np_(ops.diagonal(square, offset=1)), np_(ops.trace(square)))
    print("kron", np_(ops.kron(ops.eye(2), square[:2, :2])[1]))
    print("correlate", np_(ops.correlate(values, ops.convert_to_tensor([1.0, -1.0]), mode="valid")))
    print("vdot cross", np_(ops.vdot(values, values)), np_(ops.cross(sample[0, :3], sample[1, :3])))
    bad = ops.convert_to_tensor(np.array([np.nan, np.inf, -np.inf, 1.5], "float32"))
    print("nan_to_num", np_(ops.nan_to_num(bad, nan=0.0, posinf=9.0, neginf=-9.0)))
    print("slice_update", np_(ops.slice_update(ops.zeros((3, 4)), (1, 1), ops.ones((2, 2)))))
    print("scatter", np_(ops.scatter(ops.convert_to_tensor([[0, 1], [2, 3], [0, 1]]), ops.convert_to_tensor(
        [1.0, 2.0, 3.0]), (3, 4))))
    print("scatter_update", np_(ops.scatter_update(ops.zeros((2, 3)), [[0, 0], [1, 2]], ops.convert_to_tensor(
        [5.0, 6.0]))))
    print("unravel_index", [ops.convert_to_numpy(i).tolist() for i in ops.unravel_index(
        ops.convert_to_tensor([1, 5, 11]), (3, 4))])
    spd = ops.matmul(square, ops.transpose(square)) + 4.0 * ops.eye(4)
    rhs = ops.convert_to_tensor(np.arange(4, dtype="float32")[:, None])
    print("solve", np_(ops.linalg.solve(spd, rhs)), "det", np_(ops.linalg.det(spd), 3))
    print("inv", np_(ops.linalg.inv(spd)[0]))
    q, r = ops.linalg.qr(square)
    print("qr", np_(ops.abs(ops.diagonal(r))), np_(ops.linalg.norm(ops.matmul(q, r) - square), 5))
    print("cholesky", np_(ops.linalg.cholesky(spd)[3]))
    print("norms", np_(ops.linalg.norm(square)), np_(ops.linalg.norm(square, ord=1)),
          np_(ops.linalg.norm(square, ord="nuc")), np_(ops.norm(square[0], ord=np.inf)))


if __name__ == "__main__":
    main()
