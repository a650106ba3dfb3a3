"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Graph attention network (GAT) for
node classification": a GraphAttention layer (its own add_weight kernels, ops.take of the edge endpoints,
leaky_relu attention scores clipped and exponentiated, normalized per target node with ops.segment_sum,
ops.bincount and ops.repeat, neighbours aggregated with segment_sum), MultiHeadGraphAttention merging heads by
concatenation or averaging, and a GraphAttentionNetwork model that holds the whole graph and trains on batches of
node indices through its own train_step / test_step / predict_step (ops.take of the outputs at the indices; its
loss is its own, as a compiled loss makes Keras's fit call the model on the index batches first). The graph,
features and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops

NUM_NODES, NUM_FEATURES, NUM_CLASSES = 30, 6, 3


class GraphAttention(layers.Layer):
    def __init__(self, units, kernel_initializer="glorot_uniform", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[0][-1], self.units), trainable=True,
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      name="kernel")
        self.kernel_attention = self.add_weight(shape=(self.units * 2, 1), trainable=True,
                                                initializer=self.kernel_initializer,
                                                regularizer=self.kernel_regularizer, name="kernel_attention")
        self.built = True

    def call(self, inputs):
        node_states, edges = inputs

        # Linearly transform node states
        node_states_transformed = ops.matmul(node_states, self.kernel)

        # (1) Compute pair-wise attention scores
        node_states_expanded = ops.take(node_states_transformed, edges, axis=0)
        node_states_expanded = ops.reshape(node_states_expanded, (ops.shape(edges)[0], -1))
        attention_scores = ops.nn.leaky_relu(ops.matmul(node_states_expanded, self.kernel_attention))
        attention_scores = ops.squeeze(attention_scores, -1)

        # (2) Normalize attention scores
        attention_scores = ops.exp(ops.clip(attention_scores, -2, 2))
        attention_scores_sum = ops.segment_sum(data=attention_scores, segment_ids=edges[:, 0],
                                               num_segments=NUM_NODES)
        attention_scores_sum = ops.repeat(attention_scores_sum, ops.bincount(ops.cast(edges[:, 0], "int32")))
        attention_scores_norm = attention_scores / attention_scores_sum

        # (3) Gather node states of neighbors, apply attention scores and aggregate
        node_states_neighbors = ops.take(node_states_transformed, edges[:, 1], axis=0)
        out = ops.segment_sum(data=node_states_neighbors * attention_scores_norm[:, None], segment_ids=edges[:, 0],
                              num_segments=ops.shape(node_states)[0])
        return out


