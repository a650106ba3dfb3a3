"""A Keras program, written for Keras 3: recurrent text models whose every random number comes from
keras.utils.set_random_seed — Embedding with mask_zero, SpatialDropout1D, an LSTM with dropout and
recurrent_dropout, a Bidirectional GRU, SimpleRNN with dropout, GaussianDropout and AlphaDropout before the head —
trained with fit (shuffle=True) and validation_split, so the default initializers, the masks of every dropout in
training and the shuffling are Keras's; then evaluate, predict, and the same run repeated gives the same numbers.
deepgrad draws Keras's own numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def build(kind):
    inputs = keras.Input((10,), dtype="int32")
    h = layers.Embedding(20, 6, mask_zero=True)(inputs)
    h = layers.SpatialDropout1D(0.1)(h)
    if kind == "lstm":
        h = layers.LSTM(8, dropout=0.2, recurrent_dropout=0.1)(h)
    elif kind == "bigru":
        h = layers.Bidirectional(layers.GRU(5, dropout=0.1, recurrent_dropout=0.2))(h)
    else:
        h = layers.SimpleRNN(8, dropout=0.25, return_sequences=True)(h)
        h = layers.GlobalAveragePooling1D()(h)
    h = layers.GaussianDropout(0.2)(h)
    h = layers.AlphaDropout(0.1)(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)


def run(kind, x, y, seed):
    keras.utils.set_random_seed(seed)
    model = build(kind)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=12, epochs=3, validation_split=0.2, verbose=0)
    return model, history


def main():
    rng = np.random.default_rng(5)
    lengths = rng.integers(3, 11, 72)
    x = np.zeros((72, 10), "int32")
    for row, n in zip(x, lengths):
        row[:n] = rng.integers(1, 20, n)
    y = ((x == 7).any(axis=1) | (lengths > 8)).astype("float32")
    print("positives", int(y.sum()), "padded", int((x == 0).sum()))

    for kind in ("lstm", "bigru", "simple"):
        model, history = run(kind, x, y, 13)
        print(kind, "params", model.count_params(), "first kernel", r(model.weights[1].numpy()[0, :3]))
        for key in sorted(history.history):
            print(kind, key, r(history.history[key]))
        print(kind, "evaluate", r(model.evaluate(x[:24], y[:24], verbose=0)))
        print(kind, "predict", r(model.predict(x[:4], verbose=0)[:, 0]))
        again, history_again = run(kind, x, y, 13)
        print(kind, "repeatable", history.history == history_again.history)


if __name__ == "__main__":
    main()
