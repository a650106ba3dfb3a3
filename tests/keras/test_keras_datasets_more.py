"""keras.datasets fashion_mnist, cifar10, cifar100, boston_housing, california_housing and reuters against real Keras's
loaders reading the same data: small files in the official formats are written to temporary caches (deepgrad's
DEEPGRAD_DATA and a Keras cache folder), real Keras's get_file is pointed at that folder with its pinned hash
dropped (the files are stand-ins), and both loaders' outputs must agree in values, dtypes and shapes. No network.
CIFAR comes to deepgrad as the binary archive and to Keras as the pickled one, built from the same arrays."""
import gzip
import inspect
import io
import json
import pickle
import struct
import tarfile

import numpy as np
import pytest

from nn import keras as ours
from nn.data import download as dl
from nn.data.datasets import CIFAR100
from nn.data.datasets.npz import load_npz
from nn.data.datasets.pickle_data import read_object_array

from .keras_dataset_checks import assert_same, theirs_reading
from .oracle import real_keras


@pytest.fixture
def caches(tmp_path, monkeypatch):
    """(deepgrad's data cache, the Keras cache root) as fresh folders, both used by deepgrad's loaders."""
    data, home = tmp_path / "deepgrad", tmp_path / "keras"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("DEEPGRAD_DATA", str(data))
    monkeypatch.setenv("KERAS_HOME", str(home))
    return data, home


# ---- signatures -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, function", [
    ("fashion_mnist", "load_data"), ("cifar10", "load_data"), ("cifar100", "load_data"),
    ("boston_housing", "load_data"), ("california_housing", "load_data"), ("reuters", "load_data"),
    ("reuters", "get_word_index"), ("reuters", "get_label_names")])
def test_signatures_are_keras_s_plus_a_trailing_download_switch(name, function):
    keras = real_keras()
    theirs = inspect.signature(getattr(getattr(keras.datasets, name), function)).parameters
    mine = inspect.signature(getattr(getattr(ours.datasets, name), function)).parameters
    extra = [p for p in mine if p not in theirs]
    assert [(p.name, p.default) for p in list(mine.values())[:len(theirs)]] == [
        (p.name, p.default) for p in theirs.values()]
    assert extra in ([], ["download"]) and (not extra or mine["download"].default is True)


def test_reuters_label_names_are_keras_s():
    keras = real_keras()
    assert ours.datasets.reuters.get_label_names() == keras.datasets.reuters.get_label_names()


# ---- fashion_mnist ---------------------------------------------------------------------------------------------

def idx_gz(array):
    header = struct.pack(">BBBB", 0, 0, 8, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_matches_keras(caches, monkeypatch):
    data, home = caches
    rng = np.random.default_rng(0)
    files = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (12, 28, 28)),
             "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 12),
             "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)),
             "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 5)}
    for folder in (data / "fashion-mnist", home / "datasets" / "fashion-mnist"):
        folder.mkdir(parents=True)
        for name, array in files.items():
            (folder / name).write_bytes(idx_gz(array))
    keras = theirs_reading(monkeypatch, home, "fashion_mnist")
    mine = ours.datasets.fashion_mnist.load_data(download=False)
    assert_same(mine, keras.datasets.fashion_mnist.load_data())
    assert mine[0][0].dtype == np.uint8 and mine[0][1].shape == (12,)


# ---- CIFAR ------------------------------------------------------------------------------------------------------

def tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, blob in members.items():
            add_member(tar, name, blob)
    return buffer.getvalue()


def python_batch(images, **labels):
    """A batch as the pickled CIFAR archives hold it (the test writes it for real Keras; deepgrad never reads it)."""
    record = {b"data": images.reshape(len(images), -1)}
    record.update({key.encode(): [int(v) for v in values] for key, values in labels.items()})
    return pickle.dumps(record, protocol=4)


@pytest.fixture
def channels_restored():
    keras = real_keras()
    before = ours.config.image_data_format(), keras.config.image_data_format()
    yield keras
    ours.config.set_image_data_format(before[0])
    keras.config.set_image_data_format(before[1])


