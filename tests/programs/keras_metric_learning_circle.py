"""A Keras program, written for Keras 3: metric learning after keras.io's similarity examples — an embedding
model ending in UnitNormalization trained with keras.losses.Circle (gamma, margin; batches holding several
examples of each class), the loss also called directly (reference embeddings, remove_diagonal, a class with a
single example masked out of the mean) and keras.losses.circle; nearest neighbours by cosine similarity, a
pairwise-distance helper built with keras.ops.vectorize (a gufunc signature), and keras.ops.jvp giving the
directional derivative of the embedding. The weights start from the same NumPy arrays, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def arr(value):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(41)
    centers = rng.standard_normal((4, 6)).astype("float32") * 2
    labels = np.tile(np.arange(4), 12)
    x = (centers[labels] + rng.standard_normal((48, 6)) * 0.8).astype("float32")

    inputs = keras.Input((6,))
    hidden = layers.Dense(16, activation="relu", name="hidden")(inputs)
    embedded = layers.Dense(5, name="project")(hidden)
    outputs = layers.UnitNormalization(name="unit")(embedded)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])

    embeddings = model.predict(x[:8], verbose=0)
    print("norms", arr(np.linalg.norm(embeddings, axis=1)))
    loss = keras.losses.Circle(gamma=20.0, margin=0.25)
    print("circle", arr(loss(labels[:8], embeddings)))
    print("circle none", arr(keras.losses.Circle(reduction="none")(labels[:8], embeddings)))
    print("circle keep diagonal", arr(keras.losses.Circle(remove_diagonal=False, gamma=10.0)(labels[:8], embeddings)))
    lonely = np.array([0, 0, 1, 1, 2, 3, 3, 3])
    print("circle lonely", arr(keras.losses.Circle(gamma=10.0)(lonely, embeddings)),
          arr(keras.losses.Circle(gamma=10.0, reduction="sum")(lonely, embeddings)))
    print("circle fn", arr(keras.losses.circle(labels[:8], ops.convert_to_tensor(embeddings),
                                               ref_labels=labels[8:16],
                                               ref_embeddings=ops.convert_to_tensor(model.predict(x[8:16], verbose=0)),
                                               gamma=15.0, margin=0.3)))
    print("config", sorted(loss.get_config().items()))

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.Circle(gamma=16.0, margin=0.25))
    history = model.fit(x, labels, epochs=4, batch_size=16, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("evaluate", "%.5f" % model.evaluate(x, labels, verbose=0, batch_size=16))

    query, gallery = model.predict(x[:4], verbose=0), model.predict(x[4:], verbose=0)
    similarity = ops.matmul(query, ops.transpose(gallery))
    nearest = ops.convert_to_numpy(ops.argmax(similarity, axis=1))
    print("nearest", nearest.tolist(), labels[4:][nearest].tolist(), arr(ops.max(similarity, axis=1)))

    distance = ops.vectorize(lambda a, b: ops.sqrt(ops.sum(ops.square(a - b))), signature="(n),(n)->()")
    print("vectorize pairs", arr(distance(query[:, None, :], gallery[None, :3, :])))
    scaled = ops.vectorize(lambda v, s: v * s)
    print("vectorize scalar", arr(scaled(np.array([1.0, 2.0, 3.0], "float32"), np.array([[1.0], [0.5]], "float32"))))
    both = ops.vectorize(lambda r: (ops.min(r), ops.max(r)), signature="(k)->(),()")
    low, high = both(similarity)
    print("vectorize tuple", arr(low), arr(high))

    direction = np.zeros((1, 6), "float32")
    direction[0, 0] = 1.0
    primal, tangent = ops.jvp(lambda v: model(v), (ops.convert_to_tensor(x[:1]),), (ops.convert_to_tensor(direction),))
    step = 1e-2
    numeric = (model.predict(x[:1] + step * direction, verbose=0) - model.predict(x[:1] - step * direction, verbose=0))
    print("jvp", arr(primal), arr(tangent), bool(np.allclose(ops.convert_to_numpy(tangent), numeric / (2 * step),
                                                             atol=2e-3)))
    value, slope, aux = ops.jvp(lambda a, b: (ops.sum(a * b), ops.mean(a)), (ops.convert_to_tensor([1.0, 2.0]),
                                ops.convert_to_tensor([3.0, -1.0])), (ops.convert_to_tensor([1.0, 0.0]),
                                ops.convert_to_tensor([0.0, 2.0])), has_aux=True)
    print("jvp aux", arr(value), arr(slope), arr(aux))


if __name__ == "__main__":
    main()
