"""keras.datasets.imdb: 25,000 + 25,000 IMDB movie reviews as lists of word ids with 0/1 sentiment labels, from
Keras's own imdb.npz and imdb_word_index.json (Keras's cache folder, file names, URLs and pinned hashes), with
Keras's id layout, filters and shuffle, so ids agree with Keras's and with get_word_index.

imdb.npz stores the ragged reviews as pickled object arrays; deepgrad rebuilds them from the pickle's data without
running it (nn.data.datasets.pickle_data). nn.data.datasets.IMDB is the PyTorch-style dataset over the Stanford
archive instead.
"""
import warnings

import numpy as np

from ...data.datasets.npz import load_npz
from .keras_files import keras_dataset_file
from .word_ids import cut_vocabulary, read_word_index, shifted, shorter_than

SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"  # as Keras pins it
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"  # Keras pins only an MD5 for the word index
ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, download=True, **kwargs):
    """((x_train, y_train), (x_test, y_test)): x object arrays of lists of word ids, y the 0/1 labels as stored.

    Each split is shuffled with one RandomState(seed), training split first; each stored id w becomes
    w + index_from, after a leading start_char (None: none); with maxlen, reviews of maxlen ids or more (start_char
    counted) are dropped; ids below skip_top or at/above num_words (None: the largest id present) become oov_char
    (None: dropped). All as Keras 3 does. Other keyword arguments are ignored with a warning (Keras ignores them).
    """
    who = "keras.datasets.imdb.load_data"
    if kwargs:
        warnings.warn(f"{who}: ignoring unknown argument(s) {', '.join(sorted(kwargs))}, as Keras does; the "
                      f"arguments are path, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from",
                      stacklevel=2)
    file = keras_dataset_file(who, path, "imdb.npz", sha256=SHA256, download=download)
    arrays = load_npz(file)
    missing = [name for name in ARRAYS if name not in arrays]
    if missing:
        raise ValueError(f"{who}: {file} lacks the array(s) {', '.join(missing)} (it holds {sorted(arrays)}); "
                         f"is it Keras's official imdb.npz?")
    rng = np.random.RandomState(seed)
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(x) != len(y):
            raise ValueError(f"{who}: {file} has {len(x)} reviews in x_{split} but {len(y)} labels in y_{split}")
        order = np.arange(len(x))
        rng.shuffle(order)
        x, y = shifted(x[order], start_char, index_from), y[order]
        if maxlen:
            x, y = shorter_than(maxlen, x, y)
            if not x:
                raise ValueError(f"{who}: maxlen={maxlen} drops every {split}ing review (a kept one has fewer "
                                 f"than maxlen ids, start_char included); raise maxlen")
        splits.append((x, y))
    (x_train, y_train), (x_test, y_test) = splits
    xs = cut_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    cut = len(x_train)
    # np.array(..., dtype=object) as Keras builds it: equal-length reviews make a 2-D object array there too
    return ((np.array(xs[:cut], dtype="object"), labels[:cut]),
            (np.array(xs[cut:], dtype="object"), labels[cut:]))


def get_word_index(path="imdb_word_index.json", download=True):
    """{word: index}, 1 for the most frequent word; in load_data's reviews a word appears as index + index_from."""
    who = "keras.datasets.imdb.get_word_index"
    file = keras_dataset_file(who, path, "imdb_word_index.json", md5=WORD_INDEX_MD5, download=download)
    return read_word_index(who, file)
