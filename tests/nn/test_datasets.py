"""nn.data.datasets: parsing tiny files written here in the official formats (IDX gz, CIFAR-10
binary tar.gz, aclImdb tar.gz), damaged versions of them, and the bundled real-MNIST sample.
Nothing here touches the network (download=False)."""
import gzip
import io
import struct
import tarfile

import numpy as np
import pytest

from nn.data.datasets import CIFAR10, IMDB, MNIST, ArrayDataset, FashionMNIST, load_mnist_sample
from nn.data.datasets.idx import read_idx
from nn.data.datasets.text import build_vocab, encode, tokenize

RNG = np.random.default_rng(0)


# ---- writers for the official formats ------------------------------------------------------

def idx_bytes(array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_tar_gz(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


def write_mnist(folder, split="train", n=5, images=None, labels=None):
    prefix = "train" if split == "train" else "t10k"
    images = RNG.integers(0, 256, (n, 28, 28), dtype=np.uint8) if images is None else images
    labels = RNG.integers(0, 10, n, dtype=np.uint8) if labels is None else labels
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    return images, labels


def cifar_batch(labels):
    images = RNG.integers(0, 256, (len(labels), 3, 32, 32), dtype=np.uint8)
    records = np.concatenate([np.asarray(labels, np.uint8)[:, None], images.reshape(len(labels), -1)], 1)
    return images, records.tobytes()


def write_cifar(root, sizes=(2, 2, 2, 2, 2), test_size=3, tweak=None):
    """Write cifar-10-binary.tar.gz; returns {split: (images, labels)}; `tweak` edits the members."""
    members, parts = {"cifar-10-batches-bin/batches.meta.txt": b"airplane\n"}, {"train": [], "test": []}
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    for name, size in zip(names, list(sizes) + [test_size]):
        labels = RNG.integers(0, 10, size)
        images, members[f"cifar-10-batches-bin/{name}"] = cifar_batch(labels)
        parts["test" if name.startswith("test") else "train"].append((images, labels))
    if tweak:
        tweak(members)
    (root / "cifar10").mkdir(parents=True, exist_ok=True)
    write_tar_gz(root / "cifar10" / "cifar-10-binary.tar.gz", members)
    return {k: (np.concatenate([i for i, _ in v]), np.concatenate([y for _, y in v]))
            for k, v in parts.items()}


REVIEWS = {
    "aclImdb/train/pos/0_9.txt": "A great, GREAT film.<br /><br />I loved it!",
    "aclImdb/train/pos/1_8.txt": "Great acting; don't miss it.",
    "aclImdb/train/neg/0_2.txt": "Boring. I hated it, a boring film",
    "aclImdb/train/neg/1_1.txt": "Awful",
    "aclImdb/train/unsup/0_0.txt": "unlabelled reviews are ignored zebra zebra zebra",
    "aclImdb/test/pos/0_10.txt": "Great film, simply sublime",
    "aclImdb/test/neg/0_3.txt": "Boring and awful",
    "aclImdb/imdb.vocab": "the\nand\n",
}


def write_imdb(root, reviews=REVIEWS):
    (root / "imdb").mkdir(parents=True, exist_ok=True)
    write_tar_gz(root / "imdb" / "aclImdb_v1.tar.gz",
                 {name: text.encode() if isinstance(text, str) else text
                  for name, text in reviews.items()})


# ---- IDX, MNIST, FashionMNIST --------------------------------------------------------------

@pytest.mark.parametrize("dtype, code", [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B),
                                         (np.int32, 0x0C), (np.float32, 0x0D), (np.float64, 0x0E)])
def test_read_idx_all_types_plain_and_gzipped(tmp_path, dtype, code):
    arr = (RNG.standard_normal((3, 4, 2)) * 100).astype(dtype)
    (tmp_path / "a.idx").write_bytes(idx_bytes(arr, code))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(arr, code)))
    for name in ("a.idx", "a.idx.gz"):
        out = read_idx(tmp_path / name)
        assert out.dtype == dtype and out.dtype.isnative
        np.testing.assert_array_equal(out, arr)


@pytest.mark.parametrize("cls, folder", [(MNIST, "mnist"), (FashionMNIST, "fashion-mnist")])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_family_parses_official_files(tmp_path, cls, folder, train):
    images, labels = write_mnist(tmp_path / folder, "train" if train else "test", n=7)
    ds = cls(root=tmp_path, train=train, download=False)
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    assert ds.data.dtype == np.uint8 and ds.targets.dtype == np.int64 and len(ds) == 7
    x, y = ds[3]
    np.testing.assert_array_equal(x, images[3])
    assert y == labels[3] and len(cls.classes) == 10


