"""DataLoader's less travelled paths, as torch.utils.data code meets them: tests run it as is and with only its imports
changed, and compare what both print. Tensors a worker's collate_fn makes (requires_grad, dtype, Parameter) crossing
to the main process; a map-style dataset with __getitems__ (PyTorch's batched fetch) with and without workers, with
a collate_fn, with batch_size=None, under Subset and StackDataset; len(loader) and len(iter(loader)) for map-style
and IterableDatasets, and the warning when a stream yields more batches than its reported length; the warnings of
check_worker_number_rationality and pin_memory_device; StackDataset, ChainDataset, ConcatDataset, Subset,
random_split and a BatchSampler read by workers; default_collate and default_convert of namedtuples, dicts,
strings, bytes, NumPy scalars and arrays, and batch_size=None's per-item conversion; and worker processes that die,
while the main process runs the loop's body (the error comes from there, at once) or waits for a batch (PyTorch's
'exited unexpectedly', its cause the exit code or signal), without waiting for the batch the dead worker owed.
"""
import collections
import os
import re
import signal
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              SequentialSampler, StackDataset, Subset, TensorDataset, default_collate, default_convert,
                              random_split)

Point = collections.namedtuple("Point", "x y")


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.float32(i * i), i


class Batched(Squares):
    """Answers a whole batch in one call: floats and negated indices, and the type of the index list it got."""

    def __getitems__(self, indices):
        return [(float(i), -i, type(indices).__name__) for i in indices]


class Stream(IterableDataset):
    """Yields `n` numbers but reports `reported` as its length (every worker yields the whole stream)."""

    def __init__(self, n, reported):
        self.n, self.reported = n, reported

    def __len__(self):
        return self.reported

    def __iter__(self):
        return iter(range(self.n))


class Dying(Dataset):
    """Example `bad` ends its worker (os._exit(4), or SIGKILL) after `delay` seconds; example `slow` takes 2 s."""

    def __init__(self, bad, how, delay=0.0, slow=None):
        self.bad, self.how, self.delay, self.slow = bad, how, delay, slow

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == self.slow:
            time.sleep(2.0)
        if i == self.bad:
            time.sleep(self.delay)
            if self.how == "exit":
                os._exit(4)
            os.kill(os.getpid(), signal.SIGKILL)
        return i


def leaves_with_grad(examples):
    values = [float(e[1]) for e in examples]
    return (torch.tensor(values, dtype=torch.float64, requires_grad=True),
            torch.tensor([e[1] for e in examples], dtype=torch.int16),
            nn.Parameter(torch.zeros(2)), nn.Parameter(torch.ones(1), requires_grad=False))


def show(value):
    if isinstance(value, torch.Tensor):
        kind = type(value).__name__
        return (f"{kind}({value.tolist()}, {str(value.dtype).replace('torch.', '')}, grad={value.requires_grad}, "
                f"leaf={value.is_leaf})")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value).__name__ + "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, np.ndarray):
        return f"ndarray({value.tolist()}, {value.dtype})"
    return f"{type(value).__name__} {value!r}"


