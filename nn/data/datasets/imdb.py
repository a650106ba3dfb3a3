"""IMDB movie-review sentiment (Maas et al., 2011) from the official `aclImdb_v1.tar.gz`."""
import os
import re
import zipfile
from pathlib import Path

import numpy as np

from ..download import cache_dir
from .base import ArrayDataset, dataset_file
from .tar_members import read_members
from .text import build_vocab, encode, tokenize

_REVIEW = re.compile(r"aclImdb/(train|test)/(pos|neg)/[^/]+\.txt")


class IMDB(ArrayDataset):
    """25,000 train and 25,000 test reviews: `data` int64 (N, maxlen) word ids, `targets` int64
    (N,) with 1 = positive, 0 = negative.

    Words come from a lower-case regex tokenizer; the vocabulary (`.vocab`, word -> id) is built
    from the training reviews only, keeping words seen `min_freq` times, at most `num_words` ids
    in all; id 0 pads and id 1 stands for any other word. Sequences are padded or truncated to
    `maxlen` at the start (`padding="pre"`) or end (`"post"`). The archive lives in `root/imdb/`,
    next to `aclImdb_v1.reviews.npz`, the reviews it holds, saved on first use (and rebuilt when
    the archive changes) because reading 100,000 small files out of the tarball takes seconds.
    """

    folder = "imdb"
    filename = "aclImdb_v1.tar.gz"
    url = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    # as published in TensorFlow Datasets' url_checksums/imdb_reviews.txt
    sha256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
    classes = ("neg", "pos")

    def __init__(self, root=None, train=True, download=True, num_words=20000, min_freq=1,
                 maxlen=200, padding="pre", transform=None, target_transform=None):
        folder = Path(root if root is not None else cache_dir()) / self.folder
        path = dataset_file(folder, self.filename, self.sha256, [self.url], download)
        reviews = cached_reviews(path)
        train_tokens = [tokenize(text) for text, _ in reviews["train"]]
        self.vocab = build_vocab(train_tokens, num_words, min_freq)
        split = reviews["train" if train else "test"]
        tokens = train_tokens if train else [tokenize(text) for text, _ in split]
        targets = np.array([label for _, label in split], dtype=np.int64)
        super().__init__(encode(tokens, self.vocab, maxlen, padding), targets,
                         transform, target_transform)


def read_reviews(path):
    """Return {"train": [(text, label)], "test": [...]} sorted by file name; label 1 = pos."""
    blobs = read_members(path, lambda name: _REVIEW.fullmatch(name) is not None)
    reviews = {"train": [], "test": []}
    for name in sorted(blobs):
        split, sentiment = _REVIEW.fullmatch(name).groups()
        try:
            text = blobs[name].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}:{name} is not UTF-8 text ({exc})") from None
        reviews[split].append((text, int(sentiment == "pos")))
    for split, items in reviews.items():
        for label, sentiment in enumerate(("neg", "pos")):
            if not any(y == label for _, y in items):
                raise ValueError(f"{path} has no aclImdb/{split}/{sentiment}/*.txt reviews; "
                                 f"is it the official aclImdb_v1.tar.gz?")
    return reviews


def cached_reviews(path):
    """`read_reviews(path)`, kept in an .npz beside the archive and rebuilt when the archive changes."""
    cache = Path(path).with_name("aclImdb_v1.reviews.npz")
    info = os.stat(path)
    stamp = np.array([info.st_size, info.st_mtime_ns], dtype=np.int64)  # which archive it came from
    try:
        with np.load(cache, allow_pickle=False) as arrays:
            if np.array_equal(arrays["source"], stamp):
                return {split: _unpack(arrays, split) for split in ("train", "test")}
    except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        pass  # missing or unreadable cache: rebuilt below
    reviews = read_reviews(path)
    arrays = {"source": stamp}
    for split, items in reviews.items():
        encoded = [text.encode("utf-8") for text, _ in items]
        arrays[f"{split}_text"] = np.frombuffer(b"".join(encoded), np.uint8)
        arrays[f"{split}_ends"] = np.cumsum([len(b) for b in encoded], dtype=np.int64)
        arrays[f"{split}_labels"] = np.array([label for _, label in items], dtype=np.int64)
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, cache)
    except OSError:  # a read-only cache folder only costs speed
        tmp.unlink(missing_ok=True)
    return reviews


def _unpack(arrays, split):
    text, ends, labels = (arrays[f"{split}_{key}"] for key in ("text", "ends", "labels"))
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    blob = text.tobytes()
    return [(blob[a:b].decode("utf-8"), int(y)) for a, b, y in zip(starts, ends, labels)]
