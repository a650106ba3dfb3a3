"""DataLoader: turns a dataset into batches of Tensors, optionally shuffled, assembled in a background thread."""
import functools
import itertools
import math
import multiprocessing
import numbers
import queue
import threading
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor

from .dataset import TensorDataset
from .iterable import IterableDataset
from .datasets.base import ArrayDataset
from .samplers import permuted_indices
from .subsets import rng_from, seed_from, stream_from_seed
from autograd.errors import ArgumentKindError, ShapeError

PREFETCH_DEPTH = 2  # batches made ahead of the consumer
#: a sampler with up to this many indices is read whole when an epoch starts, on the caller's thread (so its draws
#: from the global stream come before the epoch's dropout draws, as in PyTorch); a longer one as batches are made
EAGER_ORDER_LIMIT = 1 << 22


class DataLoader:
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
    - `num_workers`, `pin_memory`, `persistent_workers`, `prefetch_factor`, `timeout`: accepted for PyTorch
      code; batches are made by the one prefetch thread (`worker_init_fn(0)` runs first on it when
      num_workers > 0), never in other processes.
    - `collate_fn(list_of_examples)`: builds a batch instead of the default stacking; NumPy arrays in
      what it returns (also inside tuples, lists and dicts) become Tensors.
    - `transform`: a batch transform (see `nn.data.transforms`) applied to the first field, the inputs,
      as one NumPy array.
    - `prefetch`: build the next batches in a background thread while the current one is used, when they are
      slices of arrays (a TensorDataset without collate_fn or batch_sampler); the order is unchanged and stopping
      the loop early shuts the thread down. Batches that run user code (a dataset's __getitem__ or iterator,
      collate_fn, a batch_sampler) are made on the caller's thread, as PyTorch's num_workers=0 makes them, so
      that random draws there come in PyTorch's order and a seeded run repeats.

    A `TensorDataset` (or an `ArrayDataset` without per-example transforms) is sliced a whole batch at a
    time; other datasets are indexed one example at a time. An `IterableDataset` is read in its own order,
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
        for name, given in (("prefetch_factor", prefetch_factor), ("persistent_workers", persistent_workers or None),
                            ("multiprocessing_context", multiprocessing_context)):
            if given is not None and num_workers == 0:   # options of worker processes, as PyTorch's checks
                raise ValueError(f"DataLoader: {name}={given!r} applies to worker processes only; set num_workers > 0 "
                                 f"or leave {name} out")
        methods = multiprocessing.get_all_start_methods()
        if isinstance(multiprocessing_context, str) and multiprocessing_context not in methods:
            raise ValueError(f"DataLoader: multiprocessing_context must name a start method of this platform, one of "
                             f"{methods}, got {multiprocessing_context!r}")
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
        self.num_workers, self.worker_init_fn = int(num_workers), worker_init_fn
        self.seed = seed
        self.collate_fn, self.transform = collate_fn, transform
        self.device = device
        self.generator = generator
        # PyTorch's worker and pinning options, kept for code that reads them back (one process here, in order)
        self.pin_memory, self.pin_memory_device, self.in_order = bool(pin_memory), pin_memory_device, bool(in_order)
        self.timeout, self.persistent_workers, self.prefetch_factor = timeout, persistent_workers, prefetch_factor
        self.multiprocessing_context = multiprocessing_context
        # seed= (deepgrad's) or generator= gives the loader a stream of its own; without either it draws from
        # the global stream, as PyTorch's does
        self._rng = (rng_from(generator, "DataLoader") if generator is not None
                     else None if seed is None else stream_from_seed(seed))

    def __len__(self):
        """The number of batches per epoch (for an IterableDataset, from its __len__)."""
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        # order and device are fixed here, on the caller's thread, before any batch is made
        device = ag.get_default_device() if self.device is None else ag.device(self.device)
        # PyTorch draws its workers' base seed here, each epoch, from the loader's generator or the global
        # stream; drawing it too keeps the global stream (dropout, the shuffle) in step with PyTorch's
        seed_from(self._rng if self._rng is not None else rng_from(None, "DataLoader"))
        if self.pin_memory and not ag.accelerator.is_available():   # PyTorch's notice, each epoch
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", UserWarning, stacklevel=2)
        order = None
        if isinstance(self.dataset, IterableDataset):
            batches = self._stream_batches(device)
        else:
            order = self._order()
            batches = self._batches(order, device)
        if self.worker_init_fn is not None and self.num_workers > 0:
            batches = _after(lambda: self.worker_init_fn(0), batches)  # one worker: the prefetch thread
        return _prefetched(batches) if self.prefetch and self._sliced(order) else batches

    def _sliced(self, order):
        """Whether this epoch's batches are slices of arrays, made by no user code (no __getitem__, iterator,
        collate_fn, batch_sampler or lazily read sampler), and so may be made ahead on another thread: user code
        may draw from the global stream (minGPT's SortDataset draws each example), and those draws must come on
        the caller's thread, between the training step's own, in PyTorch's order (num_workers=0)."""
        return (not isinstance(self.dataset, IterableDataset) and self.collate_fn is None
                and self.batch_size is not None and self.batch_sampler is None
                and (order is None or isinstance(order, np.ndarray)) and _columns(self.dataset) is not None)

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

    def _batches(self, order, device):
        columns = _columns(self.dataset) if self.collate_fn is None and self.batch_size is not None else None
        for index in self._index_groups(order):
            if columns is not None:
                batch = [np.array(c[index]) for c in columns]   # a list, as PyTorch's collation of tuples
            elif self.batch_size is None and self.batch_sampler is None:   # no batching: one example at a time
                (position,) = range(len(self.dataset))[index] if isinstance(index, slice) else index.tolist()
                example = self.dataset[position]
                batch = self.collate_fn(example) if self.collate_fn is not None else _converted(example)
            else:
                positions = range(len(self.dataset))[index] if isinstance(index, slice) else index.tolist()
                examples = [self.dataset[i] for i in positions]
                batch = self.collate_fn(examples) if self.collate_fn is not None else _collate(examples, None)
            if self.transform is not None:
                batch = _transform_inputs(batch, self.transform)
            yield _to_tensors(batch, device)

    def _stream_batches(self, device):
        """The batches of an IterableDataset: what its iterator yields, `batch_size` examples at a time."""
        stream = iter(self.dataset)
        while True:
            if self.batch_size is None:
                example = next(stream, _DONE)
                if example is _DONE:
                    return
                batch = self.collate_fn(example) if self.collate_fn is not None else _converted(example)
            else:
                examples = [e for e in itertools.islice(stream, self.batch_size)]
                if not examples or (self.drop_last and len(examples) < self.batch_size):
                    return
                batch = self.collate_fn(examples) if self.collate_fn is not None else _collate(examples, None)
            if self.transform is not None:
                batch = _transform_inputs(batch, self.transform)
            yield _to_tensors(batch, device)

    def __repr__(self):
        return (f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, seed={self.seed}, prefetch={self.prefetch}"
                + (f", sampler={self.sampler!r})" if self.sampler is not None else ")"))


