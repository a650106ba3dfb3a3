"""Datasets made from other datasets: Subset, ConcatDataset, and random_split (PyTorch's torch.utils.data names)."""
import bisect
import math
import numbers

import numpy as np

import autograd as ag
from autograd.errors import ArgumentError

from .dataset import Dataset


class Subset(Dataset):
    """The examples of `dataset` at positions `indices`, in that order: `subset[i]` is `dataset[indices[i]]`."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices):
        """The examples at `indices` (what a DataLoader asks for one batch), in one `__getitems__` call of the
        underlying dataset when it has one, as PyTorch's Subset."""
        fetch_many = getattr(self.dataset, "__getitems__", None)
        if callable(fetch_many):
            return fetch_many([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]


class ConcatDataset(Dataset):
    """The examples of several datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ArgumentError("ConcatDataset: datasets should not be an empty iterable; give at least one dataset, "
                                "e.g. ConcatDataset([train, extra])")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} examples")
            index += len(self)
        part = bisect.bisect_right(self.cumulative_sizes, index)
        if part == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} examples")
        start = self.cumulative_sizes[part - 1] if part else 0
        return self.datasets[part][index - start]


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping Subsets of the given `lengths` (counts summing to len(dataset), or
    fractions summing to 1, rounded down and the remainder handed out one by one from the first), after a
    random permutation. `generator`: an int seed, a NumPy Generator, an ag.Generator, or a generator object with
    `initial_seed()` (e.g. torch.Generator().manual_seed(42)); the same seed gives the same split (not the
    split PyTorch draws: the permutation comes from NumPy)."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(f, numbers.Real) and not isinstance(f, numbers.Integral) for f in lengths) \
            and math.isclose(sum(lengths), 1.0) and sum(lengths) <= 1.0 + 1e-9:
        if any(f < 0 for f in lengths):
            raise ValueError(f"random_split: fractions must not be negative, got {lengths}")
        counts = [int(math.floor(n * f)) for f in lengths]
        for k in range(n - sum(counts)):
            counts[k % len(counts)] += 1
        lengths = counts
    if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0 for v in lengths) \
            or sum(lengths) != n:
        raise ValueError(f"random_split: lengths must be counts summing to the dataset's {n} examples, or fractions "
                         f"summing to 1; got {lengths} (sum {sum(lengths)})")
    order = rng_from(generator, "random_split").permutation(n).tolist()
    splits, start = [], 0
    for count in lengths:
        splits.append(Subset(dataset, order[start:start + count]))
        start += count
    return splits


def rng_from(generator, who):
    """The stream to draw from for what PyTorch-style code passes as `generator=`: None is the global stream
    (PyTorch's default generator, seeded by ag.manual_seed), an ag.Generator its own stream, an int (or a
    torch.Generator's initial_seed()) a new PyTorch-compatible stream from that seed, a NumPy Generator itself."""
    if generator is None:
        return ag.default_generator.numpy_generator
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, ag.Generator):
        return generator.numpy_generator   # shared, so every use advances the generator, as in PyTorch
    if isinstance(generator, numbers.Integral) and not isinstance(generator, bool):
        return stream_from_seed(int(generator))
    if hasattr(generator, "initial_seed"):
        return stream_from_seed(int(generator.initial_seed()))
    raise TypeError(f"{who}: generator must be None, an int seed, a NumPy Generator, an ag.Generator or an object "
                    f"with initial_seed() (torch.Generator), got {type(generator).__name__}")


def stream_from_seed(seed):
    """A new PyTorch-compatible stream started from `seed`, as torch.Generator().manual_seed(seed)."""
    return ag.Generator().manual_seed(seed).numpy_generator


def seed_from(rng):
    """A non-negative int64 drawn as PyTorch's torch.empty((), dtype=torch.int64).random_() draws it (the
    seeds its samplers and loaders take each epoch); NumPy's own integers from a plain NumPy Generator."""
    if hasattr(rng, "full_range"):       # a PyTorch-compatible stream (backends/torch_stream.py)
        return int(rng.full_range(None, np.int64))
    return int(rng.integers(0, 2 ** 63 - 1))


def _concatenated(self, other):
    """self + other: a ConcatDataset of the two, as PyTorch's Dataset.__add__."""
    return ConcatDataset([self, other])


Dataset.__add__ = _concatenated   # set beside ConcatDataset, which dataset.py cannot import (subsets imports it)
