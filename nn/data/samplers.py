"""PyTorch's index samplers (torch.utils.data): the order in which a DataLoader visits a dataset's examples.

    loader = DataLoader(dataset, batch_size=32, sampler=WeightedRandomSampler(weights, len(weights)))
    loader = DataLoader(dataset, batch_sampler=BatchSampler(RandomSampler(dataset), 32, drop_last=True))

A sampler given `generator=` (an int seed, a NumPy Generator, ag.Generator or torch.Generator) draws every
epoch from that one stream, so epochs differ and a re-seeded run repeats; without one, its draws come from
deepgrad's global stream, so `ag.manual_seed` makes them repeatable. The draws are PyTorch's: after the same
seed (or from an ag.Generator seeded alike), the samplers give PyTorch's indices.
"""
import math
import numbers
from typing import Generic, TypeVar

import numpy as np

import autograd as ag
from autograd.errors import ArgumentKindError, ArgumentRangeError

from .subsets import rng_from, seed_from, stream_from_seed


_T_co = TypeVar("_T_co", covariant=True)


class Sampler(Generic[_T_co]):
    """Base class: a sampler is an iterable of dataset indices (or of lists of them) with a length; generic in
    what it yields, as PyTorch's (`class MySampler(Sampler[list[int]])`)."""

    def __iter__(self):
        raise TypeError(f"{type(self).__name__} must define __iter__, yielding dataset indices")


def _positive_int(op, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{op}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _flag(op, name, value, error=ValueError):
    if not isinstance(value, bool):
        raise error(f"{op}: {name} must be True or False, got {value!r}")
    return value


def _stream(generator):
    """The stream for one epoch: the sampler's own, or (as PyTorch's RandomSampler) a new one seeded from
    the global stream."""
    if generator is not None:
        return generator
    return stream_from_seed(seed_from(rng_from(None, "RandomSampler")))


def permuted_indices(generator, n, count):
    """One epoch of PyTorch's RandomSampler without replacement: `count` indices of range(n) from whole
    permutations, then the start of one more (drawn even when none of it is needed, as PyTorch's), from
    `generator`'s stream or, without one, a new stream seeded from the global stream."""
    rng = _stream(generator)
    order = [rng.permutation(n) for _ in range(count // n + 1 if n else 1)]
    return np.concatenate(order)[:count]


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of the indices: without `replacement`, whole permutations (and the start of one more
    when `num_samples` exceeds the dataset); with it, `num_samples` independent uniform draws."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = _flag("RandomSampler", "replacement", replacement, TypeError)
        self._num_samples = None if num_samples is None else _positive_int("RandomSampler", "num_samples",
                                                                           num_samples)
        self.generator = generator
        self._rng = None if generator is None else rng_from(generator, "RandomSampler")
        if self.num_samples <= 0:   # PyTorch refuses an empty dataset here, not at the first epoch
            raise ValueError("RandomSampler: the dataset is empty, so there is nothing to sample (num_samples should "
                             "be a positive integer value, but got num_samples=0); give it at least one item")

    @property
    def num_samples(self):
        """How many indices one epoch yields (the dataset's length unless given)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, count = len(self.data_source), self.num_samples
        if n == 0:
            raise ValueError("RandomSampler: the dataset is empty, so there is nothing to sample")
        if self.replacement:
            # the stream is chosen (and a global draw made) now; the indices come as the loader asks for them,
            # so an "endless" num_samples (minGPT's 1e10) costs no memory
            return _uniform_draws(_stream(self._rng), n, count)
        return iter(permuted_indices(self._rng, n, count).tolist())

    def __len__(self):
        return self.num_samples


def _uniform_draws(rng, n, count, chunk=32):
    """`count` uniform indices of range(n) from `rng`, drawn `chunk` at a time (PyTorch's RandomSampler with
    replacement: whole chunks of 32, then the remainder, drawn even when it is empty)."""
    for _ in range(count // chunk):
        yield from rng.integers(0, n, chunk).tolist()
    yield from rng.integers(0, n, count % chunk).tolist()


class SubsetRandomSampler(Sampler):
    """The given `indices` in a new random order every epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator
        self._rng = None if generator is None else rng_from(generator, "SubsetRandomSampler")

    def __iter__(self):
        rng = self._rng if self._rng is not None else rng_from(None, "SubsetRandomSampler")
        order = rng.permutation(len(self.indices))
        return iter([self.indices[i] for i in order.tolist()])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices into `weights`, index i drawn with probability weights[i] / sum(weights) (weights
    need not sum to 1); without `replacement` each index at most once (weight-0 indices last)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        op = "WeightedRandomSampler"
        self.num_samples = _positive_int(op, "num_samples", num_samples)
        self.replacement = _flag(op, "replacement", replacement)
        if isinstance(weights, (str, bytes)):   # PyTorch's as_tensor refuses it: a TypeError
            raise ArgumentKindError(f"{op}: weights must be a sequence of numbers, one per example, got "
                                    f"{type(weights).__name__} {weights!r}")
        values = np.asarray(weights.numpy() if isinstance(weights, ag.Tensor) else weights, dtype=np.float64)
        if values.ndim != 1:
            raise ValueError(f"{op}: weights must be a 1-D sequence with one weight per example, got shape "
                             f"{values.shape}")
        # these two are RuntimeErrors in PyTorch (torch.multinomial refuses them), ValueErrors as before too
        if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
            raise ArgumentRangeError(f"{op}: weights must be finite and non-negative with a positive sum; got min "
                             f"{values.min() if values.size else None}, sum {values.sum()}")
        if not self.replacement and self.num_samples > len(values):
            raise ArgumentRangeError(f"{op}: without replacement num_samples ({self.num_samples}) cannot exceed the number "
                             f"of weights ({len(values)}); lower num_samples or pass replacement=True")
        self.weights = ag.tensor(values, device="cpu")
        self._p = values / values.sum()
        self.generator = generator
        self._rng = None if generator is None else rng_from(generator, op)

    def __iter__(self):
        if self.generator is None or isinstance(self.generator, ag.Generator):    # PyTorch's draw: multinomial
            return iter(ag.multinomial(self.weights, self.num_samples, self.replacement,
                                       generator=self.generator).tolist())
        rng = _stream(self._rng)
        if self.replacement:
            return iter(rng.choice(len(self._p), self.num_samples, replace=True, p=self._p).tolist())
        # as torch.multinomial: the examples with weight 0 come only once the others are used up, in random order
        nonzero, zero = np.flatnonzero(self._p), np.flatnonzero(self._p == 0)
        first = rng.choice(nonzero, min(self.num_samples, len(nonzero)), replace=False, p=self._p[nonzero])
        rest = rng.permutation(zero)[:self.num_samples - len(first)]
        return iter(np.concatenate([first, rest]).tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of `batch_size` (the last one shorter unless `drop_last`)."""

    def __init__(self, sampler, batch_size, drop_last):
        if not hasattr(sampler, "__iter__"):
            raise TypeError(f"BatchSampler: sampler must be an iterable of indices, got {type(sampler).__name__}")
        self.sampler = sampler
        self.batch_size = _positive_int("BatchSampler", "batch_size", batch_size)
        self.drop_last = _flag("BatchSampler", "drop_last", drop_last)

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