def test_cifar10_matches_keras_in_both_image_layouts(caches, monkeypatch, channels_restored):
    # real Keras reads exactly 5 x 10,000 training images, so the training batches have the full size; the
    # archives are written batch by batch, uncompressed, to keep the test's memory and time down
    data, home = caches
    rng = np.random.default_rng(1)
    (data / "cifar10").mkdir(parents=True)
    sizes = [(f"data_batch_{i}", 10000) for i in range(1, 6)] + [("test_batch", 7)]
    with tarfile.open(data / "cifar10" / "cifar-10-binary.tar.gz", "w") as binary, \
            tarfile.open(home / "datasets" / "cifar-10-batches-py-target_archive", "w") as pickled:
        for name, n in sizes:
            images, labels = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8), rng.integers(0, 10, n)
            add_member(binary, f"cifar-10-batches-bin/{name}.bin",
                       np.concatenate([labels[:, None].astype(np.uint8), images.reshape(n, -1)], axis=1).tobytes())
            add_member(pickled, f"cifar-10-batches-py/{name}", python_batch(images, labels=labels))
    keras = theirs_reading(monkeypatch, home, "cifar10")
    for layout in ("channels_last", "channels_first"):
        ours.config.set_image_data_format(layout)
        keras.config.set_image_data_format(layout)
        mine = ours.datasets.cifar10.load_data(download=False)
        assert_same(mine, keras.datasets.cifar10.load_data())
        assert mine[0][0].shape == ((50000, 32, 32, 3) if layout == "channels_last" else (50000, 3, 32, 32))
        assert mine[1][1].shape == (7, 1) and mine[1][1].dtype == np.uint8
        del mine


def add_member(tar, name, blob):
    info = tarfile.TarInfo(name)
    info.size = len(blob)
    tar.addfile(info, io.BytesIO(blob))


def write_cifar100(data, home, train=9, test=4, seed=2):
    rng = np.random.default_rng(seed)
    splits = {}
    for name, n in (("train", train), ("test", test)):
        images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
        coarse, fine = rng.integers(0, 20, n, dtype=np.uint8), rng.integers(0, 100, n, dtype=np.uint8)
        splits[name] = images, coarse, fine
    binary = {f"cifar-100-binary/{name}.bin": np.concatenate(
        [coarse[:, None], fine[:, None], images.reshape(len(images), -1)], axis=1).tobytes()
        for name, (images, coarse, fine) in splits.items()}
    (data / "cifar100").mkdir(parents=True, exist_ok=True)
    (data / "cifar100" / "cifar-100-binary.tar.gz").write_bytes(tar_gz(binary))
    if home is not None:
        pickled = {f"cifar-100-python/{name}": python_batch(images, coarse_labels=coarse, fine_labels=fine)
                   for name, (images, coarse, fine) in splits.items()}
        (home / "datasets" / "cifar-100-python-target_archive").write_bytes(tar_gz(pickled))
    return splits


@pytest.mark.parametrize("layout", ["channels_last", "channels_first"])
@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(caches, monkeypatch, channels_restored, layout, label_mode):
    data, home = caches
    write_cifar100(data, home)
    keras = theirs_reading(monkeypatch, home, "cifar100")
    ours.config.set_image_data_format(layout)
    keras.config.set_image_data_format(layout)
    mine = ours.datasets.cifar100.load_data(label_mode, download=False)
    assert_same(mine, keras.datasets.cifar100.load_data(label_mode))
    assert mine[0][1].shape == (9, 1) and mine[0][1].dtype == np.int64  # what Keras really gives (not uint8)


def test_cifar100_dataset_reads_both_label_bytes(caches):
    data, _ = caches
    images, coarse, fine = write_cifar100(data, None)["test"]
    ds = CIFAR100(train=False, download=False)
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, fine)
    np.testing.assert_array_equal(ds.coarse_targets, coarse)
    assert ds.classes[0] == "apple" and ds.coarse_classes[-1] == "vehicles_2" and len(ds.classes) == 100


def test_cifar100_refuses_a_bad_label_mode_and_damaged_archives(caches):
    data, _ = caches
    with pytest.raises(ValueError, match='label_mode must be "fine" or "coarse", got \'middle\''):
        ours.datasets.cifar100.load_data("middle", download=False)
    (data / "cifar100").mkdir(parents=True)
    path = data / "cifar100" / "cifar-100-binary.tar.gz"
    path.write_bytes(tar_gz({"cifar-100-binary/test.bin": bytes(3074)}))
    with pytest.raises(ValueError, match="lacks cifar-100-binary/train.bin; is it the binary version"):
        CIFAR100(train=True, download=False)
    path.write_bytes(tar_gz({"cifar-100-binary/train.bin": bytes([3, 100]) + bytes(3072)}))
    with pytest.raises(ValueError, match="label 100; expected 0-99"):
        CIFAR100(train=True, download=False)
    path.write_bytes(tar_gz({"cifar-100-binary/train.bin": bytes(3073)}))
    with pytest.raises(ValueError, match="not a whole number of 3074-byte records"):
        CIFAR100(train=True, download=False)


