"""CIFAR-10 from the official binary archive `cifar-10-binary.tar.gz` (never the pickled version)."""
import numpy as np

from .base import ArrayDataset
from .cifar_archive import cifar_members


class CIFAR10(ArrayDataset):
    """Tiny colour images: `data` uint8 (N, 3, 32, 32) (NCHW), `targets` int64 (N,) indexing
    `classes`; 50,000 train (data_batch_1..5.bin), 10,000 test (test_batch.bin).

    The archive lives in `root/cifar10/` (`root` defaults to the deepgrad cache) and is read in
    place; with `download=True` it is fetched if missing and its SHA-256 is checked.
    """

    folder = "cifar10"
    filename = "cifar-10-binary.tar.gz"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    # as published in TensorFlow Datasets' url_checksums/cifar10.txt
    sha256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
    members = {"train": [f"cifar-10-batches-bin/data_batch_{i}.bin" for i in range(1, 6)],
               "test": ["cifar-10-batches-bin/test_batch.bin"]}
    classes = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")

    def __init__(self, root=None, train=True, download=True, transform=None, target_transform=None):
        names = self.members["train" if train else "test"]
        path, found = cifar_members(self, root, names, download, "CIFAR-10")
        images, labels = zip(*(parse_batch(found[n], f"{path}:{n}", len(self.classes)) for n in names))
        super().__init__(np.concatenate(images), np.concatenate(labels), transform, target_transform)


def parse_batch(blob, where, num_classes):
    """Split one binary batch into images uint8 (N, 3, 32, 32) and labels int64 (N,)."""
    images, (labels,) = parse_records(blob, where, (num_classes,))
    return images, labels


def parse_records(blob, where, label_counts):
    """Split binary CIFAR records (one leading label byte per entry of `label_counts`, then the three
    32x32 planes) into images uint8 (N, 3, 32, 32) and a list of int64 (N,) label arrays."""
    record = len(label_counts) + 3 * 32 * 32
    if len(blob) % record:
        raise ValueError(f"{where} is {len(blob)} bytes, not a whole number of {record}-byte "
                         f"records; the archive is truncated or corrupt")
    records = np.frombuffer(blob, np.uint8).reshape(-1, record)
    labels = []
    for column, count in enumerate(label_counts):
        values = records[:, column].astype(np.int64)
        if values.size and values.max() >= count:
            raise ValueError(f"{where} has label {values.max()}; expected 0-{count - 1}")
        labels.append(values)
    return records[:, len(label_counts):].reshape(-1, 3, 32, 32).copy(), labels
