"""The bundled real-MNIST sample: 5,000 digits that work offline (see nn/data/mnist_sample/SOURCE.md)."""
from pathlib import Path

import numpy as np

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "mnist_sample" / "mnist_5k.npz"


def load_mnist_sample():
    """Return `(images, labels)`: all 5,000 sample digits as uint8 (5000, 28, 28) and int64 (5000,).

    Rows are sorted by digit (500 of each); shuffle before splitting into train and validation.
    """
    with np.load(SAMPLE_PATH, allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    if images.dtype != np.uint8 or images.shape != (5000, 28, 28) or labels.shape != (5000,):
        raise ValueError(f"{SAMPLE_PATH} is damaged: images {images.dtype}{images.shape}, labels "
                         f"{labels.dtype}{labels.shape}; reinstall deepgrad to restore it")
    return images, labels.astype(np.int64, copy=False)
