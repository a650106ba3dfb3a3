"""keras.datasets.fashion_mnist.load_data(): Zalando's 60,000 + 10,000 clothing images from the four official
idx-ubyte.gz files, kept in deepgrad's cache (nn.data.datasets.FashionMNIST's folder, fashion-mnist/)."""
import numpy as np

from ...data.datasets import FashionMNIST


def load_data(download=True):
    """((x_train, y_train), (x_test, y_test)): uint8 images (N, 28, 28) and uint8 labels (N,) in 0-9, the
    official train/test split in file order, as Keras returns them."""
    train, test = FashionMNIST(train=True, download=download), FashionMNIST(train=False, download=download)
    return ((np.asarray(train.data, np.uint8), np.asarray(train.targets, np.uint8)),
            (np.asarray(test.data, np.uint8), np.asarray(test.targets, np.uint8)))
