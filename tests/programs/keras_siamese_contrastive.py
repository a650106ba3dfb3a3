"""A Keras program, written for Keras 3, after keras.io's "image similarity with a Siamese network and a
contrastive loss": one tower (Flatten, BatchNormalization, Dense) shared by two inputs, a Lambda computing the
euclidean distance with keras.ops (taking a list, with output_shape), BatchNormalization then a sigmoid Dense
on the distance, a contrastive loss written as a closure over the margin, RMSprop, "accuracy" resolved to
binary accuracy; then the tower alone embeds images, a cosine-similarity head built with layers.Dot(normalize=True)
and keras.ops (norm, sum, where), and the model's config round trip with safe_mode=False for the Lambda.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))


def contrastive_loss(margin=1):
    def contrastive(y_true, y_pred):
        square_pred = ops.square(y_pred)
        margin_square = ops.square(ops.maximum(margin - y_pred, 0))
        return ops.mean((1 - y_true) * square_pred + y_true * margin_square)
    return contrastive


def make_pairs(x, y, rng):
    pairs, labels = [], []
    by_class = [np.where(y == c)[0] for c in range(3)]
    for k in range(len(x)):
        same = rng.choice(by_class[y[k]])
        other = rng.choice(by_class[(y[k] + 1 + rng.integers(0, 2)) % 3])
        pairs += [[x[k], x[same]], [x[k], x[other]]]
        labels += [0, 1]       # as in the keras.io example: 0 for a similar pair, 1 for a dissimilar one
    return np.array(pairs), np.array(labels).astype("float32")


def main():
    rng = np.random.default_rng(13)
    y = rng.integers(0, 3, size=36)
    centers = rng.standard_normal((3, 6, 6)).astype("float32")
    x = (centers[y] + 0.6 * rng.standard_normal((36, 6, 6))).astype("float32")
    pairs, labels = make_pairs(x, y, rng)
    print("pairs", pairs.shape, labels[:6].tolist())

    tower_in = keras.Input((6, 6))
    t = layers.Flatten()(tower_in)
    t = layers.BatchNormalization()(t)
    t = layers.Dense(8, activation="tanh")(t)
    t = layers.Dense(4, activation="tanh")(t)
    tower = keras.Model(tower_in, t, name="tower")

    input_1, input_2 = keras.Input((6, 6)), keras.Input((6, 6))
    distance = layers.Lambda(euclidean_distance, output_shape=(1,))([tower(input_1), tower(input_2)])
    normal = layers.BatchNormalization()(distance)
    output = layers.Dense(1, activation="sigmoid")(normal)
    siamese = keras.Model(inputs=[input_1, input_2], outputs=output)
    init = np.random.default_rng(3)
    for w in siamese.weights:
        if w.trainable:
            w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    print([l.__class__.__name__ for l in siamese.layers], [tuple(w.shape) for w in siamese.weights])
    siamese.compile(loss=contrastive_loss(margin=1), optimizer=keras.optimizers.RMSprop(0.01), metrics=["accuracy"])
    history = siamese.fit([pairs[:56, 0], pairs[:56, 1]], labels[:56], batch_size=8, epochs=5, shuffle=False,
                          verbose=0, validation_data=([pairs[56:, 0], pairs[56:, 1]], labels[56:]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in siamese.evaluate([pairs[:, 0], pairs[:, 1]], labels, verbose=0)])
    predictions = siamese.predict([pairs[:6, 0], pairs[:6, 1]], verbose=0)
    print("predict", np.round(predictions.ravel(), 5).tolist())

    embeddings = tower.predict(x[:5], verbose=0)
    print("embeddings", np.round(embeddings, 5).tolist())
    a, b = keras.Input((4,)), keras.Input((4,))
    cosine = keras.Model([a, b], layers.Dot(axes=1, normalize=True)([a, b]))
    similarity = cosine.predict([embeddings[:4], embeddings[1:5]], verbose=0)
    norms = ops.norm(embeddings, axis=-1)
    by_hand = ops.sum(embeddings[:4] * embeddings[1:5], axis=-1) / (norms[:4] * norms[1:5])
    print("cosine", np.round(similarity.ravel(), 5).tolist(),
          bool(np.allclose(similarity.ravel(), ops.convert_to_numpy(by_hand), atol=1e-5)))
    close = ops.convert_to_numpy(ops.where(predictions.ravel() < 0.5, 1, 0))
    print("same pairs", close.tolist())

    config = siamese.get_config()
    print("config", config["name"] == siamese.name, [l["class_name"] for l in config["layers"]])
    clone = keras.Model.from_config(config, custom_objects={"euclidean_distance": euclidean_distance})
    clone.set_weights(siamese.get_weights())
    print("clone", bool(np.allclose(clone.predict([pairs[:6, 0], pairs[:6, 1]], verbose=0), predictions, atol=1e-6)))


if __name__ == "__main__":
    main()
