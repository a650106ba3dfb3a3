"""MNIST and Fashion-MNIST from their official gzipped IDX files."""
from pathlib import Path

import numpy as np

from ..download import cache_dir
from .base import ArrayDataset, dataset_file
from .idx import read_idx


class MNIST(ArrayDataset):
    """Handwritten digits: `data` uint8 (N, 28, 28), `targets` int64 (N,); 60,000 train, 10,000 test.

    Files live in `root/mnist/` (`root` defaults to the deepgrad cache, see `cache_dir()`); with
    `download=True` missing or damaged files are fetched and every file's SHA-256 is checked.
    """

    folder = "mnist"
    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
               "https://storage.googleapis.com/cvdf-datasets/mnist/")
    # (file name, SHA-256) of the images and labels of each split; digests as published in
    # TensorFlow Datasets' url_checksums/mnist.txt
    files = {
        "train": (("train-images-idx3-ubyte.gz",
                   "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                  ("train-labels-idx1-ubyte.gz",
                   "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c")),
        "test": (("t10k-images-idx3-ubyte.gz",
                  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                 ("t10k-labels-idx1-ubyte.gz",
                  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
    }
    classes = tuple(str(digit) for digit in range(10))

    def __init__(self, root=None, train=True, download=True, transform=None, target_transform=None):
        folder = Path(root if root is not None else cache_dir()) / self.folder
        images_path, labels_path = (
            dataset_file(folder, name, sha256, [m + name for m in self.mirrors], download)
            for name, sha256 in self.files["train" if train else "test"])
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(f"{images_path} should hold uint8 images of shape (N, 28, 28), "
                             f"found {images.dtype} {images.shape}")
        if labels.dtype != np.uint8 or labels.ndim != 1 or len(labels) != len(images):
            raise ValueError(f"{labels_path} should hold {len(images)} uint8 labels to match "
                             f"{images_path.name}, found {labels.dtype} {labels.shape}")
        if labels.size and labels.max() >= len(self.classes):
            raise ValueError(f"{labels_path} has label {labels.max()}; expected 0-{len(self.classes) - 1}")
        super().__init__(images, labels.astype(np.int64), transform, target_transform)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: ten clothing classes, same layout and sizes as `MNIST`.

    Files live in `root/fashion-mnist/`.
    """

    folder = "fashion-mnist"
    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
               "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/")
    # digests as published in TensorFlow Datasets' url_checksums/fashion_mnist.txt
    files = {
        "train": (("train-images-idx3-ubyte.gz",
                   "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                  ("train-labels-idx1-ubyte.gz",
                   "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845")),
        "test": (("t10k-images-idx3-ubyte.gz",
                  "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                 ("t10k-labels-idx1-ubyte.gz",
                  "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")),
    }
    classes = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
