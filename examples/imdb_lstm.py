"""Sentiment classification with an Embedding + LSTM, Keras style.

    python examples/imdb_lstm.py              # the real IMDB if it is in the cache, else synthetic reviews
    python examples/imdb_lstm.py --download   # fetch IMDB (84 MB, checksum-verified) and train on it
    python examples/imdb_lstm.py --synthetic  # always the synthetic reviews (offline, seconds)

Synthetic reviews are random word ids with a few "positive" and "negative" words mixed in; the label
says which kind is in the majority, so the model has to count sentiment words along the sequence.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402

POSITIVE, NEGATIVE = range(2, 12), range(12, 22)  # word ids of the synthetic sentiment words


class SentimentLSTM(nn.Module):
    """Word ids (B, T) -> embedding -> LSTM -> the last hidden state -> two class logits."""

    def __init__(self, vocab_size, embed_dim=32, hidden_size=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)

    def forward(self, ids):
        _, (h_n, _) = self.lstm(self.embedding(ids))
        return self.head(h_n[-1])


def synthetic_reviews(n, length, vocab_size, rng):
    """(ids int64 (n, length), labels int64 (n,)): filler words plus an odd number of sentiment words."""
    ids = rng.integers(22, vocab_size, (n, length))
    labels = rng.integers(0, 2, n)
    for i in range(n):
        count = rng.choice([3, 5, 7])
        majority = count // 2 + 1 + rng.integers(0, count // 2 + 1)
        minority = count - majority
        words = [rng.choice(POSITIVE if labels[i] else NEGATIVE) for _ in range(majority)]
        words += [rng.choice(NEGATIVE if labels[i] else POSITIVE) for _ in range(minority)]
        ids[i, rng.choice(length, count, replace=False)] = words
    return ids, labels


def load_data(args):
    """((x_train, y_train), (x_test, y_test), vocab_size, description)."""
    if not args.synthetic:
        try:
            train = nn.data.IMDB(train=True, download=args.download, num_words=args.num_words, maxlen=args.maxlen)
            test = nn.data.IMDB(train=False, download=args.download, num_words=args.num_words, maxlen=args.maxlen)
        except FileNotFoundError:
            print("IMDB is not in the cache (pass --download to fetch it); using synthetic reviews instead")
        else:
            rng = np.random.default_rng(0)
            pick_train = rng.permutation(len(train))[:args.limit]
            pick_test = rng.permutation(len(test))[:args.limit // 2]
            return ((train.data[pick_train], train.targets[pick_train]),
                    (test.data[pick_test], test.targets[pick_test]), args.num_words, "IMDB")
    rng = np.random.default_rng(0)
    vocab = 500
    return (synthetic_reviews(2000, 30, vocab, rng), synthetic_reviews(500, 30, vocab, rng), vocab,
            "synthetic reviews")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download", action="store_true", help="fetch the real IMDB if missing")
    parser.add_argument("--synthetic", action="store_true", help="use synthetic reviews even if IMDB is cached")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=5000, help="training reviews taken from IMDB")
    parser.add_argument("--num-words", type=int, default=10000)
    parser.add_argument("--maxlen", type=int, default=100)
    parser.add_argument("--device", default=None)
    parser.add_argument("--verbose", type=int, default=1)
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    ag.manual_seed(0)
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test), vocab_size, source = load_data(args)
    print(f"{source}: {len(x_train)} training and {len(x_test)} test sequences of length {x_train.shape[1]}")
    model = SentimentLSTM(vocab_size)
    model.compile(nn.optim.Adam(model.parameters(), lr=3e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=64, validation_split=0.1, verbose=args.verbose)
    result = model.evaluate(x_test, y_test, batch_size=256)
    print(f"test accuracy {result['accuracy']:.4f} (loss {result['loss']:.4f})")
    return result["accuracy"]


if __name__ == "__main__":
    main()
