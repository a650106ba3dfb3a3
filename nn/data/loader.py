"""DataLoader: turns a dataset into batches of Tensors, optionally shuffled, assembled in a background thread."""
import math
import numbers
import queue
import threading

import numpy as np

import autograd as ag
from autograd import Tensor

from .dataset import TensorDataset
from .datasets.base import ArrayDataset

PREFETCH_DEPTH = 2  # batches made ahead of the consumer


class DataLoader:
    """Iterate over `dataset` in batches of `batch_size` examples; each batch is a tuple of Tensors
    (one per field of an example, stacked along a new first axis) on `device` (default: the default device).

    - `shuffle`: visit the examples in a new random order every epoch, drawn from the loader's own
      `np.random.Generator` seeded with `seed` (same seed, same sequence of orders).
    - `sampler`: the indices to visit, in order, each epoch (any iterable of ints with a length, e.g.
      `DistributedSampler` for this process's share); replaces `shuffle`.
    - `drop_last`: leave out the final batch when it has fewer than `batch_size` examples.
    - `collate_fn(list_of_examples)`: builds a batch instead of the default stacking; NumPy arrays in
      what it returns (also inside tuples, lists and dicts) become Tensors.
    - `transform`: a batch transform (see `nn.data.transforms`) applied to the first field, the inputs,
      as one NumPy array.
    - `prefetch`: build the next batches in a background thread while the current one is used; the
      order is unchanged and stopping the loop early shuts the thread down.

    A `TensorDataset` (or an `ArrayDataset` without per-example transforms) is sliced a whole batch at a
    time; other datasets are indexed one example at a time.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, collate_fn=None,
                 prefetch=True, transform=None, device=None, sampler=None):
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must define __len__ and __getitem__, got "
                            f"{type(dataset).__name__}; wrap arrays as TensorDataset(x, y)")
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        for name, fn in (("collate_fn", collate_fn), ("transform", transform)):
            if fn is not None and not callable(fn):
                raise TypeError(f"DataLoader: {name} must be callable, got {type(fn).__name__}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: pass either shuffle=True or a sampler (which sets the order itself), not "
                             "both; for a shuffled distributed share use DistributedSampler(dataset, shuffle=True)")
        if sampler is not None and not (hasattr(sampler, "__iter__") and hasattr(sampler, "__len__")):
            raise TypeError(f"DataLoader: sampler must be an iterable of indices with a length, got "
                            f"{type(sampler).__name__}")
        self.dataset, self.sampler = dataset, sampler
        self.batch_size = int(batch_size)
        self.shuffle, self.drop_last, self.prefetch = bool(shuffle), bool(drop_last), bool(prefetch)
        self.seed = seed
        self.collate_fn, self.transform = collate_fn, transform
        self.device = device
        self._rng = np.random.default_rng(seed)

    def __len__(self):
        """The number of batches per epoch."""
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        # order and device are fixed here, on the caller's thread, before any batch is made
        device = ag.get_default_device() if self.device is None else ag.device(self.device)
        batches = self._batches(self._order(), device)
        return _prefetched(batches) if self.prefetch else batches

    def _order(self):
        """This epoch's example order: the sampler's, a permutation when shuffling, else None (0, 1, 2, ...)."""
        if self.sampler is not None:
            return np.fromiter(iter(self.sampler), dtype=np.int64, count=len(self.sampler))
        return self._rng.permutation(len(self.dataset)) if self.shuffle else None

    def _batches(self, order, device):
        columns = _columns(self.dataset) if self.collate_fn is None else None
        n = len(self.dataset) if order is None else len(order)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            stop = min(start + self.batch_size, n)
            index = slice(start, stop) if order is None else order[start:stop]
            if columns is not None:
                batch = tuple(np.array(c[index]) for c in columns)
            else:
                positions = range(start, stop) if order is None else index.tolist()
                examples = [self.dataset[i] for i in positions]
                batch = self.collate_fn(examples) if self.collate_fn is not None else default_collate(examples)
            if self.transform is not None:
                batch = _transform_inputs(batch, self.transform)
            yield _to_tensors(batch, device)

    def __repr__(self):
        return (f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, seed={self.seed}, prefetch={self.prefetch}"
                + (f", sampler={self.sampler!r})" if self.sampler is not None else ")"))


def default_collate(examples):
    """Stack a list of examples into one batch: a tuple of arrays for tuple examples, a dict of arrays for
    dict examples, one array otherwise."""
    first = examples[0]
    if isinstance(first, (tuple, list)):
        if any(len(e) != len(first) for e in examples):
            raise ValueError(f"DataLoader: examples have different numbers of fields "
                             f"({sorted({len(e) for e in examples})}); every example needs the same fields")
        return tuple(_stack([e[k] for e in examples], k) for k in range(len(first)))
    if isinstance(first, dict):
        return {key: _stack([e[key] for e in examples], key) for key in first}
    return _stack(examples, 0)


def _stack(values, field):
    arrays = [v.numpy() if isinstance(v, Tensor) else np.asarray(v) for v in values]
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"DataLoader: field {field!r} has different shapes across the examples of one batch "
                         f"({sorted(shapes)}); pad them to one shape or pass a collate_fn")
    return np.stack(arrays)


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
        return Tensor(batch, device=device)
    if isinstance(batch, Tensor):
        return batch if batch.device == device else batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(_to_tensors(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: _to_tensors(v, device) for k, v in batch.items()}
    return batch


_BATCH, _END, _ERROR = "batch", "end", "error"


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
