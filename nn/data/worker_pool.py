"""DataLoader worker processes, seen from the main process: start them, hand out batches of indices round-robin
with `prefetch_factor` batches in flight per worker, deliver the results in sampler order (or as ready), re-raise
their errors, and shut them down, following PyTorch's multiprocessing loader."""
import atexit
import itertools
import os
import pickle
import queue
import time

from .worker_failure import exited_error, timed_out_error
from .worker_loop import ENDED, FAILED, RESUME, run_worker
from .worker_signals import unwatch, watch

POLL_SECONDS = 0.25   # how often the main process, waiting for a batch, checks that its workers are alive
JOIN_SECONDS = 5.0    # how long a shutdown waits for a worker to finish its batch before terminating it

_exiting = False   # set at interpreter exit: multiprocessing then ends the (daemonic) workers itself


def _note_exit():
    global _exiting
    _exiting = True


atexit.register(_note_exit)


class WorkerBatches:
    """An iterator over the batches `num_workers` worker processes build, each from its own copy of `dataset`
    through `make_fetcher(dataset)` (see worker_loop.run_worker); `finish(batch)` turns what a worker sent (NumPy
    arrays) into what the loader yields, on this process. Call `begin(tasks, finish)` for each epoch; `tasks` yields
    one index per batch (None for every batch of an IterableDataset). The workers end when the epoch is exhausted
    (unless `persistent`), when `shutdown()` is called, or when the iterator is garbage collected (a loop that
    breaks early)."""

    def __init__(self, context, dataset, make_fetcher, num_workers, base_seed, init_fn, prefetch_factor, in_order,
                 timeout, persistent):
        self._owner, self._closed, self._workers, self._senders = os.getpid(), False, [], []
        self._prefetch, self._in_order = prefetch_factor, in_order
        self._timeout, self._persistent = timeout, persistent
        self._results, self._done = context.Queue(), context.Event()
        try:
            for worker_id in range(num_workers):
                # tasks go through a plain pipe, written at once: a Queue's feeder thread may already be stopped
                # when a garbage-collected iterator sends its workers the order to exit
                tasks, sender = context.Pipe(duplex=False)
                process = context.Process(target=run_worker, daemon=True, args=(
                    worker_id, num_workers, base_seed, dataset, make_fetcher, init_fn, tasks, self._results,
                    self._done))
                process.start()
                tasks.close()   # the worker's end
                self._senders.append(sender)
                self._workers.append(process)
        except BaseException:
            self.shutdown()
            raise
        watch(id(self), [process.pid for process in self._workers])

    def begin(self, tasks, finish, resume=False):
        """Start an epoch over `tasks`; `resume`: the workers served an earlier epoch (persistent workers), so they
        first start fresh fetchers (an IterableDataset's stream again) and results still in flight are dropped."""
        workers = len(self._workers)
        self._tasks, self._finish = iter(tasks), finish
        self._sent = self._received = 0
        self._pending = {}   # task number -> [worker id], and [worker id, reply] once it arrived out of order
        self._active = [True] * workers   # False once a worker's stream ended (or it was found dead)
        self._load = [0] * workers
        self._cycle = itertools.cycle(range(workers))
        if resume:
            for worker in range(workers):
                self._send(worker, RESUME)
            acknowledged = 0
            while acknowledged < workers:
                acknowledged += self._receive()[0] == RESUME
        for _ in range(self._prefetch * workers):
            self._dispatch()
        return self

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            while self._received < self._sent:   # skip tasks no live stream will answer
                entry = self._pending.get(self._received)
                if entry is not None and (len(entry) == 2 or self._active[entry[0]]):
                    break
                self._pending.pop(self._received, None)
                self._received += 1
            else:
                if not self._persistent:
                    self.shutdown()
                raise StopIteration
            entry = self._pending[self._received]
            if len(entry) == 2:
                del self._pending[self._received]
                self._received += 1
                return self._deliver(*entry)
            number, worker, kind, payload = self._receive()
            if kind == ENDED:   # this worker's copy of the stream is exhausted; the others go on
                self._active[worker] = False
                if not self._persistent:
                    self._send(worker, None)
                self._dispatch()
                continue
            if number != self._received:
                if self._in_order:
                    self._pending[number].append((kind, payload))
                    continue
                del self._pending[number]
            else:
                del self._pending[number]
                self._received += 1
            return self._deliver(worker, (kind, payload))

    def _deliver(self, worker, reply):
        self._load[worker] -= 1
        self._dispatch()
        kind, payload = reply
        if kind == FAILED:
            payload.reraise()
        return self._finish(pickle.loads(payload))

    def _dispatch(self):
        """Send the next task to the next worker in turn that is still active (with in_order=False, to one with
        fewer than its share of the tasks in flight), as PyTorch's loader hands out indices."""
        try:
            index = next(self._tasks)
        except StopIteration:
            return
        limit = self._prefetch * len(self._workers)
        for _ in range(len(self._workers)):
            worker = next(self._cycle)
            if self._active[worker] and (self._in_order or self._load[worker] < limit // sum(self._active)):
                break
        else:
            return
        self._send(worker, (self._sent, index))
        self._pending[self._sent] = [worker]
        self._load[worker] += 1
        self._sent += 1

    def _send(self, worker, message):
        try:
            self._senders[worker].send(message)
        except OSError:   # the worker is gone: _receive reports it (PyTorch's error), as PyTorch's queues do
            pass

    def _receive(self):
        """The next reply from any worker; raises PyTorch's RuntimeError when an active worker died or, with a
        timeout, when none arrived in time."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = POLL_SECONDS if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))
            try:
                return self._results.get(timeout=wait)
            except Exception as error:
                dead = [k for k, w in enumerate(self._workers) if self._active[k] and not w.is_alive()]
                if dead:
                    for k in dead:
                        self._active[k] = False
                    # (raised without a local name: a frame holding its own exception would keep this object, and
                    # so the live workers, until the garbage collector runs)
                    if not isinstance(error, queue.Empty):   # the SIGCHLD handler's error (worker_signals)
                        raise exited_error([self._workers[k] for k in dead]) from error
                    raise exited_error([self._workers[k] for k in dead])   # found by polling: the same cause
                if not isinstance(error, queue.Empty):
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                raise timed_out_error(self._timeout)

    def close(self):
        """End this epoch early: the workers stop, unless they are persistent (the next epoch reuses them)."""
        if not self._persistent:
            self.shutdown()

    @property
    def closed(self):
        """Whether the workers were shut down."""
        return self._closed

    def shutdown(self):
        """Stop the workers: ask each to exit, wait for it a while, terminate it if it still runs."""
        if self._closed or _exiting or os.getpid() != self._owner:   # a forked copy must not touch them
            return
        self._closed = True
        unwatch(id(self))
        try:
            self._done.set()
            for worker in range(len(self._senders)):
                self._send(worker, None)
            for process in self._workers:
                process.join(timeout=JOIN_SECONDS)
            for sender in self._senders:
                sender.close()
        finally:
            for process in self._workers:
                if process.is_alive():
                    process.terminate()
                    process.join(timeout=JOIN_SECONDS)

    def __del__(self):
        self.shutdown()
