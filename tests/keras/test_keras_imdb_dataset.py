"""keras.datasets.imdb against real Keras reading the same small imdb.npz and imdb_word_index.json, written in the
official format to a temporary Keras cache (KERAS_HOME); real Keras's get_file is pointed there with its pinned
hash dropped (the files are stand-ins). Also: the keras.datasets loaders fetch a missing file by default, as
Keras does, and keras.datasets.mnist reads Keras's mnist.npz. No network: fetching is replaced by a failure."""
import importlib
import inspect
import json

import numpy as np
import pytest

from nn import keras as ours
from nn.data.download import DownloadError

from .keras_dataset_checks import assert_same, theirs_reading
from .oracle import real_keras

STORAGE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture
def fetched(monkeypatch):
    """The (urls, sha256, md5) of every fetch tried; each fails as if offline."""
    tried = []

    def offline(urls, sha256=None, filename=None, root=None, md5=None, **_):
        tried.append((list(urls), sha256, md5))
        raise DownloadError(f"offline in tests: {urls[0]}")
    monkeypatch.setattr("nn.data.datasets.base.fetch", offline)
    return tried


@pytest.fixture
def home(tmp_path, monkeypatch, fetched):
    """An empty Keras cache root (KERAS_HOME) and deepgrad data cache, offline."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path / "deepgrad"))
    (tmp_path / "keras" / "datasets").mkdir(parents=True)
    return tmp_path / "keras"


def reviews(n, seed, equal_length=False):
    rng = np.random.default_rng(seed)
    x = np.empty(n, dtype=object)
    x[:] = [[int(w) for w in rng.integers(1, 80, 7 if equal_length else rng.integers(1, 40))] for _ in range(n)]
    return x, rng.integers(0, 2, n)


def write_imdb(path, train=30, test=20, seed=4, equal_length=False):
    (x_train, y_train), (x_test, y_test) = reviews(train, seed, equal_length), reviews(test, seed + 1, equal_length)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


IMDB_OPTIONS = [
    {}, {"num_words": 30}, {"num_words": 0}, {"skip_top": 8, "num_words": 50}, {"maxlen": 15},
    {"maxlen": 15, "start_char": None}, {"start_char": None, "index_from": 0}, {"index_from": 0},
    {"oov_char": None, "num_words": 25, "skip_top": 6}, {"seed": 9}, {"index_from": 5, "start_char": 3, "oov_char": 4},
    {"num_words": 40, "maxlen": 20, "skip_top": 2, "seed": 0},
]


@pytest.mark.parametrize("kwargs", IMDB_OPTIONS)
def test_imdb_matches_keras(home, monkeypatch, kwargs):
    write_imdb(home / "datasets" / "imdb.npz")
    keras = theirs_reading(monkeypatch, home, "imdb")
    mine = ours.datasets.imdb.load_data(**kwargs, download=False)
    assert_same(mine, keras.datasets.imdb.load_data(**kwargs))
    assert mine[0][0].dtype == object and mine[0][1].dtype == np.int64


def test_imdb_reads_the_named_file_and_equal_lengths_give_keras_s_two_dimensional_object_array(home, monkeypatch):
    write_imdb(home / "datasets" / "mine.npz", equal_length=True)
    keras = theirs_reading(monkeypatch, home, "imdb")
    mine = ours.datasets.imdb.load_data("mine.npz", download=False)
    assert_same(mine, keras.datasets.imdb.load_data("mine.npz"))
    assert mine[0][0].shape == (30, 8)


def test_imdb_ids_decode_with_the_word_index_as_in_keras_s_example(home, monkeypatch):
    # the stored ids are ranks in imdb_word_index.json: load_data + get_word_index must decode to the stored words
    words = ["the", "and", "a", "of", "film", "good", "bad", "plot"]
    index = {word: rank for rank, word in enumerate(words, 1)}
    x = np.empty(2, dtype=object)
    x[:] = [[5, 6, 8], [1, 7, 2, 4]]
    np.savez(home / "datasets" / "imdb.npz", x_train=x, y_train=np.array([1, 0]), x_test=x[:1], y_test=np.array([1]))
    (home / "datasets" / "imdb_word_index.json").write_text(json.dumps(index))
    keras = theirs_reading(monkeypatch, home, "imdb")
    mine = ours.datasets.imdb.load_data(seed=0, download=False)
    assert_same(mine, keras.datasets.imdb.load_data(seed=0))
    x_train = mine[0][0]
    word_index = ours.datasets.imdb.get_word_index(download=False)
    assert word_index == keras.datasets.imdb.get_word_index() == index
    inverted = {i + 3: word for word, i in word_index.items()}
    inverted.update({1: "[START]", 2: "[OOV]"})
    decoded = sorted(" ".join(inverted[i] for i in review) for review in x_train)
    # without num_words Keras's bound is the largest id present, which itself becomes oov: "plot" here
    assert decoded == ["[START] film good [OOV]", "[START] the bad and of"]


def test_imdb_maxlen_dropping_a_whole_split_is_an_error_as_in_keras(home, monkeypatch):
    write_imdb(home / "datasets" / "imdb.npz")
    keras = theirs_reading(monkeypatch, home, "imdb")
    with pytest.raises(ValueError, match="maxlen"):
        keras.datasets.imdb.load_data(maxlen=2)
    with pytest.raises(ValueError, match=r"imdb.load_data: maxlen=2 drops every training review"):
        ours.datasets.imdb.load_data(maxlen=2, download=False)


def test_imdb_damaged_or_foreign_files_are_named(home):
    np.savez(home / "datasets" / "imdb.npz", x_train=np.zeros(3), y_train=np.zeros(3))
    with pytest.raises(ValueError, match=r"lacks the array\(s\) x_test, y_test.*official imdb.npz"):
        ours.datasets.imdb.load_data(download=False)
    np.savez(home / "datasets" / "imdb.npz", x_train=np.zeros(3), y_train=np.zeros(2), x_test=np.zeros(1),
             y_test=np.zeros(1))
    with pytest.raises(ValueError, match="3 reviews in x_train but 2 labels"):
        ours.datasets.imdb.load_data(download=False)
    (home / "datasets" / "imdb_word_index.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="holds a list"):
        ours.datasets.imdb.get_word_index(download=False)


def test_imdb_unknown_keyword_is_ignored_with_a_warning(home):
    write_imdb(home / "datasets" / "imdb.npz")
    with pytest.warns(UserWarning, match="ignoring unknown argument.*nb_words"):
        result = ours.datasets.imdb.load_data(nb_words=10, download=False)
    assert_same(result, ours.datasets.imdb.load_data(download=False))


def test_imdb_fetches_keras_s_files_with_keras_s_pinned_hashes(home, fetched):
    # Keras's own source is the reference for the URLs and hashes
    keras = real_keras()
    source = inspect.getsource(importlib.import_module("keras.src.datasets.imdb"))
    with pytest.raises(DownloadError, match="imdb.npz"):
        ours.datasets.imdb.load_data()
    with pytest.raises(DownloadError, match="imdb_word_index.json"):
        ours.datasets.imdb.get_word_index()
    (npz_urls, sha256, _), (json_urls, _, md5) = fetched
    assert npz_urls == [STORAGE + "imdb.npz"] and json_urls == [STORAGE + "imdb_word_index.json"]
    assert f'"{sha256}"' in source and f'"{md5}"' in source and keras.__version__ >= "3"
    with pytest.raises(FileNotFoundError, match="download=True"):
        ours.datasets.imdb.load_data(download=False)


LOADERS = [("mnist", "load_data"), ("fashion_mnist", "load_data"), ("cifar10", "load_data"),
           ("cifar100", "load_data"), ("imdb", "load_data"), ("imdb", "get_word_index"), ("reuters", "load_data"),
           ("reuters", "get_word_index"), ("boston_housing", "load_data"), ("california_housing", "load_data")]


@pytest.mark.parametrize("name, function", LOADERS)
def test_every_loader_takes_keras_s_arguments_and_fetches_a_missing_file_by_default(name, function):
    keras = real_keras()
    theirs = [p for p in inspect.signature(getattr(getattr(keras.datasets, name), function)).parameters.values()
              if p.kind is not p.VAR_KEYWORD]
    mine = inspect.signature(getattr(getattr(ours.datasets, name), function)).parameters
    assert [(p.name, p.default) for p in list(mine.values())[:len(theirs)]] == [(p.name, p.default) for p in theirs]
    assert mine["download"].default is True


# ---- mnist: Keras's mnist.npz, fetched by default, the bundled sample offline ------------------------------------

def test_mnist_reads_keras_s_mnist_npz_as_keras_does(home, monkeypatch, fetched):
    rng = np.random.default_rng(3)
    arrays = {"x_train": rng.integers(0, 256, (9, 28, 28), dtype=np.uint8), "y_train": rng.integers(0, 10, 9, np.uint8),
              "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8), "y_test": rng.integers(0, 10, 4, np.uint8)}
    np.savez(home / "datasets" / "digits.npz", **arrays)
    keras = theirs_reading(monkeypatch, home, "mnist")
    mine = ours.datasets.mnist.load_data("digits.npz", download=False)
    assert_same(mine, keras.datasets.mnist.load_data("digits.npz"))
    assert mine[0][0].shape == (9, 28, 28) and mine[1][1].dtype == np.uint8 and not fetched


def test_mnist_fetches_keras_s_file_and_offline_gives_the_bundled_sample(home, fetched, capsys):
    real_keras()
    source = inspect.getsource(importlib.import_module("keras.src.datasets.mnist"))
    (x_train, y_train), (x_test, y_test) = ours.datasets.mnist.load_data()
    assert fetched == [([STORAGE + "mnist.npz"], fetched[0][1], None)] and f'"{fetched[0][1]}"' in source
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28) and y_train.dtype == np.uint8
    assert "fetching it failed: DownloadError" in capsys.readouterr().out
    (x_train, _), _ = ours.datasets.mnist.load_data(download=False)
    assert len(fetched) == 1 and x_train.shape == (4000, 28, 28)
    assert "(download=False)" in capsys.readouterr().out


def test_mnist_uses_deepgrad_s_cached_idx_files_before_fetching(home, fetched):
    import gzip
    import struct
    folder = home.parent / "deepgrad" / "mnist"
    folder.mkdir(parents=True)
    for name, shape in (("train-images-idx3-ubyte.gz", (6, 28, 28)), ("train-labels-idx1-ubyte.gz", (6,)),
                        ("t10k-images-idx3-ubyte.gz", (2, 28, 28)), ("t10k-labels-idx1-ubyte.gz", (2,))):
        header = struct.pack(">BBBB", 0, 0, 8, len(shape)) + struct.pack(f">{len(shape)}I", *shape)
        (folder / name).write_bytes(gzip.compress(header + np.full(shape, 7, np.uint8).tobytes()))
    (x_train, y_train), (x_test, _) = ours.datasets.mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_test.shape == (2, 28, 28) and y_train.dtype == np.uint8
    assert not fetched


def test_mnist_damaged_keras_file_is_named(home):
    np.savez(home / "datasets" / "mnist.npz", x_train=np.zeros(3))
    with pytest.raises(ValueError, match=r"lacks the array\(s\) y_train, x_test, y_test.*official mnist.npz"):
        ours.datasets.mnist.load_data(download=False)