def test_missing_files_without_download_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True") as info:
        MNIST(root=tmp_path, download=False)
    assert str(tmp_path / "mnist" / "train-images-idx3-ubyte.gz") in str(info.value)


def damage_idx(folder, name, change):
    path = folder / name
    path.write_bytes(change(path.read_bytes()))


IMAGES = "train-images-idx3-ubyte.gz"
LABELS = "train-labels-idx1-ubyte.gz"
MNIST_DAMAGE = {
    "gzip_truncated": (IMAGES, lambda b: b[: len(b) // 2], "truncated or corrupt gzip"),
    "gzip_corrupt": (IMAGES, lambda b: b[:20] + bytes(x ^ 0xFF for x in b[20:40]) + b[40:],
                     "truncated or corrupt gzip"),
    "idx_truncated": (IMAGES, lambda b: gzip.compress(gzip.decompress(b)[:-100]), "is truncated"),
    "idx_header_truncated": (LABELS, lambda b: gzip.compress(gzip.decompress(b)[:6]),
                             "header declares 1 dimensions"),
    "idx_trailing": (LABELS, lambda b: gzip.compress(gzip.decompress(b) + b"\0"), "longer than its header"),
    "not_idx": (IMAGES, lambda b: gzip.compress(b"<html>404 Not Found</html>"), "not an IDX file"),
    "empty": (LABELS, lambda b: b"", "not an IDX file"),
}


@pytest.fixture
def mnist_dir(tmp_path):
    write_mnist(tmp_path / "mnist", n=5)
    return tmp_path


@pytest.mark.parametrize("case", MNIST_DAMAGE)
def test_damaged_mnist_files_raise_clear_errors(mnist_dir, case):
    name, change, message = MNIST_DAMAGE[case]
    damage_idx(mnist_dir / "mnist", name, change)
    with pytest.raises(ValueError, match=message) as info:
        MNIST(root=mnist_dir, download=False)
    assert "idx" in str(info.value)  # names the file


def test_swapped_mnist_files_are_caught(mnist_dir):
    folder = mnist_dir / "mnist"
    (folder / LABELS).write_bytes((folder / IMAGES).read_bytes())
    with pytest.raises(ValueError, match="should hold 5 uint8 labels"):
        MNIST(root=mnist_dir, download=False)


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((4, 32, 32), np.uint8), np.zeros(4, np.uint8), r"shape \(N, 28, 28\)"),
    (np.zeros((4, 28, 28), np.uint8), np.zeros(3, np.uint8), "should hold 4 uint8 labels"),
    (np.zeros((2, 28, 28), np.uint8), np.array([1, 10], np.uint8), "label 10"),
])
def test_mnist_checks_dimensions_and_labels(tmp_path, images, labels, message):
    write_mnist(tmp_path / "mnist", images=images, labels=labels)
    with pytest.raises(ValueError, match=message):
        MNIST(root=tmp_path, download=False)


# ---- CIFAR-10 ------------------------------------------------------------------------------

@pytest.mark.parametrize("train", [True, False])
def test_cifar10_parses_binary_archive(tmp_path, train):
    expected = write_cifar(tmp_path)
    ds = CIFAR10(root=tmp_path, train=train, download=False)
    images, labels = expected["train" if train else "test"]
    assert ds.data.shape == ((10 if train else 3), 3, 32, 32) and ds.data.dtype == np.uint8
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    assert ds.targets.dtype == np.int64 and ds.classes[0] == "airplane"


def test_cifar10_channel_layout_is_planes_of_red_green_blue(tmp_path):
    record = bytearray(3073)
    record[0] = 7
    record[1 + 0 * 1024 + 2 * 32 + 5] = 11  # red, row 2, column 5
    record[1 + 2 * 1024 + 31 * 32 + 0] = 22  # blue, row 31, column 0

    def only_this_record(members):
        members["cifar-10-batches-bin/test_batch.bin"] = bytes(record)
    write_cifar(tmp_path, tweak=only_this_record)
    ds = CIFAR10(root=tmp_path, train=False, download=False)
    assert ds.targets.tolist() == [7]
    assert ds.data[0, 0, 2, 5] == 11 and ds.data[0, 2, 31, 0] == 22 and ds.data.sum() == 33


