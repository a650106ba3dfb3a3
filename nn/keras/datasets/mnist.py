"""keras.datasets.mnist.load_data(): ((x_train, y_train), (x_test, y_test)), uint8 (N, 28, 28) and (N,).

The official 60,000 + 10,000 digits, from the first of: Keras's mnist.npz in Keras's cache folder, the idx files in
deepgrad's data cache (nn.data.MNIST's), or Keras's mnist.npz fetched into Keras's cache (download=True, the
default, as Keras does). When none is there and the fetch fails (offline), the bundled 5,000-digit real-MNIST
sample split 4,000 / 1,000 (shuffled with a fixed seed), with a message saying so.
"""
import numpy as np

from ...data.datasets import MNIST, load_mnist_sample
from ...data.datasets.npz import load_npz
from .keras_files import cache_folder, keras_dataset_file

SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # as Keras pins it
ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(path="mnist.npz", download=True):
    """The MNIST digits as Keras's load_data returns them (see the module docstring for the source). `path`
    names the file in Keras's cache."""
    who = "keras.datasets.mnist.load_data"
    try:
        if not (cache_folder() / path).exists():
            try:
                train, test = MNIST(train=True, download=False), MNIST(train=False, download=False)
                return ((np.asarray(train.data, np.uint8), np.asarray(train.targets, np.uint8)),
                        (np.asarray(test.data, np.uint8), np.asarray(test.targets, np.uint8)))
            except FileNotFoundError:
                if not download:
                    raise
        return _keras_file(who, keras_dataset_file(who, path, "mnist.npz", sha256=SHA256, download=download))
    except (FileNotFoundError, OSError) as exc:
        why = "download=False" if not download else f"fetching it failed: {type(exc).__name__}"
        print(f"keras.datasets.mnist: the full MNIST is not in the cache ({why}); using the bundled 5,000-digit sample (4,000 train / 1,000 test). Online, "
              f"load_data() fetches the full set into {cache_folder()}.")
    images, labels = load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order].astype(np.uint8)
    return (images[:4000], labels[:4000]), (images[4000:], labels[4000:])


def _keras_file(who, file):
    arrays = load_npz(file)
    missing = [name for name in ARRAYS if name not in arrays]
    if missing:
        raise ValueError(f"{who}: {file} lacks the array(s) {', '.join(missing)} (it holds {sorted(arrays)}); "
                         f"is it Keras's official mnist.npz?")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