class CollateKeyError(ValueError, KeyError):
    """Dict examples whose keys differ: a ValueError, as deepgrad raised before, and a KeyError as PyTorch's
    default_collate raises (looking up the first example's key in another); shown as plain text."""

    def __str__(self):
        return str(self.args[0])


class MixedBatchError(ShapeError, TypeError):
    """Tensor examples mixed with other values: a ShapeError, as deepgrad raised before, and a TypeError as
    PyTorch's default_collate raises (torch.stack of a non-tensor)."""


def default_collate(examples):
    """Stack a list of examples into one batch, field by field and recursively, as PyTorch's default_collate:
    arrays, Tensors and numbers become one Tensor with a new first axis (Python floats float64, ints int64);
    tuples and lists of fields give a list (a namedtuple stays that namedtuple, a list subclass its type),
    dicts the same kind of dict, strings a list of the strings."""
    return _to_tensors(_collate(examples, None), None)


def default_convert(example):
    """One example's arrays and NumPy scalars as Tensors, without batching, as PyTorch's default_convert (what
    DataLoader(batch_size=None) yields): a tuple becomes a list, Python numbers and strings stay as they are."""
    return _to_tensors(_converted(example), None)


def _collate(values, field):
    first = values[0]
    if isinstance(first, (str, bytes)):
        return values    # as PyTorch: the list of examples, or the tuple of a field of tuple/list examples
    if isinstance(first, dict):
        keys = set(first)
        if any(not isinstance(v, dict) or set(v) != keys for v in values):
            other = next(sorted(map(str, set(v) ^ keys)) for v in values if isinstance(v, dict) and set(v) != keys)
            raise CollateKeyError(f"DataLoader: field {_name(field)} is a dict whose keys differ across the examples "
                                  f"of one batch (keys {sorted(map(str, keys))} and {other} differ); give every "
                                  "example the same keys, or pass a collate_fn")
        fields = {key: _collate([v[key] for v in values], _join(field, key)) for key in first}
        return _same_kind(first, fields, lambda kind: kind(fields))
    if isinstance(first, (tuple, list)):
        if any(not isinstance(v, (tuple, list)) or len(v) != len(first) for v in values):
            lengths = sorted({len(v) if isinstance(v, (tuple, list)) else -1 for v in values})
            raise ShapeError(f"DataLoader: examples have different numbers of fields in {_name(field)} "
                             f"({lengths}); each element in the batch should be of equal size: every example "
                             "needs the same fields, or pass a collate_fn")
        fields = [_collate(tuple(v[k] for v in values), _join(field, k)) for k in range(len(first))]
        if hasattr(first, "_fields"):          # a namedtuple keeps its type
            return type(first)(*fields)
        if isinstance(first, tuple) or type(first) is list:
            return fields                     # PyTorch gives a list for tuples too
        return _same_kind(first, fields, lambda kind: kind(fields))
    if isinstance(first, (Tensor, np.ndarray, numbers.Number, np.generic)):
        odd = next((v for v in values if not isinstance(v, (Tensor, np.ndarray, numbers.Number, np.generic))), None)
        if odd is not None:   # NumPy would read a string as a 0-d array and blame the shapes
            where = "the examples" if field is None else f"field {field!r} of the examples"
            raise TypeError(f"DataLoader: default_collate cannot batch {where}: they mix {type(first).__name__} and "
                            f"{type(odd).__name__} values; give every example the same kind of value, or pass a "
                            "collate_fn")
        if isinstance(first, Tensor) and not all(isinstance(v, Tensor) for v in values):
            odd = next(v for v in values if not isinstance(v, Tensor))
            where = "the examples" if field is None else f"field {field!r} of the examples"
            raise MixedBatchError(f"DataLoader: default_collate cannot stack {where}: expected a Tensor as every "
                                  f"element, got Tensor and {type(odd).__name__}; make every example a Tensor (or "
                                  "none), or pass a collate_fn")
        return _stack(values, field)
    where = "the example" if field is None else f"field {field!r}"
    forgot = " (does the dataset's __getitem__ miss a return?)" if first is None and field is None else ""
    raise TypeError(f"DataLoader: {where} holds {type(first).__name__}{forgot}, which default_collate cannot batch "
                    "(it takes arrays, Tensors, numbers, strings, and tuples, lists and dicts of them); pass a "
                    "collate_fn")