def drop_batch_3(members):
    del members["cifar-10-batches-bin/data_batch_3.bin"]


def cut_batch_2(members):
    name = "cifar-10-batches-bin/data_batch_2.bin"
    members[name] = members[name][:-5]


def bad_label(members):
    name = "cifar-10-batches-bin/data_batch_1.bin"
    members[name] = b"\x0b" + members[name][1:]


@pytest.mark.parametrize("tweak, message", [
    (drop_batch_3, "lacks cifar-10-batches-bin/data_batch_3.bin"),
    (cut_batch_2, "data_batch_2.bin is 6141 bytes, not a whole number of 3073-byte records"),
    (bad_label, "label 11"),
])
def test_cifar10_damaged_members(tmp_path, tweak, message):
    write_cifar(tmp_path, tweak=tweak)
    with pytest.raises(ValueError, match=message):
        CIFAR10(root=tmp_path, train=True, download=False)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_cifar10_truncated_archive(tmp_path, keep):
    write_cifar(tmp_path, sizes=(20, 20, 20, 20, 20), test_size=20)
    path = tmp_path / "cifar10" / "cifar-10-binary.tar.gz"
    blob = path.read_bytes()
    path.write_bytes(blob[: int(len(blob) * keep)])
    with pytest.raises(ValueError, match="truncated or corrupt") as info:
        CIFAR10(root=tmp_path, train=True, download=False)
    assert "cifar-10-binary.tar.gz" in str(info.value)


def test_cifar10_rejects_a_non_archive(tmp_path):
    (tmp_path / "cifar10").mkdir()
    (tmp_path / "cifar10" / "cifar-10-binary.tar.gz").write_bytes(b"not a tarball at all" * 50)
    with pytest.raises(ValueError, match="not a readable tar archive"):
        CIFAR10(root=tmp_path, download=False)


# ---- IMDB ----------------------------------------------------------------------------------

def test_tokenize_lowercases_and_drops_markup():
    assert tokenize("A GREAT film.<br /><br />Don't miss it, 10/10!") == [
        "a", "great", "film", "don't", "miss", "it", "10", "10"]


def test_vocab_ranks_by_frequency_and_respects_limits():
    docs = [["b", "a", "a", "c"], ["a", "b", "d"]]
    assert build_vocab(docs) == {"a": 2, "b": 3, "c": 4, "d": 5}  # ties broken by word
    assert build_vocab(docs, num_words=4) == {"a": 2, "b": 3}
    assert build_vocab(docs, min_freq=2) == {"a": 2, "b": 3}
    for bad in ({"num_words": 2}, {"min_freq": 0}):
        with pytest.raises(ValueError):
            build_vocab(docs, **bad)


