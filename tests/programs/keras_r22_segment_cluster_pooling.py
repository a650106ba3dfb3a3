"""A Keras program, written for Keras 3: graph-style pooling in custom layers built from keras.ops — node
features pooled into fixed clusters with ops.segment_sum and ops.segment_max (data moved to the leading axis),
the two highest-scoring nodes picked with ops.top_k and gathered with ops.take_along_axis, and a scalar node
feature bucketed by ops.searchsorted into one-hot buckets; a three-class model trained with class_weight,
validation_split with shuffling after keras.utils.set_random_seed, SparseTopKCategoricalAccuracy(k=2) and a
named accuracy, then evaluate, predict, and the custom layers' configs round-tripped. Weights are set from NumPy,
so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

CLUSTERS = [0, 0, 1, 1, 1, 2]


class ClusterPool(layers.Layer):
    """Sums and maxima of node features per cluster, concatenated: (batch, nodes, f) -> (batch, clusters, 2f)."""

    def __init__(self, cluster_ids, **kwargs):
        super().__init__(**kwargs)
        self.cluster_ids = list(cluster_ids)
        self.num_clusters = max(self.cluster_ids) + 1

    def call(self, x):
        ids = ops.convert_to_tensor(self.cluster_ids, dtype="int32")
        nodes_first = ops.transpose(x, (1, 0, 2))
        summed = ops.segment_sum(nodes_first, ids, num_segments=self.num_clusters, sorted=True)
        largest = ops.segment_max(nodes_first, ids, num_segments=self.num_clusters, sorted=True)
        return ops.transpose(ops.concatenate([summed, largest], axis=-1), (1, 0, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_clusters, 2 * input_shape[2])

    def get_config(self):
        return {**super().get_config(), "cluster_ids": self.cluster_ids}


class TopNodes(layers.Layer):
    """The features of the k nodes with the highest learned score, best first, flattened."""

    def __init__(self, k, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def build(self, input_shape):
        self.score = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="score")

    def call(self, x):
        scores = ops.sum(x * self.score, axis=-1)
        values, index = ops.top_k(scores, k=self.k)
        picked = ops.take_along_axis(x, ops.expand_dims(index, -1), axis=1)
        gated = picked * ops.expand_dims(ops.sigmoid(values), -1)
        return ops.reshape(gated, (-1, self.k * x.shape[-1]))

    def get_config(self):
        return {**super().get_config(), "k": self.k}


class Buckets(layers.Layer):
    """One-hot bucket of each node's first feature against fixed boundaries, averaged over nodes."""

    def __init__(self, boundaries, **kwargs):
        super().__init__(**kwargs)
        self.boundaries = list(boundaries)

    def call(self, x):
        edges = ops.convert_to_tensor(self.boundaries, dtype=x.dtype)
        index = ops.searchsorted(edges, x[:, :, 0], side="right")
        return ops.mean(ops.one_hot(index, len(self.boundaries) + 1), axis=1)

    def get_config(self):
        return {**super().get_config(), "boundaries": self.boundaries}


def main():
    rng = np.random.default_rng(22)
    x = rng.normal(size=(96, 6, 4)).astype("float32")
    label = (x[:, :2, 0].sum(1) > x[:, 2:5, 1].sum(1)).astype("int64") + (x[:, 5, 2] > 0.8)
    print("label counts", np.bincount(label, minlength=3).tolist())

    inputs = keras.Input((6, 4), name="nodes")
    h = layers.Dense(5, activation="tanh", name="embed")(inputs)
    pooled = layers.Flatten(name="flat_pool")(ClusterPool(CLUSTERS, name="cluster_pool")(h))
    top = TopNodes(2, name="top_nodes")(h)
    buckets = Buckets([-1.0, 0.0, 1.0], name="buckets")(inputs)
    joined = layers.Concatenate(name="joined")([pooled, top, buckets])
    outputs = layers.Dense(3, activation="softmax", name="probs")(joined)
    model = keras.Model(inputs, outputs, name="cluster_net")
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.weights])
    print("shapes", [tuple(layer.output.shape) for layer in model.layers[1:]])
    print("params", model.count_params(), [w.path for w in model.trainable_weights])

    first = model(x[:2])
    print("forward", np.round(ops.convert_to_numpy(first), 5).tolist())
    print("buckets", np.round(ops.convert_to_numpy(model.get_layer("buckets")(x[:2])), 4).tolist())

    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"),
                           keras.metrics.SparseCategoricalAccuracy(name="acc")])
    keras.utils.set_random_seed(3)
    history = model.fit(x, label, batch_size=16, epochs=4, validation_split=0.25, shuffle=True,
                        class_weight={0: 1.0, 1: 0.7, 2: 3.0}, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate(x, label, batch_size=32, verbose=0, return_dict=True)
    print("evaluate", {k: round(float(v), 5) for k, v in sorted(results.items())})
    probs = model.predict(x[:5], batch_size=2, verbose=0)
    print("predict", probs.dtype, np.round(probs, 4).tolist(), probs.argmax(-1).tolist())
    print("score", np.round(ops.convert_to_numpy(model.get_layer("top_nodes").score), 5).tolist())

    for name in ("cluster_pool", "top_nodes", "buckets"):
        layer = model.get_layer(name)
        config = layer.get_config()
        again = type(layer).from_config(config)
        print(name, {k: config[k] for k in sorted(config) if k not in ("dtype",)}, again.name)


if __name__ == "__main__":
    main()
