"""keras.datasets.mnist.load_data(): ((x_train, y_train), (x_test, y_test)), uint8 (N, 28, 28) and (N,).

The official 60,000 + 10,000 digits when they are in deepgrad's data cache (fetched with download=True,
or by nn.data.MNIST); otherwise, offline, the bundled 5,000-digit real-MNIST sample split 4,000 / 1,000
(shuffled with a fixed seed), with a message saying so.
"""
import numpy as np

from ...data.datasets import MNIST, load_mnist_sample


def load_data(path="mnist.npz", download=False):
    """The MNIST digits as Keras's load_data returns them (see the module docstring for the source)."""
    try:
        train, test = MNIST(train=True, download=download), MNIST(train=False, download=download)
    except (FileNotFoundError, OSError) as exc:
        print(f"keras.datasets.mnist: the full MNIST is not in the cache ({type(exc).__name__}); using the bundled "
              "5,000-digit sample (4,000 train / 1,000 test). Call load_data(download=True) to fetch the full set.")
        images, labels = load_mnist_sample()
        order = np.random.default_rng(0).permutation(len(images))
        images, labels = images[order], labels[order].astype(np.uint8)
        return (images[:4000], labels[:4000]), (images[4000:], labels[4000:])
    return ((np.asarray(train.data, np.uint8), np.asarray(train.targets, np.uint8)),
            (np.asarray(test.data, np.uint8), np.asarray(test.targets, np.uint8)))
