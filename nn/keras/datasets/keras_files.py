"""Where keras.datasets' npz and json files live: Keras's own cache (~/.keras/datasets, or $KERAS_HOME/datasets),
under the name given as `path`, fetched from Keras's storage and checked against the hash Keras pins."""
import os
from pathlib import Path

import numpy as np

from ...data.datasets.base import dataset_file
from ...data.datasets.npz import load_npz
from ..utils_get_file import keras_home

STORAGE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def keras_dataset_file(who, path, origin_name, sha256=None, md5=None, download=True):
    """Path of the file `path` in Keras's datasets cache, fetched from STORAGE/origin_name when missing or
    damaged (`download=True`); with download=False the file is used as found."""
    name = os.fspath(path)
    if os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"{who}: path={name!r} is a file name inside the Keras cache ({cache_folder()}), "
                         f"not a path; pass just the name, as Keras requires")
    return dataset_file(cache_folder(), name, sha256, [STORAGE + origin_name], download, md5=md5, who=who)


def cache_folder():
    """The folder Keras keeps its datasets in."""
    return Path(keras_home()).expanduser() / "datasets"


def check_test_split(who, test_split):
    """Raise unless 0 <= test_split < 1."""
    if not 0 <= test_split < 1:
        raise ValueError(f"{who}: test_split must be in [0, 1) (the fraction of rows held out for testing), "
                         f"got {test_split!r}")


def shuffled_split(x, y, test_split, seed):
    """((x_train, y_train), (x_test, y_test)): the rows shuffled by NumPy's RandomState(seed), then the first
    int(len * (1 - test_split)) for training; as Keras's boston_housing and california_housing split."""
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def features_and_targets(who, path):
    """The `x` and `y` arrays of the npz file at `path` (no pickle in it is ever run, see nn.data.datasets.npz)."""
    arrays = load_npz(path)
    missing = [key for key in ("x", "y") if key not in arrays]
    if missing:
        raise ValueError(f"{who}: {path} lacks the array(s) {', '.join(missing)} (it holds {sorted(arrays)}); "
                         f"is it Keras's official file?")
    if len(arrays["x"]) != len(arrays["y"]):
        raise ValueError(f"{who}: {path} has {len(arrays['x'])} rows in x but {len(arrays['y'])} in y")
    return arrays["x"], arrays["y"]
