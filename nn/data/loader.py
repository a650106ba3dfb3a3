"""DataLoader: turns a dataset into batches of Tensors, optionally shuffled, made on the caller's thread, by a
prefetch thread (array slices) or by worker processes (num_workers > 0)."""
import functools
import itertools
import math
import multiprocessing
import multiprocessing.context
import numbers
import os
import queue
import threading
import warnings
from typing import Generic, TypeVar

import numpy as np

import autograd as ag
from autograd.errors import ArgumentKindError

from .collate import (CollateKeyError, MixedBatchError, default_collate, default_convert,  # noqa: F401 (their old home)
                      to_tensors)
from .fetch import MapFetcher, StreamFetcher, columns_of
from .iterable import IterableDataset
from .loader_iterator import LoaderIterator
from .samplers import permuted_indices
from .subsets import rng_from, seed_from, stream_from_seed
from .worker_loop import FetcherFactory
from .worker_pool import WorkerBatches

PREFETCH_DEPTH = 2  # batches made ahead of the consumer
#: a sampler with up to this many indices is read whole when an epoch starts, on the caller's thread (so its draws
#: from the global stream come before the epoch's dropout draws, as in PyTorch); a longer one as batches are made
EAGER_ORDER_LIMIT = 1 << 22


_T_co = TypeVar("_T_co", covariant=True)