def test_encode_pads_and_truncates_on_either_side():
    vocab = {"a": 2, "b": 3}
    docs = [["a", "x", "b", "a"], ["b"], []]
    np.testing.assert_array_equal(encode(docs, vocab, 3), [[1, 3, 2], [0, 0, 3], [0, 0, 0]])
    np.testing.assert_array_equal(encode(docs, vocab, 3, "post"), [[2, 1, 3], [3, 0, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="maxlen"):
        encode(docs, vocab, 0)


def test_imdb_builds_vocab_from_training_split_only(tmp_path):
    write_imdb(tmp_path)
    train = IMDB(root=tmp_path, train=True, download=False, maxlen=6)
    test = IMDB(root=tmp_path, train=False, download=False, maxlen=6)
    assert train.vocab == test.vocab
    assert {"sublime", "simply", "and", "zebra"}.isdisjoint(train.vocab)  # test-only / unsup words
    # "great" and "it" occur 3 times, then "a", "boring", "film", "i" twice: ties broken by word
    assert [train.vocab[w] for w in ("great", "it", "a", "boring", "film", "i")] == [2, 3, 4, 5, 6, 7]
    # files sorted by name: neg/0_2, neg/1_1, pos/0_9, pos/1_8
    np.testing.assert_array_equal(train.targets, [0, 0, 1, 1])
    np.testing.assert_array_equal(test.targets, [0, 1])
    v = train.vocab
    np.testing.assert_array_equal(test.data[0], [0, 0, 0, v["boring"], 1, v["awful"]])
    np.testing.assert_array_equal(test.data[1], [0, 0, v["great"], v["film"], 1, 1])
    assert train.data.dtype == np.int64 and train.data.shape == (4, 6) and len(test) == 2


def test_imdb_num_words_maps_rare_words_to_unknown(tmp_path):
    write_imdb(tmp_path)
    ds = IMDB(root=tmp_path, download=False, num_words=4, maxlen=4, padding="post")
    assert ds.vocab == {"great": 2, "it": 3}
    assert ds.data.max() == 3
    np.testing.assert_array_equal(ds.data[3], [2, 1, 1, 1])  # "great acting; don't miss it." cut


def test_imdb_caches_reviews_and_rebuilds_when_archive_changes(tmp_path, monkeypatch):
    from nn.data.datasets import imdb
    write_imdb(tmp_path)
    first = IMDB(root=tmp_path, download=False, maxlen=5)
    cache = tmp_path / "imdb" / "aclImdb_v1.reviews.npz"
    assert cache.exists()
    real_read = imdb.read_reviews
    monkeypatch.setattr(imdb, "read_reviews", lambda path: pytest.fail("cache not used"))
    again = IMDB(root=tmp_path, download=False, maxlen=5)
    np.testing.assert_array_equal(again.data, first.data)
    assert again.vocab == first.vocab
    monkeypatch.setattr(imdb, "read_reviews", real_read)
    cache.write_bytes(b"damaged cache")
    np.testing.assert_array_equal(IMDB(root=tmp_path, download=False, maxlen=5).data, first.data)
    write_imdb(tmp_path, dict(REVIEWS, **{"aclImdb/train/neg/0_2.txt": "zebra"}))  # a new archive
    changed = IMDB(root=tmp_path, download=False, maxlen=5)
    assert "zebra" in changed.vocab and "hated" not in changed.vocab


@pytest.mark.parametrize("drop, message", [("aclImdb/test/neg/0_3.txt", "no aclImdb/test/neg"),
                                           ("aclImdb/train/pos/", "no aclImdb/train/pos")])
def test_imdb_missing_split_is_an_error(tmp_path, drop, message):
    write_imdb(tmp_path, {k: v for k, v in REVIEWS.items() if not k.startswith(drop)})
    with pytest.raises(ValueError, match=message):
        IMDB(root=tmp_path, download=False)


def test_imdb_truncated_or_undecodable_archive(tmp_path):
    write_imdb(tmp_path, dict(REVIEWS, **{"aclImdb/train/pos/2_7.txt": "x" * 20000}))
    path = tmp_path / "imdb" / "aclImdb_v1.tar.gz"
    path.write_bytes(path.read_bytes()[:-60])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        IMDB(root=tmp_path, download=False)
    write_imdb(tmp_path, dict(REVIEWS, **{"aclImdb/train/pos/2_7.txt": b"caf\xe9"}))
    with pytest.raises(ValueError, match="2_7.txt is not UTF-8"):
        IMDB(root=tmp_path, download=False)


# ---- shared behaviour and the bundled sample -----------------------------------------------

def test_array_dataset_transforms_and_length_check():
    ds = ArrayDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 2]),
                      transform=lambda x: x * 10, target_transform=lambda y: -y)
    x, y = ds[1]
    np.testing.assert_array_equal(x, [20, 30])
    assert y == -1 and len(ds) == 3 and "3 examples" in repr(ds)
    with pytest.raises(ValueError, match="3 examples but 2 targets"):
        ArrayDataset(np.zeros(3), np.zeros(2))


def test_bundled_mnist_sample_is_real_balanced_mnist():
    images, labels = load_mnist_sample()
    assert images.dtype == np.uint8 and images.shape == (5000, 28, 28)
    assert labels.dtype == np.int64 and labels.shape == (5000,)
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)
    assert images.min() == 0 and images.max() == 255
    # MNIST statistics: mean pixel ~33/255, a blank border, ink concentrated in the centre
    assert 25 < images.mean() < 40
    assert images[:, :, :2].mean() < 1 and images[:, 10:18, 10:18].mean() > 80
    # each class is distinct: a "1" uses far less ink than a "0"
    ink = images.reshape(5000, -1).mean(1)
    assert ink[labels == 1].mean() < 0.6 * ink[labels == 0].mean()
    again, _ = load_mnist_sample()
    np.testing.assert_array_equal(again, images)