# ---- boston_housing, california_housing ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.35, "seed": 7}, {"test_split": 0.0}])
def test_boston_housing_matches_keras(caches, monkeypatch, kwargs):
    _, home = caches
    rng = np.random.default_rng(3)
    np.savez(home / "datasets" / "boston_housing.npz", x=rng.normal(size=(41, 13)), y=rng.uniform(5, 50, 41))
    keras = theirs_reading(monkeypatch, home, "boston_housing")
    mine = ours.datasets.boston_housing.load_data(**kwargs, download=False)
    assert_same(mine, keras.datasets.boston_housing.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"version": "small", "test_split": 0.5, "seed": 0},
                                    {"path": "housing_copy.npz", "seed": 3}])
def test_california_housing_matches_keras(caches, monkeypatch, kwargs):
    _, home = caches
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(650, 8)).astype(np.float32), rng.uniform(2e4, 5e5, 650).astype(np.float32)
    np.savez(home / "datasets" / kwargs.get("path", "california_housing.npz"), x=x, y=y)
    keras = theirs_reading(monkeypatch, home, "california_housing")
    mine = ours.datasets.california_housing.load_data(**kwargs, download=False)
    assert_same(mine, keras.datasets.california_housing.load_data(**kwargs))
    assert len(mine[0][0]) + len(mine[1][0]) == (600 if kwargs.get("version") == "small" else 650)


