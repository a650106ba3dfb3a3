"""get_worker_info(): which DataLoader worker process the calling code runs in (None in the main process)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerInfo:
    """What PyTorch's WorkerInfo holds: the worker's `id` (0 to num_workers - 1), `num_workers`, the `seed` its
    generators were seeded with (the loader's base seed + id) and `dataset`, this process's copy of the dataset
    (an IterableDataset shards itself by reading id and num_workers). `rng` and `worker_method` are PyTorch's
    fields for thread workers, always None and "multiprocessing" here."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_current = None   # set once in each worker process, before worker_init_fn runs


def get_worker_info():
    """In a DataLoader worker process, its WorkerInfo (id, num_workers, seed, dataset); None in the main process,
    as PyTorch's torch.utils.data.get_worker_info()."""
    return _current


def enter_worker(info):
    """Record `info` as this process's WorkerInfo (called by the worker loop when the process starts)."""
    global _current
    _current = info