def _same_kind(first, fields, build):
    """`fields` rebuilt as first's container type where that type can be made from them, else as the plain
    dict or list (PyTorch's fallback)."""
    if type(first) in (dict, list):
        return fields
    try:
        return build(type(first))
    except TypeError:
        return fields


def _join(field, key):
    return key if field is None else f"{field}.{key}" if isinstance(field, str) else f"{field}[{key!r}]"


def _name(field):
    return "the example" if field is None else repr(field)


def _converted(example):
    """One example as batch_size=None gives it, as PyTorch's default_convert: NumPy scalars become 0-d arrays
    (Tensors once moved), a tuple a list (a namedtuple stays one), dicts and lists keep their kind, and Python
    numbers and strings stay as they are."""
    if isinstance(example, dict):
        fields = {k: _converted(v) for k, v in example.items()}
        return _same_kind(example, fields, lambda kind: kind(fields))
    if isinstance(example, tuple) and hasattr(example, "_fields"):
        return type(example)(*(_converted(v) for v in example))
    if isinstance(example, (tuple, list)):
        items = [_converted(v) for v in example]
        return items if isinstance(example, tuple) else _same_kind(example, items, lambda kind: kind(items))
    if isinstance(example, np.generic) and example.dtype.kind in "biufc":
        return np.asarray(example)
    return example


