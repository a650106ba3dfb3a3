"""A Keras program, written for Keras 3: what keras.utils.set_random_seed fixes when nothing else is seeded —
default initializers of Dense, Conv1D, Embedding, LSTM and BatchNormalization layers (glorot_uniform,
orthogonal, uniform embeddings, zeros and ones), Dropout / GaussianNoise / SpatialDropout1D in training, and
fit with shuffle=True over arrays, so that two runs after the same seed give the same history and a third run
after another seed differs. deepgrad draws Keras's own numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=5):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def build():
    return keras.Sequential([
        keras.Input((6,), dtype="int32"),
        layers.Embedding(12, 4),
        layers.Conv1D(5, 3, padding="same", activation="relu"),
        layers.SpatialDropout1D(0.2),
        layers.LSTM(6),
        layers.BatchNormalization(),
        layers.GaussianNoise(0.1),
        layers.Dense(8, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(1, activation="sigmoid"),
    ])


def run(seed, tokens, labels):
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(tokens, labels, batch_size=8, epochs=3, verbose=0)
    return model, history


def main():
    keras.utils.set_random_seed(42)
    dense = layers.Dense(3)
    dense.build((None, 4))
    print("dense kernel", r(dense.kernel[0]), "bias", r(dense.bias))
    conv = layers.Conv1D(2, 3)
    conv.build((None, 5, 2))
    print("conv kernel", r(conv.kernel[:, 0, 0]))
    embed = layers.Embedding(5, 2)
    embed.build((None, 3))
    print("embedding", r(embed.embeddings[0]))
    lstm = layers.LSTM(2)
    lstm.build((None, 3, 2))
    kernel, recurrent, bias = lstm.weights
    print("lstm", r(kernel[0]), r(recurrent[0]), r(bias))
    gram = keras.ops.convert_to_numpy(recurrent)
    print("orthogonal", bool(np.allclose(gram.T[:, :2] @ gram[:, :2] if gram.shape[0] > 2 else gram @ gram.T,
                                          np.eye(2), atol=1e-5)))

    ones = np.ones((2, 5), "float32")
    keras.utils.set_random_seed(3)
    print("dropout", r(layers.Dropout(0.4)(ones, training=True)))
    print("noise", r(layers.GaussianNoise(0.5)(ones, training=True)[0]))
    print("random", r(keras.random.uniform((4,))), r(keras.random.normal((2,), seed=7)))

    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 12, (40, 6)).astype("int32")
    labels = ((tokens[:, 0] + tokens[:, -1]) % 2).astype("float32")[:, None]
    first, h1 = run(7, tokens, labels)
    second, h2 = run(7, tokens, labels)
    third, h3 = run(8, tokens, labels)
    print("loss", r(h1.history["loss"]))
    print("accuracy", r(h1.history["accuracy"]))
    print("same seed same history", h1.history == h2.history)
    print("other seed", h1.history["loss"] != h3.history["loss"])
    print("predict", r(first.predict(tokens[:4], verbose=0)[:, 0]))
    print("same weights", all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights())))
    print("moving mean", r(first.layers[4].moving_mean))


if __name__ == "__main__":
    main()
