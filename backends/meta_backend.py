"""The `meta` device: tensors that have a shape and a dtype but no data, as PyTorch's meta tensors.

A model moved to it (`copy.deepcopy(model).to('meta')`) keeps its structure and parameter shapes without
holding their values: the usual "base" module of torch.func's ensembling, whose tensors functional_call
replaces. Its arrays are NumPy arrays whose every element is one shared cell (zero strides), so a tensor of
any size costs one element of memory; ops on meta tensors run through NumPy on those arrays and give meta
tensors of the right shape and dtype. Nothing can be read back: moving a meta tensor to another device,
.numpy(), .item() and .tolist() raise, as in PyTorch.
"""
import numpy as np

from .numpy_backend import NumpyBackend


def placeholder(shape, dtype):
    """A writable array of `shape` and `dtype` whose elements all share one zeroed cell of memory."""
    cell = np.zeros(1, dtype=dtype)
    return np.lib.stride_tricks.as_strided(cell, shape=tuple(shape), strides=(0,) * len(shape), writeable=True)


class MetaBackend(NumpyBackend):
    """Shape-and-dtype-only arrays; reading their values back is refused."""

    type = "meta"
    #: not host memory: moves to and from this device go through asarray / to_host
    host_memory = False

    def asarray(self, data, dtype=None):
        shape = np.shape(data)
        if dtype is None:
            dtype = getattr(data, "dtype", None)
            dtype = np.asarray(data).dtype if dtype is None else dtype
        return placeholder(shape, dtype)

    def to_host(self, array):
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")

    def rand(self, shape, dtype):
        return placeholder(shape, dtype)

    randn = rand

    def randint(self, low, high, shape, dtype):
        return placeholder(shape, dtype)

    def permutation(self, n):
        return placeholder((n,), np.int64)
