"""Keras's "Bidirectional LSTM on IMDB" example, run by deepgrad: only the import differs from the original.

    python examples/keras_imdb_bilstm.py                  # IMDB if cached, else synthetic reviews (offline)
    python examples/keras_imdb_bilstm.py --download       # fetch Keras's imdb.npz (17 MB, checksum-verified) first
    python examples/keras_imdb_bilstm.py --limit 25000 --maxlen 200 --epochs 2   # the original's sizes

The original trains on all 25,000 reviews of length 200 for 2 epochs, which takes long on a CPU; the
defaults here use --limit 2000 reviews of --maxlen 80 words. Offline without IMDB, the reviews are
synthetic: random words, with positive reviews using more words from one group and negative from another.
keras.datasets.imdb reads Keras's own imdb.npz (Keras's cache, ~/.keras/datasets), so the word ids are Keras's.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

from nn import keras  # noqa: E402  (the Keras original: import keras)
from nn.keras import layers  # noqa: E402  (the Keras original: from keras import layers)


def synthetic_reviews(count, max_features, rng):
    """(sequences, labels): reviews of 20-120 random words; 1 in 8 words comes from the label's own group."""
    labels = rng.integers(0, 2, count)
    groups = [np.arange(100, 200), np.arange(200, 300)]
    sequences = []
    for label in labels:
        words = rng.integers(3, max_features, rng.integers(20, 121))
        marked = rng.random(len(words)) < 0.125
        words[marked] = rng.choice(groups[label], marked.sum())
        sequences.append([1] + words.tolist())
    return sequences, labels


def load(max_features, limit, download):
    """IMDB from Keras's cache (or the download), else synthetic reviews."""
    try:
        (x_train, y_train), (x_val, y_val) = keras.datasets.imdb.load_data(num_words=max_features,
                                                                           download=download)
    except (FileNotFoundError, OSError) as exc:
        print(f"IMDB is not in the cache ({type(exc).__name__}; pass --download to fetch it); using synthetic "
              "reviews instead")
        rng = np.random.default_rng(0)
        (x_train, y_train), (x_val, y_val) = (synthetic_reviews(limit, max_features, rng),
                                              synthetic_reviews(limit // 4, max_features, rng))
    return (x_train[:limit], y_train[:limit]), (x_val[:limit // 4], y_val[:limit // 4])


def main(argv=None):
    """Train and evaluate; returns the validation accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--maxlen", type=int, default=80)
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)

    # --- from here on, the Keras example as written ---
    max_features = 20000  # Only consider the top 20k words
    maxlen = args.maxlen  # Only consider the first 200 words of each movie review

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.summary()

    (x_train, y_train), (x_val, y_val) = load(max_features, args.limit, args.download)
    print(len(x_train), "Training sequences")
    print(len(x_val), "Validation sequences")
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, validation_data=(x_val, y_val),
                        verbose=args.verbose)
    return history.history["val_accuracy"][-1]


if __name__ == "__main__":
    main()
