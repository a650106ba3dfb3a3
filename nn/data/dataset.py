"""Dataset, the indexable collection of examples a DataLoader batches, and TensorDataset over arrays."""
from abc import ABC, abstractmethod
from typing import Generic, TypeVar

import numpy as np

from autograd import Tensor
from autograd.errors import ArgumentError, DimRangeError


_T_co = TypeVar("_T_co", covariant=True)


class Dataset(ABC, Generic[_T_co]):
    """A collection of examples: `len(dataset)` of them, `dataset[i]` the i-th (a tuple or a single array);
    generic in the example's type, as PyTorch's (`class Pairs(Dataset[tuple[Tensor, int]])`).

    Subclass it and define `__len__` and `__getitem__`; a DataLoader turns the examples into batches.
    """

    @abstractmethod
    def __len__(self):
        """The number of examples."""

    @abstractmethod
    def __getitem__(self, index):
        """The example at position `index` (0 <= index < len(self))."""


class IndexKindError(IndexError, TypeError):
    """An index of the wrong kind (a string, a float): an IndexError, as deepgrad raised before, and a TypeError as
    PyTorch raises for it."""


class TensorDataset(Dataset):
    """Examples made of rows of equally long arrays: `dataset[i]` is `(a[i], b[i], ...)`, as Tensors (PyTorch's
    TensorDataset gives tensors too; `index` may also be a slice, a list or an integer Tensor).

    Accepts NumPy arrays, Tensors (copied to host memory) or anything `np.asarray` takes. `arrays` holds
    them as NumPy arrays, which lets a DataLoader slice whole batches at once; `tensors` gives them as Tensors.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: give at least one array, e.g. TensorDataset(x, y)")
        self.arrays = tuple(_host_array(a, k) for k, a in enumerate(arrays))
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) > 1:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ArgumentError(f"TensorDataset: the arrays have different numbers of rows ({shapes}); every array "
                                "needs one row per example")

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.numpy()
        if isinstance(index, (str, bytes, float)):   # PyTorch's tensor indexing refuses them with a TypeError
            raise IndexKindError(f"TensorDataset: index {index!r:.40} is not an index; use an int, a slice, a list "
                                 f"or an integer tensor (valid indices are 0 to {len(self) - 1})")
        try:
            return tuple(Tensor(a[index]) for a in self.arrays)
        except IndexError as error:
            raise IndexError(f"TensorDataset: index {index!r:.40} is out of range for a dataset of {len(self)} "
                             f"examples ({error}); valid indices are 0 to {len(self) - 1}") from None

    @property
    def tensors(self):
        """The arrays as Tensors (on the default device), one per field, as PyTorch's `dataset.tensors`."""
        return tuple(Tensor(a) for a in self.arrays)

    def __repr__(self):
        fields = ", ".join(f"{a.dtype}{a.shape}" for a in self.arrays)
        return f"TensorDataset({len(self)} examples: {fields})"


def _host_array(data, position):
    array = np.asarray(data)   # a Tensor's host values, bfloat16 ones too (numpy() refuses those)
    if array.ndim == 0:
        raise DimRangeError(f"TensorDataset: array {position} is a scalar ({array!r}); each array needs a first "
                            "axis with one row per example")
    return array