class DataLoader(Generic[_T_co]):
    """Iterate over `dataset` in batches of `batch_size` examples; each batch is a list of Tensors for
    tuple or list examples, as PyTorch's (one per field of an example, stacked along a new first axis) on `device`
    (default: the default device). The arguments are PyTorch's, in its positional order; deepgrad's own (`seed`,
    `prefetch`, `transform`, `device`) are keyword-only.

    - `shuffle`: visit the examples in a new random order every epoch, drawn as PyTorch's RandomSampler
      draws it (after the same `ag.manual_seed`, PyTorch's order), or from a stream of the loader's own
      seeded with `seed` (same seed, same sequence of orders).
    - `sampler`: the indices to visit, in order, each epoch (any iterable of ints with a length, e.g.
      `DistributedSampler` for this process's share); replaces `shuffle`.
    - `drop_last`: leave out the final batch when it has fewer than `batch_size` examples.
    - `batch_size=None`: no batching; each example is yielded alone, converted as PyTorch's default_convert
      does (arrays and NumPy scalars become Tensors, tuples lists, Python numbers stay numbers).
    - `batch_sampler`: an iterable of index lists, one per batch (instead of batch_size/shuffle/sampler).
    - `generator`: the shuffle's stream (an ag.Generator, an int seed, a NumPy Generator or a
      torch.Generator: its initial_seed()).
    - `num_workers > 0`: that many worker processes (started with `multiprocessing_context`, a start method's
      name or a context; default: the platform's, fork on Linux) each build whole batches from their own copy of
      the dataset, PyTorch's way: batches are handed out round-robin, `prefetch_factor` (default 2) per worker in
      flight, delivered in sampler order (`in_order=False`: as they are ready); `timeout` seconds without a batch
      raise RuntimeError; `persistent_workers=True` keeps the processes from epoch to epoch; `worker_init_fn(id)`
      runs first in each. Worker i seeds deepgrad's global generator and Python's `random` with the loader's base
      seed + i (NumPy's global generator as PyTorch seeds it), so random draws in `__getitem__` give PyTorch's
      batches; `nn.data.get_worker_info()` tells the dataset which worker it runs in (an IterableDataset is copied
      into every worker: shard it with get_worker_info). A worker's exception is raised here with its type, worker
      id and traceback; a worker that dies raises PyTorch's RuntimeError at once, as PyTorch's SIGCHLD handler
      does (see worker_signals). Workers send NumPy arrays (a Tensor their collate_fn made keeps its dtype,
      requires_grad and Parameter kind; one in a graph cannot cross, as in PyTorch); the Tensors, `transform`,
      `device` and `pin_memory` are made and applied here. Exception (the fast path): batches that are slices of arrays (see `prefetch`) and no
      `worker_init_fn` run no user code, so they are sliced by the prefetch thread instead, with the same results,
      faster than pickling them across processes.
    - `pin_memory`: accepted (host memory needs no pinning; warns as PyTorch's without an accelerator).
    - `collate_fn(list_of_examples)`: builds a batch instead of the default stacking; NumPy arrays in
      what it returns (also inside tuples, lists and dicts) become Tensors.
    - `transform`: a batch transform (see `nn.data.transforms`) applied to the first field, the inputs,
      as one NumPy array.
    - `prefetch`: build the next batches in a background thread while the current one is used, when they are
      slices of arrays (a TensorDataset without collate_fn or batch_sampler); the order is unchanged and stopping
      the loop early shuts the thread down. With num_workers=0, batches that run user code (a dataset's __getitem__
      or iterator, collate_fn, a batch_sampler) are made on the caller's thread, as PyTorch's num_workers=0 makes
      them, so that random draws there come in PyTorch's order and a seeded run repeats.

    A `TensorDataset` (or an `ArrayDataset` without per-example transforms) is sliced a whole batch at a
    time; a dataset with `__getitems__(indices)` gets each batch's index list in one call (PyTorch's batched fetch);
    other datasets are indexed one example at a time. An `IterableDataset` is read in its own order,
    `batch_size` examples per batch (it takes no sampler, batch_sampler or shuffle).
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, seed=None, prefetch=True, transform=None, device=None):
        # PyTorch's positional order; deepgrad's own options (seed, prefetch, transform, device) by keyword only
        if isinstance(sampler, bool):
            raise TypeError(f"DataLoader: the 4th positional argument is `sampler`, as in PyTorch, got "
                            f"{sampler!r}; pass drop_last={sampler!r} by keyword")
        if isinstance(dataset, IterableDataset):
            for name, given in (("shuffle", shuffle or None), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if given is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                     f"{name}={given!r}; a stream is read in its own order (shuffle inside its "
                                     "__iter__ instead)")
        elif not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must define __len__ and __getitem__, got "
                            f"{type(dataset).__name__}; wrap arrays as TensorDataset(x, y)")
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
                                       or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r} (or None for "
                             "single examples)")
        for name, fn in (("collate_fn", collate_fn), ("transform", transform), ("worker_init_fn", worker_init_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"DataLoader: {name} must be callable, got {type(fn).__name__}")
        if not isinstance(num_workers, numbers.Real):   # PyTorch compares it with 0: a TypeError
            raise ArgumentKindError(f"DataLoader: num_workers must be an integer >= 0, got "
                                    f"{type(num_workers).__name__} {num_workers!r}; pass e.g. num_workers=2")
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be an integer >= 0, got {num_workers!r}")
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout must be >= 0 seconds (0: wait as long as it takes), got {timeout!r}")
        if prefetch_factor is not None and (isinstance(prefetch_factor, bool)
                                            or not isinstance(prefetch_factor, numbers.Integral)):
            raise TypeError(f"DataLoader: prefetch_factor must be an int (batches each worker makes ahead), got "
                            f"{type(prefetch_factor).__name__} {prefetch_factor!r}")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError(f"DataLoader: prefetch_factor option should be non-negative (batches each worker makes "
                             f"ahead), got {prefetch_factor}")
        for name, given in (("prefetch_factor", prefetch_factor), ("persistent_workers", persistent_workers or None),
                            ("multiprocessing_context", multiprocessing_context)):
            if given is not None and num_workers == 0:   # options of worker processes, as PyTorch's checks
                raise ValueError(f"DataLoader: {name}={given!r} applies to worker processes only; set num_workers > 0 "
                                 f"or leave {name} out")
        methods = multiprocessing.get_all_start_methods()
        if isinstance(multiprocessing_context, str):
            if multiprocessing_context not in methods:
                raise ValueError(f"DataLoader: multiprocessing_context must name a start method of this platform, one "
                                 f"of {methods}, got {multiprocessing_context!r}")
            multiprocessing_context = multiprocessing.get_context(multiprocessing_context)
        elif multiprocessing_context is not None and not isinstance(multiprocessing_context,
                                                                    multiprocessing.context.BaseContext):
            raise TypeError(f"DataLoader: multiprocessing_context must be a start method's name ({methods}) or a "
                            f"multiprocessing context, got {type(multiprocessing_context).__name__}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: pass either shuffle=True or a sampler (which sets the order itself), not "
                             "both; for a shuffled distributed share use DistributedSampler(dataset, shuffle=True)")
        for name, given in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if given is not None and not (hasattr(given, "__iter__") and hasattr(given, "__len__")):
                what = "indices" if name == "sampler" else "lists of indices"
                raise TypeError(f"DataLoader: {name} must be an iterable of {what} with a length, got "
                                f"{type(given).__name__}")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler gives whole batches of indices, so it cannot be combined with "
                             "batch_size, shuffle, sampler or drop_last; leave those out")
        if batch_size is not None and batch_sampler is None and not isinstance(drop_last, (bool, np.bool_)):
            # a string such as 'no' would read as True and silently drop the last batch
            raise ValueError(f"DataLoader: drop_last should be a boolean value, but got drop_last={drop_last!r}; "
                             f"pass drop_last=True or drop_last=False")
        if batch_size is None and batch_sampler is None and drop_last:
            raise ValueError("DataLoader: batch_size=None turns batching off (one example at a time), so there is no "
                             "last batch for drop_last=True to drop; give a batch_size or leave drop_last out")
        self.dataset, self.sampler, self.batch_sampler = dataset, sampler, batch_sampler
        self.batch_size = None if batch_size is None or batch_sampler is not None else int(batch_size)
        self.shuffle, self.drop_last, self.prefetch = bool(shuffle), bool(drop_last), bool(prefetch)
        if self.shuffle and sampler is None and hasattr(dataset, "__len__") and len(dataset) == 0:
            # PyTorch's shuffling loader builds a RandomSampler here, which refuses an empty dataset
            raise ValueError("DataLoader: shuffle=True needs a dataset with at least one item (num_samples should "
                             "be a positive integer value, but got num_samples=0); check that the dataset's "
                             "__len__ counts its examples")
        self.num_workers, self.worker_init_fn = int(num_workers), worker_init_fn
        self.seed = seed
        self.collate_fn, self.transform = collate_fn, transform
        self.device = device
        self.generator = generator
        self.pin_memory, self.pin_memory_device, self.in_order = bool(pin_memory), pin_memory_device, bool(in_order)
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2   # PyTorch's default, read back as the attribute
        self.timeout, self.persistent_workers, self.prefetch_factor = timeout, persistent_workers, prefetch_factor
        self.multiprocessing_context = multiprocessing_context
        self._base_seed, self._workers = None, None   # persistent workers: drawn once; the processes kept
        self._length_reported = None   # an IterableDataset's __len__, once len(loader) asked for it (PyTorch's warning)
        _warn_if_too_many_workers(self.num_workers, stacklevel=3)
        # seed= (deepgrad's) or generator= gives the loader a stream of its own; without either it draws from
        # the global stream, as PyTorch's does
        self._rng = (rng_from(generator, "DataLoader") if generator is not None
                     else None if seed is None else stream_from_seed(seed))

    def __len__(self):
        """The number of batches per epoch (for an IterableDataset, from its __len__)."""
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        if isinstance(self.dataset, IterableDataset):
            self._length_reported = n
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def check_worker_number_rationality(self):
        """Warn as PyTorch's DataLoader does when `num_workers` exceeds the CPUs this process may use."""
        _warn_if_too_many_workers(self.num_workers, stacklevel=3)

    def __iter__(self):
        # order and device are fixed here, on the caller's thread, before any batch is made
        device = ag.get_default_device() if self.device is None else ag.device(self.device)
        if self.timeout and self.num_workers == 0:   # PyTorch's single-process iterator asserts it
            raise AssertionError(f"DataLoader: timeout={self.timeout!r} applies to worker processes only (PyTorch's "
                                 "single-process loader requires timeout == 0); set num_workers > 0 or leave timeout "
                                 "out")
        if self.num_workers > 0 and self.prefetch_factor == 0:   # PyTorch's multiprocessing iterator asserts it
            raise AssertionError("DataLoader: prefetch_factor must be greater than 0 with worker processes (each "
                                 "worker needs a batch in flight), got prefetch_factor=0; leave it out for 2")
        resumed = self.num_workers > 0 and self.persistent_workers and self._base_seed is not None
        if not resumed:
            # PyTorch draws its workers' base seed here, each epoch (once, with persistent workers), from the
            # loader's generator or the global stream, also without workers: the global stream stays PyTorch's
            self._base_seed = seed_from(self._rng if self._rng is not None else rng_from(None, "DataLoader"))
            if self.pin_memory and self.pin_memory_device:   # PyTorch's notices, each new iterator
                warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                              f"ignore pin_memory_device='{self.pin_memory_device}'.", UserWarning, stacklevel=2)
            if self.pin_memory and not ag.accelerator.is_available():
                warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                              "memory won't be used.", UserWarning, stacklevel=2)
        finish = functools.partial(_finished, self.transform, device)
        if self.num_workers == 0:   # PyTorch's single-process iterator reads its sampler (a shuffle draws its
            # seed from the global stream) at the first next(), not here
            batches = _deferred(functools.partial(self._epoch_batches, finish, resumed))
        else:   # its multiprocessing iterator hands the workers their first indices at once
            batches = self._epoch_batches(finish, resumed)
        return LoaderIterator(batches, self, self._length_reported)

    def _epoch_batches(self, finish, resumed):
        """This epoch's batches: its order drawn, then made in this process or by worker processes."""
        batched = self.batch_size is not None or self.batch_sampler is not None
        order = None
        if isinstance(self.dataset, IterableDataset):
            tasks = itertools.repeat(None)
            make = FetcherFactory(StreamFetcher, self.collate_fn, self.batch_size, self.drop_last, stream=True)
        else:
            order = self._order()
            tasks = self._index_groups(order)
            make = FetcherFactory(MapFetcher, self.collate_fn, batched, self.batch_sampler is None)
        sliced = self._sliced(order)
        if self.num_workers > 0 and not (sliced and self.worker_init_fn is None):
            return self._worker_batches(tasks, make, finish, resumed)
        batches = _made(make(self.dataset), tasks, finish, make.stream)
        return _prefetched(batches) if self.prefetch and sliced else batches

    def _worker_batches(self, tasks, make, finish, resumed):
        """This epoch's batches from worker processes: the persistent ones of earlier epochs, or new ones."""
        if resumed and self._workers is not None and not self._workers.closed:
            return self._workers.begin(tasks, finish, resume=True)
        _warn_if_too_many_workers(self.num_workers, stacklevel=4)
        context = self.multiprocessing_context or multiprocessing.get_context()
        workers = WorkerBatches(context, self.dataset, make, self.num_workers, self._base_seed, self.worker_init_fn,
                                self.prefetch_factor, self.in_order, self.timeout, self.persistent_workers)
        if self.persistent_workers:
            self._workers = workers
        return workers.begin(tasks, finish)

    def _sliced(self, order):
        """Whether this epoch's batches are slices of arrays, made by no user code (no __getitem__, iterator,
        collate_fn, batch_sampler or lazily read sampler), and so may be made ahead on another thread: user code
        may draw from the global stream (minGPT's SortDataset draws each example), and those draws must come on
        the caller's thread, between the training step's own, in PyTorch's order (num_workers=0)."""
        return (not isinstance(self.dataset, IterableDataset) and self.collate_fn is None
                and self.batch_size is not None and self.batch_sampler is None
                and (order is None or isinstance(order, np.ndarray)) and columns_of(self.dataset) is not None)

    def _order(self):
        """This epoch's example order: the sampler's, a permutation when shuffling, else None (0, 1, 2, ...)."""
        if self.sampler is not None:
            indices = iter(self.sampler)
            if len(self.sampler) > EAGER_ORDER_LIMIT:   # an "endless" sampler: read as the batches are made
                return indices
            return np.fromiter(indices, dtype=np.int64, count=len(self.sampler))
        if not self.shuffle:
            return None
        return permuted_indices(self._rng, len(self.dataset), len(self.dataset))   # PyTorch's RandomSampler

    def _index_groups(self, order):
        """Each batch's indices: a slice of 0, 1, 2, ... or an array of positions."""
        if self.batch_sampler is not None:
            yield from (np.asarray(list(group), dtype=np.int64) for group in self.batch_sampler)
            return
        size = 1 if self.batch_size is None else self.batch_size
        if order is not None and not isinstance(order, np.ndarray):   # a long sampler's iterator
            for _ in range(len(self)):
                yield np.fromiter(itertools.islice(order, size), dtype=np.int64)
            return
        n = len(self.dataset) if order is None else len(order)
        for start in range(0, len(self) * size, size):
            stop = min(start + size, n)
            yield slice(start, stop) if order is None else order[start:stop]

    def __repr__(self):
        return (f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, seed={self.seed}, prefetch={self.prefetch}"
                + (f", sampler={self.sampler!r})" if self.sampler is not None else ")"))


