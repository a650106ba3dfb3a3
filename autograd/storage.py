"""Tensor storages, as PyTorch's: `t.untyped_storage()` (the bytes of the memory block a tensor's elements live in)
and the deprecated `t.storage()` (the same block seen as elements of the tensor's dtype).

A storage here is a window on the tensor's memory block (the NumPy base chain, strided_views._block), not a copy:
views of one tensor report the same `data_ptr()`, and writes through a storage show in every tensor on the block.
Storages exist for tensors in host memory (the cpu and numba devices).
"""
import warnings

import numpy as np

from .strided_views import _block


def _host_block(who, t):
    if not t._device.host_memory:
        raise RuntimeError(f"{who}: storages are available for tensors in host memory (cpu, numba); this tensor is "
                           f"on {t._device}: call it on t.cpu()")
    data = t._data
    if isinstance(data, np.generic):
        data = t._data = np.array(data)
    return _block(data)[0]


def _index(who, i, size):
    if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
        raise TypeError(f"{who}: index must be an int, got {type(i).__name__}")
    if not -size <= i < size:
        raise IndexError(f"{who}: index {i} is out of range for a storage of size {size}")
    return int(i) % size


def _listing(values, footer):
    return "\n".join(f" {v}" for v in values) + ("\n" if values else "") + footer


class _Storage:
    """What both storage kinds share: a NumPy array over the block (`_array`: bytes or elements) on a device."""

    @property
    def device(self):
        """The device the block lives on."""
        return self._device

    @property
    def is_cuda(self):
        return False

    def size(self):
        """The number of elements (bytes for an untyped storage)."""
        return self._array.size

    def __len__(self):
        return self._array.size

    def nbytes(self):
        """The number of bytes."""
        return self._array.nbytes

    def element_size(self):
        """The bytes per element (1 for an untyped storage)."""
        return self._array.itemsize

    def data_ptr(self):
        """The address of the block's first byte."""
        return self._array.__array_interface__["data"][0]

    def __getitem__(self, i):
        return self._array[_index(type(self).__name__, i, self.size())].item()

    def __setitem__(self, i, value):
        self._array[_index(type(self).__name__, i, self.size())] = value

    def tolist(self):
        """The elements (bytes as ints for an untyped storage) as a list of Python numbers."""
        return self._array.tolist()

    def cpu(self):
        """This storage (it is in host memory already)."""
        return self

    def is_shared(self):
        return False

    def is_pinned(self, device="cuda"):
        return False


class UntypedStorage(_Storage):
    """The bytes of a memory block: size() and nbytes() count bytes, s[i] is one byte (an int), data_ptr() the
    block's first address. UntypedStorage(n) makes a new block of n zero bytes."""

    def __init__(self, size=0, *, device=None):
        import backends
        self._device = backends.get_backend(device if device is not None else "cpu")
        if not self._device.host_memory:
            raise RuntimeError(f"UntypedStorage: storages are available in host memory (cpu, numba), not on "
                               f"{self._device}")
        if not isinstance(size, (int, np.integer)) or size < 0:
            raise TypeError(f"UntypedStorage: size must be a non-negative int (bytes), got {size!r}")
        self._array = np.zeros(int(size), np.uint8)

    @classmethod
    def _of(cls, block, device):
        storage = cls.__new__(cls)
        storage._array, storage._device = block.view(np.uint8) if block.size else np.empty(0, np.uint8), device
        return storage

    def clone(self):
        """A new block holding a copy of these bytes."""
        return UntypedStorage._of(self._array.copy(), self._device)

    def __repr__(self):
        return _listing(self.tolist(), f"[torch.storage.UntypedStorage(device={self._device}) of size {self.size()}]")


class TypedStorage(_Storage):
    """A memory block seen as elements of a dtype (PyTorch's deprecated storage class; `t.storage()` makes one and
    warns as PyTorch does): size() counts elements, s[i] is one element, writes show in the tensors on the block."""

    def __init__(self, *args, **kwargs):
        raise TypeError("TypedStorage: make one with tensor.storage() (PyTorch deprecates constructing them); for "
                        "raw memory use ag.UntypedStorage(nbytes) or tensor.untyped_storage()")

    @classmethod
    def _of(cls, block, device):
        storage = cls.__new__(cls)
        storage._array, storage._device = block, device
        return storage

    @property
    def dtype(self):
        """The dtype the block is seen in."""
        return self._array.dtype

    def untyped(self):
        """The same block as an UntypedStorage."""
        return UntypedStorage._of(self._array, self._device)

    _untyped_storage = property(untyped)

    def __repr__(self):
        footer = (f"[torch.storage.TypedStorage(dtype=torch.{self.dtype}, device={self._device}) of size "
                  f"{self.size()}]")
        return _listing(self.tolist(), footer)


def untyped_storage(self):
    """The bytes of the memory block this tensor's elements live in (shared with its views)."""
    return UntypedStorage._of(_host_block("untyped_storage", self), self._device)


def storage(self):
    """The memory block this tensor lives in, as elements of its dtype (PyTorch's deprecated TypedStorage)."""
    warnings.warn("TypedStorage is deprecated (as in PyTorch). It will be removed in the future and UntypedStorage "
                  "will be the only storage class: use tensor.untyped_storage() instead of tensor.storage()",
                  UserWarning, stacklevel=2)
    return TypedStorage._of(_host_block("storage", self), self._device)


#: the Tensor methods this module adds
TENSOR_METHODS = {"untyped_storage": untyped_storage, "storage": storage}