@pytest.mark.parametrize("module, kwargs, message", [
    ("boston_housing", {"test_split": 1.0}, r"test_split must be in \[0, 1\)"),
    ("california_housing", {"test_split": -0.1}, r"test_split must be in \[0, 1\)"),
    ("california_housing", {"version": "medium"}, "version must be 'small' or 'large', got 'medium'"),
    ("boston_housing", {"path": "sub/boston.npz"}, "is a file name inside the Keras cache"),
])
def test_housing_bad_arguments(caches, module, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(ours.datasets, module).load_data(**kwargs, download=False)


def test_housing_npz_needing_pickle_or_lacking_arrays_is_refused(caches):
    _, home = caches
    np.savez(home / "datasets" / "boston_housing.npz", features=np.zeros((3, 13)), y=np.zeros(3))
    with pytest.raises(ValueError, match=r"lacks the array\(s\) x"):
        ours.datasets.boston_housing.load_data(download=False)
    (home / "datasets" / "boston_housing.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="not a readable .npz archive"):
        ours.datasets.boston_housing.load_data(download=False)


# ---- reuters --------------------------------------------------------------------------------------------------

def newswires(n=40, seed=5, equal_length=False):
    rng = np.random.default_rng(seed)
    x = np.empty(n, dtype=object)
    x[:] = [[int(w) for w in rng.integers(1, 60, 6 if equal_length else rng.integers(1, 30))] for _ in range(n)]
    return x, rng.integers(0, 46, n)


def python2_style(blob):
    """The pickle NumPy writes with protocol 2 under Python 3 spells the array's b'b' argument with _codecs.encode;
    Python 2 wrote it as a plain (byte) string. Rewrite it to the Python 2 form, as in Keras's older files."""
    start = blob.index(b"c_codecs\nencode\n")
    end = blob.index(b"R", blob.index(b"latin1", start)) + 1  # GLOBAL, the two strings, TUPLE2, REDUCE
    return blob[:start] + b"U\x01b" + blob[end:]


def write_reuters(path, x, y, pickle_protocol=None):
    if pickle_protocol is None:
        np.savez(path, x=x, y=y)
        return
    members = {}
    for name, array in (("x", x), ("y", y)):
        buffer = io.BytesIO()
        if array.dtype == object:
            np.lib.format.write_array_header_1_0(
                buffer, {"descr": "|O", "fortran_order": False, "shape": array.shape})
            body = pickle.dumps(array, protocol=pickle_protocol)
            buffer.write(python2_style(body) if pickle_protocol == 2 else body)
        else:
            np.lib.format.write_array(buffer, array)
        members[f"{name}.npy"] = buffer.getvalue()
    import zipfile
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)


REUTERS_OPTIONS = [
    {}, {"num_words": 30}, {"skip_top": 8, "num_words": 40}, {"maxlen": 12}, {"maxlen": 12, "start_char": None},
    {"start_char": None, "index_from": 0}, {"oov_char": None, "num_words": 25, "skip_top": 6},
    {"test_split": 0.35, "seed": 9}, {"index_from": 5, "start_char": 3, "oov_char": 4},
]


@pytest.mark.parametrize("kwargs", REUTERS_OPTIONS)
def test_reuters_matches_keras(caches, monkeypatch, kwargs):
    _, home = caches
    write_reuters(home / "datasets" / "reuters.npz", *newswires())
    keras = theirs_reading(monkeypatch, home, "reuters")
    mine = ours.datasets.reuters.load_data(**kwargs, download=False)
    assert_same(mine, keras.datasets.reuters.load_data(**kwargs))


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_reuters_reads_object_arrays_of_every_pickle_protocol_keras_reads(caches, monkeypatch, protocol):
    _, home = caches
    write_reuters(home / "datasets" / "reuters.npz", *newswires(seed=protocol), pickle_protocol=protocol)
    keras = theirs_reading(monkeypatch, home, "reuters")
    assert_same(ours.datasets.reuters.load_data(download=False), keras.datasets.reuters.load_data())


def test_reuters_equal_length_wires_give_keras_s_two_dimensional_object_array(caches, monkeypatch):
    _, home = caches
    write_reuters(home / "datasets" / "reuters.npz", *newswires(n=10, equal_length=True))
    keras = theirs_reading(monkeypatch, home, "reuters")
    mine = ours.datasets.reuters.load_data(download=False)
    assert_same(mine, keras.datasets.reuters.load_data())
    assert mine[0][0].shape == (8, 7)


def test_reuters_word_index_matches_keras(caches, monkeypatch):
    _, home = caches
    index = {"the": 1, "of": 2, "to": 3, "said": 4, "caf\u00e9": 5}
    (home / "datasets" / "words.json").write_text(json.dumps(index), encoding="utf-8")
    keras = theirs_reading(monkeypatch, home, "reuters")
    assert ours.datasets.reuters.get_word_index("words.json", download=False) == \
        keras.datasets.reuters.get_word_index("words.json") == index
    (home / "datasets" / "words.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="holds a list, not the word -> index mapping"):
        ours.datasets.reuters.get_word_index("words.json", download=False)


def test_reuters_with_everything_filtered_says_so(caches):
    # Keras fails here with max()'s own "empty sequence" error; ours names the cause
    _, home = caches
    write_reuters(home / "datasets" / "reuters.npz", *newswires())
    with pytest.raises(ValueError, match="maxlen=1 drops every newswire"):
        ours.datasets.reuters.load_data(maxlen=1, download=False)


class Payload:
    """An array item whose unpickling would run code: it would create the file `target`."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (exec, (f"open({str(self.target)!r}, 'w').close()",))


def test_a_reuters_file_with_code_in_its_pickle_is_refused_and_nothing_runs(caches, tmp_path):
    _, home = caches
    target = tmp_path / "ran"
    x = np.empty(2, dtype=object)
    x[:] = [[1, 2], Payload(target)]
    np.savez(home / "datasets" / "reuters.npz", x=x, y=np.zeros(2, np.int64))
    with pytest.raises(ValueError, match="refers to builtins.exec, which is not part of a NumPy object array"):
        ours.datasets.reuters.load_data(download=False)
    assert not target.exists()
    pickle.loads(pickle.dumps(Payload(target)))  # the payload works: reading it the usual way would have run it
    assert target.exists()


def self_containing_item():
    item = [1]
    item.append(item)
    array = np.empty(1, dtype=object)
    array[0] = item
    return pickle.dumps(array, protocol=3)


@pytest.mark.parametrize("blob, message", [
    (self_containing_item(), "nested too deeply \\(or contains itself\\)"),
    (pickle.dumps(np.arange(3), protocol=3), "only object arrays are read from a pickle"),
    (pickle.dumps([1, 2], protocol=3), "the pickle does not hold a NumPy array"),
    (pickle.dumps(np.array([[1]], dtype=object), protocol=3)[:40], "ends early"),
    (b"\x80\x03I1\n.", "opcode b'I' at byte 2 is outside the plain-data subset"),
])
def test_pickle_data_reader_refuses_what_it_does_not_understand(blob, message):
    with pytest.raises(ValueError, match=message):
        read_object_array(blob, "somewhere.npy")


def test_load_npz_reads_numeric_arrays_without_pickle(tmp_path):
    path = tmp_path / "a.npz"
    x = np.empty(2, dtype=object)
    x[:] = [[1], [2, 3]]
    np.savez(path, a=np.arange(4, dtype=np.int16), b=np.ones((2, 3), np.float32), x=x)
    arrays = load_npz(path)
    assert arrays["a"].dtype == np.int16 and arrays["b"].shape == (2, 3) and arrays["x"].tolist() == [[1], [2, 3]]


# ---- where files come from ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, name, url", [
    (lambda: ours.datasets.boston_housing.load_data(download=False), "boston_housing.npz",
     "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"),
    (lambda: ours.datasets.reuters.get_word_index(download=False), "reuters_word_index.json",
     "https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters_word_index.json"),
    (lambda: ours.datasets.cifar100.load_data(download=False), "cifar-100-binary.tar.gz",
     "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
    (lambda: ours.datasets.fashion_mnist.load_data(download=False), "train-images-idx3-ubyte.gz",
     "fashion-mnist"),
])
def test_a_missing_file_names_itself_its_url_and_its_place(caches, call, name, url):
    with pytest.raises(FileNotFoundError) as info:
        call()
    assert name in str(info.value) and url in str(info.value) and str(caches[0].parent) in str(info.value)


def test_an_offline_download_names_the_file_the_url_and_where_to_put_it(caches, monkeypatch, capsys):
    _, home = caches

    def offline(url, part, retries, timeout, progress):
        raise dl.DownloadError("cannot reach the server (no network); check your network or proxy")
    monkeypatch.setattr(dl, "_fetch_with_resume", offline)
    with pytest.raises(dl.DownloadError) as info:
        ours.datasets.california_housing.load_data()
    message = str(info.value)
    url = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
    assert url in message and str(home / "datasets" / "california_housing.npz") in message
    assert "no network" in message
    assert f"keras.datasets.california_housing.load_data: downloading {url}" in capsys.readouterr().out


def fake_fetch(payloads):
    def fetch(url, part, retries, timeout, progress):
        part.write_bytes(payloads[url.rsplit("/", 1)[-1]])
    return fetch


def test_downloads_are_verified_with_keras_s_pinned_md5_before_they_are_kept(caches, monkeypatch, capsys):
    import hashlib
    _, home = caches
    good = json.dumps({"oil": 1}).encode()
    monkeypatch.setattr(ours.datasets.reuters, "WORD_INDEX_MD5", hashlib.md5(good).hexdigest())
    monkeypatch.setattr(dl, "_fetch_with_resume", fake_fetch({"reuters_word_index.json": b"tampered"}))
    with pytest.raises(dl.DownloadError, match="checksum mismatch for reuters_word_index.json"):
        ours.datasets.reuters.get_word_index()
    assert not (home / "datasets" / "reuters_word_index.json").exists()
    monkeypatch.setattr(dl, "_fetch_with_resume", fake_fetch({"reuters_word_index.json": good}))
    assert ours.datasets.reuters.get_word_index() == {"oil": 1}
    assert "downloading https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters_word_index.json" in \
        capsys.readouterr().out
    monkeypatch.setattr(dl, "_fetch_with_resume", None)  # a verified file is used without fetching again
    assert ours.datasets.reuters.get_word_index() == {"oil": 1}
    assert "downloading" not in capsys.readouterr().out


def test_download_refuses_a_malformed_md5_and_both_digests(tmp_path):
    with pytest.raises(ValueError, match="md5 must be 32 hex digits"):
        dl.download("https://example.invalid/f", md5="abc", root=tmp_path)
    with pytest.raises(ValueError, match="pass sha256 or md5, not both"):
        dl.download("https://example.invalid/f", sha256="0" * 64, md5="0" * 32, root=tmp_path)


def test_datasets_namespace_lists_every_loader():
    keras = real_keras()
    names = {"mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
             "california_housing"}
    assert names <= set(dir(ours.datasets)) and names <= set(dir(keras.datasets))
    assert set(ours.datasets.__all__) == names
