"""torch.utils.dlpack's to_dlpack / from_dlpack (also torch.to_dlpack / torch.from_dlpack): zero-copy exchange
of tensors with PyTorch, NumPy, CuPy, JAX through DLPack.

to_dlpack gives a DLPack capsule (a PyCapsule named "dltensor") over the tensor's memory; from_dlpack takes such a
capsule, or any object with __dlpack__ (a PyTorch tensor, a NumPy or CuPy array), and returns a deepgrad tensor
sharing its memory. A capsule can be consumed once, as PyTorch says. NumPy's own from_dlpack takes only objects,
so a capsule is wrapped in one that hands it over, its device read from the DLTensor inside it; and NumPy makes
the arrays of unversioned capsules (PyTorch's to_dlpack gives those) read-only, which PyTorch does not: those get
a writable array over the same memory.
"""
import ctypes

import numpy as np

from .creation import from_dlpack as _from_protocol
from .ops.dims import check_tensor

_GET_NAME = ctypes.pythonapi.PyCapsule_GetName
_GET_NAME.restype, _GET_NAME.argtypes = ctypes.c_char_p, [ctypes.py_object]
_GET_POINTER = ctypes.pythonapi.PyCapsule_GetPointer
_GET_POINTER.restype, _GET_POINTER.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
#: where the DLTensor (its data pointer, then the DLDevice pair of int32) sits in the managed struct: first in
#: DLManagedTensor; after the version, manager context, deleter and flags in DLManagedTensorVersioned
_DLTENSOR_AT = {b"dltensor": 0, b"dltensor_versioned": 8 + 3 * ctypes.sizeof(ctypes.c_void_p)}


class _CapsuleSource:
    """A DLPack producer over a capsule: its __dlpack__ hands the capsule over (once)."""

    def __init__(self, capsule, device):
        self._capsule, self._device = capsule, device

    def __dlpack__(self, *args, **kwargs):
        capsule, self._capsule = self._capsule, None
        if capsule is None:
            raise RuntimeError("from_dlpack: this DLPack capsule was already consumed")
        return capsule

    def __dlpack_device__(self):
        return self._device


def _capsule_device(capsule):
    name = _GET_NAME(capsule)
    if name not in _DLTENSOR_AT:
        raise RuntimeError(f"from_dlpack received an invalid capsule (named {name!r}). Note that DLTensor capsules "
                           f"can be consumed only once, so you might have already constructed a tensor from it once.")
    managed = _GET_POINTER(capsule, name)
    device = (ctypes.c_int32 * 2).from_address(managed + _DLTENSOR_AT[name] + ctypes.sizeof(ctypes.c_void_p))
    return int(device[0]), int(device[1])


def _writable(array):
    """array, or a writable array over the same memory when NumPy made it read-only only because the capsule
    was unversioned (a legacy DLPack capsule cannot say, and PyTorch's to_dlpack makes those); the new array
    keeps `array` (and so the producer's memory) alive."""
    if array.flags.writeable or type(array.base).__name__ != "PyCapsule" or min(array.strides, default=0) < 0:
        return array
    span = sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + array.itemsize if array.size else 1
    memory = (ctypes.c_char * span).from_address(array.__array_interface__["data"][0])
    memory.owner = array
    return np.lib.stride_tricks.as_strided(np.frombuffer(memory, dtype=array.dtype), array.shape, array.strides)


def from_dlpack(ext_tensor, device=None):
    """A tensor sharing memory with `ext_tensor`: a DLPack capsule (from to_dlpack, torch.utils.dlpack.to_dlpack,
    ...) or an object with __dlpack__ (PyTorch tensors, NumPy and CuPy arrays). No copy."""
    if type(ext_tensor).__name__ == "PyCapsule":
        ext_tensor = _CapsuleSource(ext_tensor, _capsule_device(ext_tensor))
    elif not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack: expected a DLPack capsule or an object with __dlpack__ (a tensor or array), "
                        f"got {type(ext_tensor).__name__}")
    out = _from_protocol(ext_tensor, device=device)
    if isinstance(out._data, np.ndarray):
        out._data = _writable(out._data)
    return out


def to_dlpack(tensor):
    """A DLPack capsule over the tensor's memory (consumed once by torch.from_dlpack, ag.from_dlpack, ...). The
    tensor's graph is not carried: the capsule holds its values."""
    check_tensor("to_dlpack", tensor)
    data = tensor._data
    if isinstance(data, np.generic):   # a NumPy scalar (some 0-d results) has no memory to share
        data = np.asarray(data)
    return data.__dlpack__()
