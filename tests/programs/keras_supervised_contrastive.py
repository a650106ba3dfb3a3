"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Supervised Contrastive Learning": an
encoder (Dense layers with BatchNormalization), a projection head, a SupervisedContrastiveLoss subclass of
keras.losses.Loss that overrides __call__ (keras.utils.normalize of the feature vectors, a temperature-scaled
similarity matrix, and an n-pairs loss written with keras.ops: logsumexp-stable softmax cross-entropy against the
normalized same-label mask), pre-training the encoder with it, then freezing the encoder (trainable=False, so its
BatchNormalization runs in inference mode) and training a classifier on top with sparse categorical crossentropy.
Data and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

INPUT_DIM, HIDDEN, PROJECTION, NUM_CLASSES = 6, 12, 8, 3


def npairs_loss(y_true, logits):
    """The n-pairs loss: softmax cross-entropy of each row's similarities against its same-label distribution."""
    labels = ops.cast(ops.equal(ops.expand_dims(y_true, 1), ops.expand_dims(y_true, 0)), "float32")
    labels = labels / ops.sum(labels, axis=1, keepdims=True)
    log_probs = logits - ops.logsumexp(logits, axis=1, keepdims=True)
    return ops.mean(-ops.sum(labels * log_probs, axis=1))


class SupervisedContrastiveLoss(keras.losses.Loss):
    def __init__(self, temperature=1, name=None):
        super().__init__(name=name)
        self.temperature = temperature

    def __call__(self, labels, feature_vectors, sample_weight=None):
        # Normalize feature vectors
        feature_vectors_normalized = keras.utils.normalize(feature_vectors, axis=1, order=2)
        # Compute logits
        logits = ops.divide(ops.matmul(feature_vectors_normalized, ops.transpose(feature_vectors_normalized)),
                            self.temperature)
        return npairs_loss(ops.squeeze(labels), logits)


def create_encoder():
    inputs = keras.Input(shape=(INPUT_DIM,))
    x = layers.Dense(HIDDEN, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    outputs = layers.Dense(HIDDEN, activation="relu")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="encoder")


def add_projection_head(encoder):
    inputs = keras.Input(shape=(INPUT_DIM,))
    features = encoder(inputs)
    outputs = layers.Dense(PROJECTION, activation="relu")(features)
    return keras.Model(inputs=inputs, outputs=outputs, name="encoder_with_projection-head")


def create_classifier(encoder, trainable=True):
    for layer in encoder.layers:
        layer.trainable = trainable
    inputs = keras.Input(shape=(INPUT_DIM,))
    features = encoder(inputs)
    features = layers.Dropout(0.0)(features)
    features = layers.Dense(HIDDEN, activation="relu")(features)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs, name="classifier")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def main():
    rng = np.random.default_rng(99)
    labels = rng.integers(0, NUM_CLASSES, 60)
    centers = rng.normal(0, 1.5, (NUM_CLASSES, INPUT_DIM))
    x = (centers[labels] + rng.normal(0, 1.0, (60, INPUT_DIM))).astype("float32")
    x_train, y_train, x_test, y_test = x[:48], labels[:48], x[48:], labels[48:]

    print("normalize", np.round(keras.utils.normalize(np.array([[3.0, 4.0], [1.0, 0.0]]), axis=1), 4).tolist())
    encoder = create_encoder()
    init = np.random.default_rng(12)
    encoder.set_weights([init.normal(0, 0.4, w.shape).astype("float32") if w.ndim == 2 else w
                         for w in encoder.get_weights()])
    encoder_with_projection_head = add_projection_head(encoder)
    head = encoder_with_projection_head.layers[-1]
    head.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in head.get_weights()])

    loss = SupervisedContrastiveLoss(temperature=0.5)
    features = encoder_with_projection_head(x_train[:6])
    print("contrastive loss at start", round(float(ops.convert_to_numpy(loss(y_train[:6], features))), 5))
    encoder_with_projection_head.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    history = encoder_with_projection_head.fit(x=x_train, y=y_train, batch_size=12, epochs=5, shuffle=False,
                                               verbose=0)
    print("pretraining loss", np.round(history.history["loss"], 4).tolist())
    bn = encoder.layers[2]
    print("moving mean", np.round(ops.convert_to_numpy(bn.moving_mean)[:4].astype("float64"), 4).tolist())

    classifier = create_classifier(encoder, trainable=False)
    print("trainable weights", len(classifier.trainable_weights),
          "non-trainable", len(classifier.non_trainable_weights))
    last = classifier.layers[-1]
    classifier.layers[-2].set_weights([init.normal(0, 0.4, w.shape).astype("float32")
                                       for w in classifier.layers[-2].get_weights()])
    last.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in last.get_weights()])
    history = classifier.fit(x=x_train, y=y_train, batch_size=12, epochs=5, shuffle=False, verbose=0,
                             validation_data=(x_test, y_test))
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    accuracy = classifier.evaluate(x_test, y_test, verbose=0)[1]
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")
    print("moving mean after", np.round(ops.convert_to_numpy(bn.moving_mean)[:4].astype("float64"), 4).tolist())
    print("probabilities", np.round(classifier.predict(x_test[:3], verbose=0).astype("float64"), 4).tolist())
    embeddings = keras.utils.normalize(ops.convert_to_numpy(encoder(x_test)), axis=-1)
    similarity = embeddings @ embeddings.T
    same = y_test[:, None] == y_test[None, :]
    print("mean similarity same / other", round(float(similarity[same].mean()), 4),
          round(float(similarity[~same].mean()), 4))
    print("npairs", round(float(ops.convert_to_numpy(npairs_loss(ops.convert_to_tensor(y_test),
                                                                  ops.convert_to_tensor(similarity)))), 4))


if __name__ == "__main__":
    main()