def _transform_inputs(batch, transform):
    if isinstance(batch, tuple):
        return (transform(batch[0]),) + batch[1:]
    if isinstance(batch, list):
        return [transform(batch[0])] + batch[1:]
    return transform(batch)


def _finished(transform, device, batch):
    """A batch as the loader yields it: `transform` applied to its inputs, its arrays made Tensors on `device`."""
    if transform is not None:
        batch = _transform_inputs(batch, transform)
    return to_tensors(batch, device)


def _made(fetch, tasks, finish, stream):
    """The batches `fetch` builds on this thread, one per task (until the stream ends, for an IterableDataset)."""
    for index in tasks:
        if stream:
            try:
                batch = fetch(index)
            except StopIteration:
                return
        else:
            batch = fetch(index)
        yield finish(batch)


def _warn_if_too_many_workers(num_workers, stacklevel):
    """PyTorch's warning when a loader would start more worker processes than this process may use CPUs."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if num_workers and (cpus is None or num_workers > cpus):
        unchecked = "" if hasattr(os, "sched_getaffinity") else " (`cpuset` is not taken into account)"
        suggestion = (f"Our suggested max number of worker in current system is {cpus}{unchecked}, which is smaller "
                      "than what this DataLoader is going to create." if cpus is not None else
                      "DataLoader is not able to compute a suggested max number of worker in current system.")
        warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. {suggestion} Please be "
                      "aware that excessive worker creation might get DataLoader running slow or even freeze, lower "
                      "the worker number to avoid potential slowness/freeze if necessary.", UserWarning,
                      stacklevel=stacklevel)


_BATCH, _END, _ERROR = "batch", "end", "error"


def _deferred(make):
    """Yield what make() returns, calling it at the first next()."""
    yield from make()


def _prefetched(batches):
    """Yield what `batches` yields, in order, while a daemon thread works up to PREFETCH_DEPTH items ahead.

    The thread starts at the first next() and is stopped and joined when the loop ends, breaks or raises.
    """
    ready = queue.Queue(maxsize=PREFETCH_DEPTH)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for batch in batches:
                if not put((_BATCH, batch)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put((_ERROR, exc))

    worker = threading.Thread(target=produce, name="DataLoader-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, payload = ready.get()
            if kind == _END:
                return
            if kind == _ERROR:
                raise payload
            yield payload
    finally:
        stop.set()
        worker.join()
