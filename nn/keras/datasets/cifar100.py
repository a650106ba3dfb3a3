"""keras.datasets.cifar100.load_data(): the 50,000 + 10,000 CIFAR-100 images from the official *binary* archive
(cifar-100-binary.tar.gz, never the pickled one), kept in deepgrad's cache (nn.data.datasets.CIFAR100's folder)."""
from ...data.datasets import CIFAR100
from ..config import image_data_format


def load_data(label_mode="fine", download=True):
    """((x_train, y_train), (x_test, y_test)): uint8 images (N, 32, 32, 3), or (N, 3, 32, 32) when
    keras.config.image_data_format() is "channels_first", and int64 labels (N, 1): the 100 fine classes
    (label_mode="fine") or the 20 coarse ones ("coarse"), as Keras returns them."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'keras.datasets.cifar100.load_data: label_mode must be "fine" or "coarse", '
                         f"got {label_mode!r}")
    splits = []
    for train in (True, False):
        data = CIFAR100(train=train, download=download)
        images = data.data if image_data_format() == "channels_first" else data.data.transpose(0, 2, 3, 1)
        labels = data.targets if label_mode == "fine" else data.coarse_targets
        splits.append((images, labels.reshape(-1, 1)))
    return tuple(splits)
