"""keras.datasets.imdb.load_data(): IMDB reviews as lists of word ids, Keras's layout (start_char 1,
oov_char 2, words from index_from + 1 = 4 by frequency), from the official archive in deepgrad's cache.

The word ranking is computed from the training reviews with deepgrad's tokenizer, so individual ids
differ from Keras's precomputed index; the layout and options are the same. Offline without the archive,
load_data raises FileNotFoundError (call it with download=True once, online).
"""
import numpy as np

from ...data.datasets.base import dataset_file
from ...data.datasets.imdb import IMDB, cached_reviews
from ...data.datasets.text import build_vocab, tokenize
from ...data.download import cache_dir


def _archive(download):
    from pathlib import Path
    return dataset_file(Path(cache_dir()) / IMDB.folder, IMDB.filename, IMDB.sha256, [IMDB.url], download)


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, download=False):
    """((x_train, y_train), (x_test, y_test)): x object arrays of int lists, y int64 0/1; both splits
    shuffled with `seed`; words ranked below skip_top or at/above num_words become oov_char; reviews
    longer than maxlen dropped."""
    reviews = cached_reviews(_archive(download))
    tokens = {split: [tokenize(text) for text, _ in reviews[split]] for split in ("train", "test")}
    ranks = build_vocab(tokens["train"])  # word -> 2, 3, ... by frequency
    rng = np.random.RandomState(seed)
    result = []
    for split in ("train", "test"):
        sequences = []
        for words in tokens[split]:
            ids = [start_char] if start_char is not None else []
            for word in words:
                rank = ranks.get(word, None)
                index = None if rank is None else rank - 2 + 1 + index_from
                if index is None or (num_words is not None and index >= num_words) or index < skip_top + index_from:
                    ids.append(oov_char)
                else:
                    ids.append(index)
            sequences.append(ids)
        labels = np.array([label for _, label in reviews[split]], dtype=np.int64)
        order = rng.permutation(len(sequences))
        x = np.empty(len(sequences), dtype=object)
        x[:] = [sequences[k] for k in order]
        y = labels[order]
        if maxlen is not None:
            keep = np.array([len(s) <= maxlen for s in x])
            x, y = x[keep], y[keep]
        result.append((x, y))
    return tuple(result)


def get_word_index(download=False):
    """{word: rank} (1 = most frequent) of the training reviews; id in load_data = rank + index_from."""
    reviews = cached_reviews(_archive(download))
    ranks = build_vocab([tokenize(text) for text, _ in reviews["train"]])
    return {word: rank - 1 for word, rank in ranks.items()}
