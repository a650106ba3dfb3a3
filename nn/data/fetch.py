"""Building one batch as NumPy arrays from a dataset: what a DataLoader runs on the caller's thread (num_workers=0)
and in each worker process (num_workers > 0). Tensors are made from the arrays afterwards, on the main process."""
import itertools

import numpy as np

from .collate import collate_arrays, convert_arrays
from .dataset import TensorDataset
from .datasets.base import ArrayDataset


def columns_of(dataset):
    """The arrays to slice whole batches from, or None when the dataset must be indexed example by example."""
    if type(dataset) is TensorDataset:
        return dataset.arrays
    if (isinstance(dataset, ArrayDataset) and type(dataset).__getitem__ is ArrayDataset.__getitem__
            and dataset.transform is None and dataset.target_transform is None):
        return (dataset.data, dataset.targets)
    return None


class MapFetcher:
    """The batch of an indexable dataset at a group of positions (a slice or an array of them): the examples
    collated (by `collate_fn`, or default_collate), or, with `batched=False`, the one example converted (PyTorch's
    default_convert). A dataset with a `__getitems__` gets the whole list of positions in one call, as PyTorch's
    batched fetch (not with `batched=False`). A TensorDataset without collate_fn is sliced a whole batch at a time
    (same values)."""

    def __init__(self, dataset, collate_fn, batched, sliceable):
        self.dataset, self.collate_fn, self.batched = dataset, collate_fn, batched
        self.columns = columns_of(dataset) if sliceable and collate_fn is None and batched else None

    def __call__(self, index):
        if self.columns is not None:
            return [np.array(c[index]) for c in self.columns]   # a list, as PyTorch's collation of tuples
        positions = list(range(len(self.dataset))[index]) if isinstance(index, slice) else index.tolist()
        if not self.batched:   # no batching: one example at a time
            (position,) = positions
            example = self.dataset[position]
            return self.collate_fn(example) if self.collate_fn is not None else convert_arrays(example)
        fetch_many = getattr(self.dataset, "__getitems__", None)
        examples = fetch_many(positions) if fetch_many else [self.dataset[i] for i in positions]
        return self.collate_fn(examples) if self.collate_fn is not None else collate_arrays(examples)


class StreamFetcher:
    """The next batch of an IterableDataset's stream, started with iter(dataset) when the fetcher is made:
    `batch_size` examples collated (fewer at the end, none with `drop_last`), or one example converted when
    `batch_size` is None. Raises StopIteration once the stream is exhausted."""

    def __init__(self, dataset, collate_fn, batch_size, drop_last):
        self.stream, self.collate_fn = iter(dataset), collate_fn
        self.batch_size, self.drop_last, self.ended = batch_size, drop_last, False

    def __call__(self, index=None):
        if self.ended:
            raise StopIteration
        if self.batch_size is None:
            example = next(self.stream)
            return self.collate_fn(example) if self.collate_fn is not None else convert_arrays(example)
        examples = list(itertools.islice(self.stream, self.batch_size))
        self.ended = len(examples) < self.batch_size
        if not examples or (self.drop_last and len(examples) < self.batch_size):
            raise StopIteration
        return self.collate_fn(examples) if self.collate_fn is not None else collate_arrays(examples)
