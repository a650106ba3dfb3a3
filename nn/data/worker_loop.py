"""The body of a DataLoader worker process: seed its generators as PyTorch seeds a worker's, then build the batches
the main process asks for, one at a time, and send them back as pickled NumPy structures."""
import os
import pickle
import random

import numpy as np

import autograd as ag

from .collate import host_arrays
from .worker_failure import CaughtError
from .worker_info import WorkerInfo, enter_worker

POLL_SECONDS = 1.0   # how often an idle worker checks that the main process still exists
RESUME = "resume"    # a persistent worker's signal that a new epoch starts (a fresh fetcher, a fresh stream)
BATCH, FAILED, ENDED = "batch", "failed", "ended"


def seed_worker(base_seed, worker_id):
    """Seed this process's generators as PyTorch seeds worker `worker_id`'s, and return that seed: deepgrad's
    global generator (PyTorch's torch.manual_seed) and Python's `random` with base_seed + worker_id, NumPy's global
    generator with the four words PyTorch derives from both (a SeedSequence of [id, low, high, 0] words)."""
    seed = base_seed + worker_id
    random.seed(seed)
    ag.manual_seed(seed)
    words = [worker_id, base_seed & 0xFFFF_FFFF, base_seed >> 32, 0]
    np.random.seed(np.random.SeedSequence(words).generate_state(4))
    return seed


def run_worker(worker_id, num_workers, base_seed, dataset, make_fetcher, init_fn, tasks, results, done):
    """Serve one worker's tasks until told to stop (None from `tasks`, the receiving end of a pipe) or the main
    process is gone. A task is (number, index); the reply on `results` (a Queue) is (number, worker_id, kind, payload):
    BATCH with the pickled batch, FAILED with a CaughtError, or ENDED once an IterableDataset's stream is done."""
    try:
        ag.set_num_threads(1)   # as PyTorch's workers: the processes already share the cores between them
        info = WorkerInfo(worker_id, num_workers, seed_worker(base_seed, worker_id), dataset)
        enter_worker(info)
        failure, fetch = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetch = make_fetcher(info.dataset)
        except Exception:
            failure = CaughtError(worker_id)   # the answer to each of this worker's tasks
        ended, parent = False, os.getppid()
        while os.getppid() == parent:
            if not tasks.poll(POLL_SECONDS):
                continue
            task = tasks.recv()
            if task is None:
                break
            if task == RESUME:
                ended = False
                if fetch is not None:
                    try:
                        fetch = make_fetcher(info.dataset)
                    except Exception:
                        fetch, failure = None, CaughtError(worker_id)
                results.put((RESUME, worker_id, None, None))
                continue
            if done.is_set() or ended:
                continue
            number, index = task
            if fetch is None:   # worker_init_fn or the fetcher failed: every task reports it
                kind, payload = FAILED, failure
            else:
                kind, payload = _fetched(fetch, index, make_fetcher.stream, worker_id)
                ended = kind == ENDED
            results.put((number, worker_id, kind, payload))
    except (KeyboardInterrupt, EOFError):   # Ctrl-C reaches the whole process group; the main process reports it
        pass
    if done.is_set():   # the main process stopped reading: do not wait to flush what is left on exit
        results.cancel_join_thread()
        results.close()


def _fetched(fetch, index, stream, worker_id):
    """(kind, payload) for one task: the batch as host arrays, pickled here so that a batch that cannot cross
    processes is reported instead of being dropped by the queue's feeder thread."""
    try:
        return BATCH, pickle.dumps(host_arrays(fetch(index)), protocol=pickle.HIGHEST_PROTOCOL)
    except StopIteration:
        if stream:
            return ENDED, None
        return FAILED, CaughtError(worker_id)
    except Exception:
        return FAILED, CaughtError(worker_id)


class FetcherFactory:
    """A picklable recipe for a worker's fetcher: `kind(dataset, *arguments)`; `stream` says whether StopIteration
    means the end of the worker's stream (an IterableDataset) rather than an error."""

    def __init__(self, kind, *arguments, stream=False):
        self.kind, self.arguments, self.stream = kind, arguments, stream

    def __call__(self, dataset):
        return self.kind(dataset, *self.arguments)