class MultiHeadGraphAttention(layers.Layer):
    def __init__(self, units, num_heads=8, merge_type="concat", **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.merge_type = merge_type
        self.attention_layers = [GraphAttention(units) for _ in range(num_heads)]

    def call(self, inputs):
        atom_features, pair_indices = inputs

        # Obtain outputs from each attention head
        outputs = [attention_layer([atom_features, pair_indices]) for attention_layer in self.attention_layers]
        # Concatenate or average the node states from each head
        if self.merge_type == "concat":
            outputs = ops.concatenate(outputs, axis=-1)
        else:
            outputs = ops.mean(ops.stack(outputs, axis=-1), axis=-1)
        # Activate and return node states
        return ops.nn.relu(outputs)


class GraphAttentionNetwork(keras.Model):
    def __init__(self, node_states, edges, hidden_units, num_heads, num_layers, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.node_states = node_states
        self.edges = edges
        self.preprocess = layers.Dense(hidden_units * num_heads, activation="relu")
        self.attention_layers = [MultiHeadGraphAttention(hidden_units, num_heads) for _ in range(num_layers)]
        self.output_layer = layers.Dense(output_dim)
        self.tracked_loss = keras.metrics.Mean(name="loss")
        self.compiled_accuracy = keras.metrics.SparseCategoricalAccuracy(name="acc")
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def call(self, inputs):
        node_states, edges = inputs
        x = self.preprocess(node_states)
        for attention_layer in self.attention_layers:
            x = attention_layer([x, edges]) + x
        outputs = self.output_layer(x)
        return outputs

    def train_step(self, data):
        indices, labels = data
        self.zero_grad()
        outputs = self([self.node_states, self.edges])
        loss = self.loss_fn(labels, ops.take(outputs, indices, axis=0))
        loss.backward()
        trainable_weights = self.trainable_weights
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        self.tracked_loss.update_state(loss)
        self.compiled_accuracy.update_state(labels, ops.take(outputs, indices, axis=0))
        return {"loss": self.tracked_loss.result(), "acc": self.compiled_accuracy.result()}

    def predict_step(self, data):
        indices = data
        outputs = self([self.node_states, self.edges])
        return ops.softmax(ops.take(outputs, indices, axis=0))

    def test_step(self, data):
        indices, labels = data
        outputs = self([self.node_states, self.edges])
        loss = self.loss_fn(labels, ops.take(outputs, indices, axis=0))
        self.tracked_loss.update_state(loss)
        self.compiled_accuracy.update_state(labels, ops.take(outputs, indices, axis=0))
        return {"loss": self.tracked_loss.result(), "acc": self.compiled_accuracy.result()}

    @property
    def metrics(self):
        return [self.tracked_loss, self.compiled_accuracy]


def main():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, NUM_CLASSES, NUM_NODES)
    centers = rng.normal(0, 1.0, (NUM_CLASSES, NUM_FEATURES))
    features = (centers[labels] + rng.normal(0, 1.2, (NUM_NODES, NUM_FEATURES))).astype("float32")
    edges = []
    for target in range(NUM_NODES):
        same = np.flatnonzero(labels == labels[target])
        edges.append((target, target))
        for source in rng.choice(same, 2):
            edges.append((target, int(source)))
        edges.append((target, int(rng.integers(0, NUM_NODES))))
    edges = np.array(sorted(edges), dtype="int64")
    print("Edges shape:", edges.shape, "Node features shape:", features.shape)
    print("in-degree", np.bincount(edges[:, 0])[:6].tolist())

    node_states = ops.convert_to_tensor(features)
    edge_tensor = ops.convert_to_tensor(edges)
    order = rng.permutation(NUM_NODES)
    train_indices, test_indices = order[:20], order[20:]

    gat_model = GraphAttentionNetwork(node_states, edge_tensor, hidden_units=4, num_heads=2, num_layers=2,
                                      output_dim=NUM_CLASSES)
    gat_model([node_states, edge_tensor])
    init = np.random.default_rng(7)
    gat_model.set_weights([init.normal(0.0, 0.4, w.shape).astype("float32") for w in gat_model.get_weights()])
    print("weights", [w.path for w in gat_model.weights][:4], len(gat_model.weights))

    gat_model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9))
    history = gat_model.fit(x=train_indices, y=labels[train_indices], validation_split=0.2, batch_size=8,
                            epochs=6, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())

    test_probs = gat_model.predict(x=test_indices, verbose=0)
    print("test probabilities", np.round(test_probs[:3].astype("float64"), 4).tolist())
    _, test_accuracy = gat_model.evaluate(x=test_indices, y=labels[test_indices], verbose=0)
    print("Test Accuracy", round(test_accuracy * 100, 1))

    head = gat_model.attention_layers[0].attention_layers[0]
    scores = head([gat_model.preprocess(node_states), edge_tensor])
    print("head output", tuple(scores.shape), np.round(ops.convert_to_numpy(scores)[0].astype("float64"), 4).tolist())
    segment_max = ops.segment_max(ops.convert_to_tensor(np.arange(len(edges), dtype="float32")), edge_tensor[:, 0],
                                  num_segments=NUM_NODES)
    print("last edge of each node", ops.convert_to_numpy(segment_max)[:6].astype("int64").tolist())
    average = MultiHeadGraphAttention(3, num_heads=2, merge_type="average")
    averaged = average([node_states, edge_tensor])
    print("average merge", tuple(averaged.shape), len(average.weights))


if __name__ == "__main__":
    main()