def caught(messages):
    """The warnings' texts with object addresses, modules and this machine's CPU count left out."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    texts = [re.sub(r"<[\w.]+\.(\w+) object at 0x[0-9a-f]+>", r"<\1>", str(m.message)) for m in messages]
    return [text.replace(f" is {cpus},", " is CPUS,") for text in texts]


def without_pids(text):
    return re.sub(r"pid(\(s\))? \d+", r"pid\1 PID", str(text))


def dies(name, loader, work=0.0):
    start, got = time.monotonic(), []
    try:
        for batch in loader:
            got.append(batch.tolist())
            time.sleep(work)
    except RuntimeError as error:
        print(name, got, without_pids(error), "| cause:", without_pids(error.__cause__),
              "| before the slow batch:", time.monotonic() - start < 1.6)
        return
    print(name, got, "no error")


def main():
    for workers in (0, 2):
        print("collate_fn tensors", workers,
              [show(b) for b in DataLoader(Squares(4), batch_size=2, num_workers=workers,
                                           collate_fn=leaves_with_grad)])
        print("getitems", workers, [show(b) for b in DataLoader(Batched(5), batch_size=2, num_workers=workers)])
        print("getitems collate_fn", workers, [show(b) for b in DataLoader(Batched(3), batch_size=2,
                                                                            num_workers=workers,
                                                                            collate_fn=lambda items: items[::-1])])
        print("getitems unbatched", workers, [show(b) for b in DataLoader(Batched(3), batch_size=None,
                                                                           num_workers=workers)])
        print("getitems subset", workers, [show(b) for b in DataLoader(Subset(Batched(6), [5, 1, 2]), batch_size=2,
                                                                        num_workers=workers)])
        print("getitems stacked", workers, [show(b) for b in DataLoader(StackDataset(Batched(3), Squares(3)),
                                                                         batch_size=2, num_workers=workers)])
        print("getitems stacked names", workers, [show(b) for b in DataLoader(StackDataset(a=Batched(3), b=Squares(3)),
                                                                               batch_size=3, num_workers=workers)])

        stream = DataLoader(Stream(5, 3), batch_size=2, num_workers=workers)
        print("stream len", len(stream), "iterator len", end=" ")
        epoch = iter(stream)
        try:
            print(len(epoch))
        except TypeError as error:
            print(type(error).__name__, error)
        with warnings.catch_warnings(record=True) as messages:
            warnings.simplefilter("always")
            print("stream batches", [b.tolist() for b in epoch])
        print("stream warnings", caught(messages))
        with warnings.catch_warnings(record=True) as messages:   # len() not asked: no warning
            warnings.simplefilter("always")
            print("stream unasked", [b.tolist() for b in DataLoader(Stream(5, 1), batch_size=2, num_workers=workers)])
        print("stream unasked warnings", caught(messages))
        mapped = DataLoader(Squares(5), batch_size=2, num_workers=workers)
        print("map len", len(mapped), len(iter(mapped)), len(iter(DataLoader(Squares(5), batch_size=None))))

        print("stack", workers, [show(b) for b in DataLoader(StackDataset(Squares(3), TensorDataset(torch.arange(3.0))),
                                                              batch_size=2, num_workers=workers)])
        print("stack names", workers, [show(b) for b in DataLoader(StackDataset(a=Squares(3), b=Squares(3)),
                                                                    batch_size=2, num_workers=workers)])
        print("chain", workers, [show(b) for b in DataLoader(ChainDataset([Stream(3, 3), Stream(2, 2)]), batch_size=2,
                                                              num_workers=workers)])
        print("concat", workers, [show(b) for b in DataLoader(ConcatDataset([Squares(3), Squares(2)]), batch_size=2,
                                                               num_workers=workers)])
        print("subset", workers, [show(b) for b in DataLoader(Subset(Squares(6), [5, 0, 3]), batch_size=2,
                                                               num_workers=workers)])
        first, second = random_split(Squares(6), [4, 2], generator=torch.Generator().manual_seed(3))
        print("random_split", workers, [show(b) for b in DataLoader(first, batch_size=3, num_workers=workers)],
              [show(b) for b in DataLoader(second, batch_size=3, num_workers=workers)])
        batches = BatchSampler(SequentialSampler(range(5)), 2, drop_last=True)
        print("batch_sampler", workers, [show(b) for b in DataLoader(Squares(5), batch_sampler=batches,
                                                                      num_workers=workers)])
        mixed = [{"a": np.int32(1), "s": "x", "b": b"y", "f": np.float64(0.5), "v": np.arange(2, dtype=np.int16)}] * 2
        print("convert", workers, [show(b) for b in DataLoader(mixed, batch_size=None, num_workers=workers)])
        print("collate", workers, [show(b) for b in DataLoader(mixed, batch_size=2, num_workers=workers)])
        print("items", workers, [show(b) for b in DataLoader([1, 2.5, "s", b"b", np.float32(3), np.arange(2),
                                                               (np.int8(1), "t")], batch_size=None,
                                                              collate_fn=None, num_workers=workers)])

    print("default_collate", show(default_collate([Point(1, 2.0), Point(3, 4.0)])),
          show(default_collate([Point(np.float32(1), np.arange(2)), Point(np.float32(2), np.arange(2))])))
    print("default_collate", show(default_collate([{"a": np.float64(1), "b": "s"}, {"a": np.float64(2), "b": "t"}])),
          show(default_collate([b"a", b"b"])), show(default_collate(["a", "b"])))
    print("default_collate", show(default_collate([np.array([1, 2], np.int16), np.array([3, 4], np.int16)])),
          show(default_collate([np.bool_(True), np.bool_(False)])),
          show(default_collate([np.float16(1), np.float16(2)])),
          show(default_collate([(1, "a", b"x"), (2, "b", b"y")])))
    print("default_convert", show(default_convert(Point(np.float32(1), np.arange(2)))),
          show(default_convert([np.int8(3), "s", b"b", 2.5, {"k": np.ones(2)}])),
          show(default_convert((np.array(["a", "b"]), np.array([1.0])))), show(default_convert(np.float64(2.0))),
          show(default_convert(np.array([b"x"]))), show(default_convert({"p": Point(np.int64(1), "q")})))
    print("unbatched namedtuples", [show(b) for b in DataLoader([Point(np.float32(1), 2), Point(3, b"z")],
                                                                 batch_size=None)])

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with warnings.catch_warnings(record=True) as messages:
        warnings.simplefilter("always")
        crowded = DataLoader(Squares(2), num_workers=cpus + 1)
        crowded.check_worker_number_rationality()
        DataLoader(Squares(2), num_workers=1).check_worker_number_rationality()
    print("rationality", [m.replace(str(cpus + 1), "CPUS+1") for m in caught(messages)])
    with warnings.catch_warnings(record=True) as messages:
        warnings.simplefilter("always")
        pinned = DataLoader(Squares(2), pin_memory=True, pin_memory_device="cuda")
        print("pin_memory_device", repr(pinned.pin_memory_device), [b[1].tolist() for b in pinned])
        print("pin_memory_device unpinned", [b[1].tolist() for b in DataLoader(Squares(2), pin_memory_device="cpu")])
    print("pin warnings", caught(messages))

    dies("exits in the loop's body", DataLoader(Dying(3, "exit", delay=0.2), batch_size=1, num_workers=2), work=0.8)
    dies("killed in the loop's body", DataLoader(Dying(3, "kill", delay=0.2), batch_size=1, num_workers=2), work=0.8)
    dies("exits while waiting", DataLoader(Dying(1, "exit", slow=0), batch_size=1, num_workers=2))
    dies("killed while waiting", DataLoader(Dying(1, "kill", slow=0), batch_size=1, num_workers=2))


if __name__ == "__main__":
    main()