def _stack(values, field):
    arrays = [np.asarray(v) for v in values]   # a Tensor's host values, bfloat16 ones too (numpy() refuses those)
    if arrays and arrays[0].dtype.kind in "SaUO":
        where = "the examples" if field is None else f"field {field!r} of the examples"
        raise TypeError(f"default_collate: {where} are NumPy arrays of {arrays[0].dtype}, which make no tensor; batch "
                        "tensors, numeric arrays, numbers, dicts or lists, or pass a collate_fn")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        where = "the examples" if field is None else f"field {field!r} of the examples"
        raise ShapeError(f"DataLoader: default_collate cannot stack {where} into one batch: they have different "
                         f"shapes ({sorted(shapes)}); pad them to one shape or pass a collate_fn")
    return np.stack(arrays).astype(_batch_dtype(values), copy=False)


def _batch_dtype(values):
    """The dtype PyTorch's default_collate gives: torch.stack's promotion for Tensors, float64 when the first
    value is a Python float, and torch.tensor's for a list that starts with a Python int or bool (a float among
    them gives the default float dtype, not float64)."""
    first = values[0]
    if isinstance(first, Tensor):
        return functools.reduce(ag.promote_types, [v.dtype for v in values])
    if type(first) in (int, bool):
        if any(isinstance(v, (float, np.floating)) for v in values):
            return ag.get_default_dtype()
        return np.dtype(bool) if all(type(v) is bool for v in values) else np.dtype(np.int64)
    return np.result_type(*[np.asarray(v) for v in values])


def _columns(dataset):
    """The arrays to slice whole batches from, or None when the dataset must be indexed example by example."""
    if type(dataset) is TensorDataset:
        return dataset.arrays
    if (isinstance(dataset, ArrayDataset) and type(dataset).__getitem__ is ArrayDataset.__getitem__
            and dataset.transform is None and dataset.target_transform is None):
        return (dataset.data, dataset.targets)
    return None


def _transform_inputs(batch, transform):
    if isinstance(batch, tuple):
        return (transform(batch[0]),) + batch[1:]
    if isinstance(batch, list):
        return [transform(batch[0])] + batch[1:]
    return transform(batch)


def _to_tensors(batch, device):
    if isinstance(batch, np.ndarray):
        # an array of strings, bytes or objects stays an array, as in PyTorch's default_convert
        return batch if batch.dtype.kind in "SaUO" else Tensor(batch, device=device)
    if isinstance(batch, Tensor):
        return batch if batch.device == device else batch.to(device)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):   # a namedtuple
        return type(batch)(*(_to_tensors(b, device) for b in batch))
    if isinstance(batch, (tuple, list)):
        return type(batch)(_to_tensors(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: _to_tensors(v, device) for k, v in batch.items()}
    return batch


def _after(setup, batches):
    """`batches`, with `setup()` run first on the thread that makes them."""
    setup()
    yield from batches


_BATCH, _END, _ERROR = "batch", "end", "error"
_DONE = object()   # the end of an IterableDataset's stream


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
