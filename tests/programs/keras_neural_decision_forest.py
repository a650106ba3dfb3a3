"""A Keras program, written for Keras 3, after keras.io's "Classification with Neural Decision Forests": a
NeuralDecisionTree written as a keras.Model (a fixed random feature mask made in NumPy, a leaf-distribution
weight `pi` made with add_weight in __init__, a sigmoid Dense for the routing decisions, layers.concatenate on
tensors inside call, the routing probabilities mu built level by level with ops.reshape / ops.tile / slicing,
softmax over pi, a matmul to class probabilities), a NeuralDecisionForest averaging several trees, both used
inside functional models after BatchNormalization; trained with sparse categorical cross-entropy and
SparseCategoricalAccuracy, evaluated, and the leaf routing of one example inspected. The data, masks and
weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

NUM_FEATURES = 6
NUM_CLASSES = 3
FEATURE_RNG = np.random.default_rng(99)


class NeuralDecisionTree(keras.Model):
    def __init__(self, depth, num_features, used_features_rate, num_classes):
        super().__init__()
        self.depth = depth
        self.num_leaves = 2**depth
        self.num_classes = num_classes

        # Create a mask for the randomly selected features.
        num_used_features = int(num_features * used_features_rate)
        one_hot = np.eye(num_features)
        sampled_feature_indices = FEATURE_RNG.choice(np.arange(num_features), num_used_features, replace=False)
        self.used_features_mask = ops.convert_to_tensor(one_hot[sampled_feature_indices], dtype="float32")

        # Initialize the weights of the classes in leaves.
        self.pi = self.add_weight(initializer="random_normal", shape=[self.num_leaves, self.num_classes],
                                  dtype="float32", trainable=True)

        # Initialize the stochastic routing layer.
        self.decision_fn = layers.Dense(units=self.num_leaves, activation="sigmoid", name="decision")

    def call(self, features):
        batch_size = ops.shape(features)[0]

        # Apply the feature mask to the input features.
        features = ops.matmul(features, ops.transpose(self.used_features_mask))
        # Compute the routing probabilities.
        decisions = ops.expand_dims(self.decision_fn(features), axis=2)
        # Concatenate the routing probabilities with their complements.
        decisions = layers.concatenate([decisions, 1 - decisions], axis=2)

        mu = ops.ones([batch_size, 1, 1])

        begin_idx = 1
        end_idx = 2
        # Traverse the tree in breadth-first order.
        for level in range(self.depth):
            mu = ops.reshape(mu, [batch_size, -1, 1])
            mu = ops.tile(mu, (1, 1, 2))
            level_decisions = decisions[:, begin_idx:end_idx, :]
            mu = mu * level_decisions
            begin_idx = end_idx
            end_idx = begin_idx + 2 ** (level + 1)

        mu = ops.reshape(mu, [batch_size, self.num_leaves])
        probabilities = keras.activations.softmax(self.pi)
        outputs = ops.matmul(mu, probabilities)
        return outputs


class NeuralDecisionForest(keras.Model):
    def __init__(self, num_trees, depth, num_features, used_features_rate, num_classes):
        super().__init__()
        self.ensemble = []
        self.num_classes = num_classes
        for _ in range(num_trees):
            self.ensemble.append(NeuralDecisionTree(depth, num_features, used_features_rate, num_classes))

    def call(self, inputs):
        batch_size = ops.shape(inputs)[0]
        outputs = ops.zeros([batch_size, self.num_classes])

        for tree in self.ensemble:
            outputs += tree(inputs)
        outputs /= len(self.ensemble)
        return outputs


def create_model(body):
    inputs = keras.Input(shape=(NUM_FEATURES,), name="features")
    features = layers.BatchNormalization()(inputs)
    outputs = body(features)
    return keras.Model(inputs=inputs, outputs=outputs)


def run_experiment(name, model, data):
    x_train, y_train, x_test, y_test = data
    init = np.random.default_rng(12)
    model.set_weights([init.normal(0.0, 0.5, value.shape).astype("float32") if w.trainable else value
                       for w, value in zip(model.weights, model.get_weights())])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(x_train, y_train, epochs=5, batch_size=16, shuffle=False, verbose=0)
    print(name, "loss", np.round(history.history["loss"], 4).tolist())
    print(name, "accuracy", np.round(history.history["sparse_categorical_accuracy"], 4).tolist())
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(name, f"Test accuracy: {round(accuracy * 100, 2)}%")


def main():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(80, NUM_FEATURES)).astype("float32") * 2 + 1
    y = (x[:, 0] + x[:, 1] > 2).astype("int64") + (x[:, 2] - x[:, 3] > 0.5).astype("int64")
    data = (x[:64], y[:64], x[64:], y[64:])
    print("classes", np.bincount(y, minlength=NUM_CLASSES).tolist())

    tree = NeuralDecisionTree(depth=3, num_features=NUM_FEATURES, used_features_rate=0.5, num_classes=NUM_CLASSES)
    tree_model = create_model(tree)
    print("tree mask", ops.convert_to_numpy(tree.used_features_mask).argmax(axis=1).tolist(),
          "weights", [tuple(w.shape) for w in tree.weights])
    run_experiment("tree", tree_model, data)
    mu_probe = tree_model.predict(data[2][:2], verbose=0)
    print("tree probabilities", np.round(mu_probe.astype("float64"), 4).tolist())

    forest = NeuralDecisionForest(num_trees=3, depth=2, num_features=NUM_FEATURES, used_features_rate=0.5,
                                  num_classes=NUM_CLASSES)
    forest_model = create_model(forest)
    print("forest trees", len(forest.ensemble), "weights", len(forest_model.weights),
          "params", forest_model.count_params())
    run_experiment("forest", forest_model, data)
    leaves = ops.convert_to_numpy(keras.activations.softmax(forest.ensemble[0].pi))
    routing = ops.convert_to_numpy(forest.ensemble[0].decision_fn(ops.convert_to_tensor(data[2][:1, :3])))
    print("first tree decisions", np.round(routing.astype("float64"), 4).tolist())
    print("first tree leaves", np.round(leaves.astype("float64"), 3).tolist())


if __name__ == "__main__":
    main()
