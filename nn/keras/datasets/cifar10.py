"""keras.datasets.cifar10.load_data(): the 50,000 + 10,000 CIFAR-10 images from the official *binary* archive
(cifar-10-binary.tar.gz, never the pickled one), kept in deepgrad's cache (nn.data.datasets.CIFAR10's folder)."""
import numpy as np

from ...data.datasets import CIFAR10
from ..config import image_data_format


def load_data(download=True):
    """((x_train, y_train), (x_test, y_test)): uint8 images (N, 32, 32, 3), or (N, 3, 32, 32) when
    keras.config.image_data_format() is "channels_first", and uint8 labels (N, 1) in 0-9, as Keras returns them."""
    splits = []
    for train in (True, False):
        data = CIFAR10(train=train, download=download)
        images = data.data if image_data_format() == "channels_first" else data.data.transpose(0, 2, 3, 1)
        splits.append((images, data.targets.astype(np.uint8).reshape(-1, 1)))
    return tuple(splits)
