"""Stream-style datasets (PyTorch's IterableDataset and ChainDataset) and get_worker_info.

An IterableDataset yields its examples from `__iter__` instead of being indexed; a DataLoader groups what it
yields into batches of `batch_size` (no sampler, no shuffle: the order is the stream's).
"""
import itertools

from .dataset import Dataset
from .worker_info import get_worker_info  # noqa: F401 (imported from here by torch-style code)


class IterableDataset(Dataset):
    """A dataset that is a stream of examples: subclass it and define `__iter__` (and `__len__` if the stream
    has a known length, which `len(DataLoader(...))` then uses). `a + b` chains two of them (ChainDataset)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__}: an IterableDataset must define __iter__ to yield its "
                                  "examples")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} is an IterableDataset: its examples are read by "
                                  "iterating over it (for example in iter(dataset)), not by index")

    def __len__(self):
        raise TypeError(f"object of type '{type(self).__name__}' has no len(): it is an IterableDataset without a "
                        "__len__; define __len__ on it if the stream's length is known")

    def __add__(self, other):
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """Several IterableDatasets one after the other, as one stream."""

    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __iter__(self):
        return itertools.chain.from_iterable(self.datasets)

    def __len__(self):
        return sum(len(d) for d in self.datasets)
