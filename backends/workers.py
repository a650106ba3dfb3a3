"""Run a task over a range of independent items (channels, planes) split between the calling thread
and helper threads that sleep between calls: the parallel loop of the NumPy and Numba kernels.

NumPy releases the GIL inside its loops over large arrays, and Numba's nogil kernels release it
throughout, so plain Python threads run both on several cores at once. The caller does the first
part itself and then sleeps until the helpers are done: a helper whose core another process holds
costs at most its own share, never a spin-wait (unlike OpenMP's or OpenBLAS's waiting threads).
Handing a part to a helper and waiting for it costs about 30 us, so kernels split only work above a
size they measured.

A task run by a helper thread that calls `run` again runs whole on that thread (a helper never
waits on its own pool).

A helper is only as fast as the core it gets: right after a BLAS product OpenBLAS's own threads keep
polling for more work, and another process may hold the core. `run_measured` therefore times the
split and the whole on one thread now and then, per kernel and size, and runs the faster (the
measured choice of thread_choice.py): inside a ResNet-8 step (b64, convolutions on two BLAS threads)
batch norm's split was slower than one thread, alone it was faster.
"""
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import threads
from .thread_choice import SizeClass

_pool = None       # (process id, executor, helper count): a forked child has no helper threads
_pool_lock = threading.Lock()
_on_helper = threading.local()


def _mark_helper():
    _on_helper.active = True


def _helpers(count):
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid() or _pool[2] < count:
            executor = ThreadPoolExecutor(max_workers=count, thread_name_prefix="deepgrad-worker",
                                          initializer=_mark_helper)
            _pool = (os.getpid(), executor, count)
        return _pool[1]


def parts(total, work, min_work, thread_count=None):
    """How many parts to split `total` items into: 1 when `work` (in the caller's unit) is below
    `min_work` or on a helper thread, else the thread count (`thread_count`, by default the one
    ag.set_num_threads set), at most `total`."""
    if work < min_work or getattr(_on_helper, "active", False):
        return 1
    if thread_count is None:
        thread_count = threads.get_num_threads()
    return max(1, min(total, thread_count))


def bounds(total, count):
    """The `count` + 1 boundaries of consecutive, near-equal parts of range(total)."""
    return [k * total // count for k in range(count + 1)]


def run(task, total, count):
    """task(first, last) for `count` consecutive parts [first, last) of range(total), in parallel; the
    first part on the calling thread. Returns when every part is done; re-raises the first part's
    error, else the first helper's."""
    if count <= 1:
        task(0, total)
        return
    edges = bounds(total, count)
    pool = _helpers(count - 1)
    futures = [pool.submit(task, edges[k], edges[k + 1]) for k in range(1, count)]
    try:
        task(edges[0], edges[1])
    finally:
        # the helpers write into arrays the caller owns: never return (or raise) before they finish
        errors = [future.exception() for future in futures]
    for error in errors:
        if error is not None:
            raise error


_measured = {}   # (kernel name, log2 of the work, part count) -> SizeClass


def run_measured(name, task, total, work, count):
    """run(task, total, count), or task(0, total) on the calling thread when that has lately been the
    faster for calls of kernel `name` doing about `work` (in the caller's unit); only for tasks whose
    results do not depend on the split."""
    if count <= 1:
        task(0, total)
        return
    key = (name, int(work).bit_length(), count)
    size_class = _measured.get(key)
    if size_class is None:
        size_class = _measured[key] = SizeClass(count, explore=True)
    chosen = size_class.pick()
    start = time.perf_counter()
    run(task, total, chosen)
    size_class.record(chosen, (time.perf_counter() - start) / max(int(work), 1))


def measured_choices():
    """{(kernel name, log2 work, part count): part count in use}, for reports and tests."""
    return {key: c.best for key, c in _measured.items()}
