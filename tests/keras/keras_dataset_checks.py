"""What the keras.datasets tests share: real Keras's loaders pointed at a temporary cache of stand-in files, and
the comparison of two loaders' nested outputs."""
import importlib

import numpy as np

from .oracle import real_keras


def theirs_reading(monkeypatch, home, *modules):
    """Real Keras with the get_file of each `keras.src.datasets.<module>` reading from `home` without its hash
    (the files there are stand-ins in the official format)."""
    keras = real_keras()
    from keras.src.utils.file_utils import get_file

    def offline_get_file(*args, **kwargs):
        return get_file(*args, **{**kwargs, "file_hash": None, "cache_dir": str(home)})
    for name in modules:
        monkeypatch.setattr(importlib.import_module(f"keras.src.datasets.{name}"), "get_file", offline_get_file)
    return keras


def assert_same(mine, theirs):
    """Same nesting, and arrays equal in values, dtype and shape (object arrays item by item)."""
    assert type(mine) is type(theirs)
    if isinstance(theirs, tuple):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            assert_same(a, b)
        return
    assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape)
    if theirs.dtype == object:
        assert mine.tolist() == theirs.tolist()
    else:
        assert np.array_equal(mine, theirs)  # np.testing's version takes seconds on CIFAR's sizes
