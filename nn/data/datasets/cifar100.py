"""CIFAR-100 from the official binary archive `cifar-100-binary.tar.gz` (never the pickled version)."""
from .base import ArrayDataset
from .cifar10 import parse_records
from .cifar_archive import cifar_members

FINE_CLASSES = (
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
    "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
    "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
    "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
    "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
    "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
    "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
    "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
    "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
    "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm")
COARSE_CLASSES = (
    "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
    "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
    "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
    "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
    "vehicles_1", "vehicles_2")


class CIFAR100(ArrayDataset):
    """Tiny colour images in 100 classes: `data` uint8 (N, 3, 32, 32) (NCHW), `targets` int64 (N,)
    indexing `classes` (the fine labels), `coarse_targets` int64 (N,) indexing `coarse_classes`;
    50,000 train (train.bin), 10,000 test (test.bin).

    The archive lives in `root/cifar100/` (`root` defaults to the deepgrad cache) and is read in
    place; with `download=True` it is fetched if missing and its SHA-256 is checked.
    """

    folder = "cifar100"
    filename = "cifar-100-binary.tar.gz"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"
    # as published in TensorFlow Datasets' url_checksums/cifar100.txt
    sha256 = "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec"
    members = {"train": "cifar-100-binary/train.bin", "test": "cifar-100-binary/test.bin"}
    classes = FINE_CLASSES
    coarse_classes = COARSE_CLASSES

    def __init__(self, root=None, train=True, download=True, transform=None, target_transform=None):
        name = self.members["train" if train else "test"]
        path, found = cifar_members(self, root, [name], download, "CIFAR-100")
        # each record leads with its coarse label byte, then its fine label byte
        images, (coarse, fine) = parse_records(found[name], f"{path}:{name}",
                                               (len(self.coarse_classes), len(self.classes)))
        super().__init__(images, fine, transform, target_transform)
        self.coarse_targets = coarse
