"""A Keras program, written for Keras 3, after keras.io's "Classification using Attention-based Deep Multiple
Instance Learning" example: bags of small images as a list of inputs, each instance through shared Flatten and
Dense layers, a gated MILAttentionLayer built with add_weight (initializer and L2 regularizer by name) that
returns one softmax score per instance as a list, the instances weighted with layers.multiply and joined with
layers.concatenate into a softmax head; fit with class_weight and validation_data, the regularization losses,
the attention scores read through a sub-model, and save_weights / load_weights into a freshly built model.
Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

BAG_SIZE = 3
SHAPE = (4, 4)


class MILAttentionLayer(layers.Layer):
    """Implementation of the attention-based Deep MIL layer."""

    def __init__(self, weight_params_dim, kernel_initializer="glorot_uniform", kernel_regularizer=None,
                 use_gated=False, **kwargs):
        super().__init__(**kwargs)
        self.weight_params_dim = weight_params_dim
        self.use_gated = use_gated
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.v_init = self.kernel_initializer
        self.w_init = self.kernel_initializer
        self.u_init = self.kernel_initializer
        self.v_regularizer = self.kernel_regularizer
        self.w_regularizer = self.kernel_regularizer
        self.u_regularizer = self.kernel_regularizer

    def build(self, input_shape):
        input_dim = input_shape[0][1]
        self.v_weight_params = self.add_weight(shape=(input_dim, self.weight_params_dim), initializer=self.v_init,
                                               name="v", regularizer=self.v_regularizer, trainable=True)
        self.w_weight_params = self.add_weight(shape=(self.weight_params_dim, 1), initializer=self.w_init,
                                               name="w", regularizer=self.w_regularizer, trainable=True)
        if self.use_gated:
            self.u_weight_params = self.add_weight(shape=(input_dim, self.weight_params_dim),
                                                   initializer=self.u_init, name="u",
                                                   regularizer=self.u_regularizer, trainable=True)
        else:
            self.u_weight_params = None
        self.input_built = True

    def call(self, inputs):
        instances = [self.compute_attention_scores(instance) for instance in inputs]
        instances = ops.stack(instances)
        alpha = ops.softmax(instances, axis=0)
        return [alpha[i] for i in range(alpha.shape[0])]

    def compute_attention_scores(self, instance):
        original_instance = instance
        instance = ops.tanh(ops.tensordot(instance, self.v_weight_params, axes=1))
        if self.use_gated:
            instance = instance * ops.sigmoid(ops.tensordot(original_instance, self.u_weight_params, axes=1))
        return ops.tensordot(instance, self.w_weight_params, axes=1)


def create_model(instance_shape):
    inputs, embeddings = [], []
    shared_dense_layer_1 = layers.Dense(8, activation="relu", name="shared_1")
    shared_dense_layer_2 = layers.Dense(4, activation="relu", name="shared_2")
    for _ in range(BAG_SIZE):
        inp = layers.Input(instance_shape)
        flatten = layers.Flatten()(inp)
        dense_1 = shared_dense_layer_1(flatten)
        dense_2 = shared_dense_layer_2(dense_1)
        inputs.append(inp)
        embeddings.append(dense_2)
    alpha = MILAttentionLayer(weight_params_dim=6, kernel_regularizer=keras.regularizers.L2(0.01), use_gated=True,
                              name="alpha")(embeddings)
    multiply_layers = [layers.multiply([alpha[i], embeddings[i]]) for i in range(len(alpha))]
    concat = layers.concatenate(multiply_layers, axis=1)
    output = layers.Dense(2, activation="softmax", name="head")(concat)
    return keras.Model(inputs, output, name="mil")


def create_bags(rng, count):
    bags = [np.zeros((count,) + SHAPE, "float32") for _ in range(BAG_SIZE)]
    labels = np.zeros((count, 1), "int64")
    for k in range(count):
        positive = rng.random() < 0.4
        for b in range(BAG_SIZE):
            bags[b][k] = rng.random(SHAPE) * 0.5
        if positive:
            where = int(rng.integers(0, BAG_SIZE))
            bags[where][k, 1:3, 1:3] += 1.0
        labels[k, 0] = int(positive)
    return bags, labels


def compute_class_weights(labels):
    negative_count = int((labels == 0).sum())
    positive_count = int((labels == 1).sum())
    total_count = negative_count + positive_count
    return {0: (1 / negative_count) * (total_count / 2), 1: (1 / positive_count) * (total_count / 2)}


def fresh_weights(model):
    init = np.random.default_rng(31)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])


def main():
    rng = np.random.default_rng(30)
    train_x, train_y = create_bags(rng, 40)
    val_x, val_y = create_bags(rng, 12)
    class_weight = compute_class_weights(train_y)
    print("class weights", {k: round(v, 5) for k, v in class_weight.items()})

    model = create_model(SHAPE)
    fresh_weights(model)
    print("layers", [layer.name for layer in model.layers][BAG_SIZE:])
    print("weights", [w.path for w in model.weights])
    print("alpha outputs", [tuple(t.shape) for t in model.get_layer("alpha").output])
    print("regularization", ["%.5f" % float(v) for v in model.losses])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train_x, train_y, validation_data=(val_x, val_y), epochs=4, batch_size=8,
                        class_weight=class_weight, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("regularization after", ["%.5f" % float(v) for v in model.losses])

    scorer = keras.Model(model.inputs, model.get_layer("alpha").output, name="scorer")
    scores = np.concatenate(scorer.predict(val_x, verbose=0), axis=1)
    print("attention", scores.shape, np.round(scores[:4], 4).tolist())
    print("scores sum to one", bool(np.allclose(scores.sum(axis=1), 1.0, atol=1e-5)))
    predictions = model.predict(val_x, verbose=0)
    print("predictions", np.round(predictions[:4], 4).tolist())
    print("evaluate", ["%.5f" % v for v in model.evaluate(val_x, val_y, batch_size=6, verbose=0)])

    model.save_weights("mil.weights.h5")
    keras.backend.clear_session()
    twin = create_model(SHAPE)
    print("twin differs before", bool(np.allclose(twin.predict(val_x, verbose=0), predictions)))
    twin.load_weights("mil.weights.h5")
    print("twin after load", bool(np.allclose(twin.predict(val_x, verbose=0), predictions, atol=1e-6)),
          [w.path for w in twin.weights][-5:])


if __name__ == "__main__":
    main()
