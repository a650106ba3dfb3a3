"""Run a task over a range of independent items (channels, planes) split between the calling thread
and helper threads: the parallel loop of the NumPy and Numba kernels.

NumPy releases the GIL inside its loops over large arrays, and Numba's nogil kernels release it
throughout, so plain Python threads run both on several cores at once. The caller hands each helper
its part, does the first part itself, and waits until the helpers are done. Between parts a helper
(and a caller waiting for one) first polls for a short while (SPIN_SECONDS) with the GIL released,
in compiled code, then sleeps on a lock: the numba device installs that poll
(numba_kernels/spin.py), because a thread that sleeps at once lets its core halt, and waking it
again cost 0.1-1 ms a call on a virtual machine. The poll is bounded, so on a machine whose cores
other processes keep busy a waiting thread costs at most that much of a core, and a helper whose
core another process holds delays only its own part (no OpenMP-style barrier spinning for a
scheduler tick). Without the poll (the cpu device, non-x86 hosts, OMP_WAIT_POLICY=PASSIVE) threads
sleep at once. Handing
a part to a helper costs tens of microseconds, so kernels split only work above a size they
measured.

One caller at a time uses the helpers: a second thread that calls `run` meanwhile (a data loader's,
say) runs the same parts one after another on its own thread, as does a task that a helper runs and
that calls `run` again (a helper never waits on its own pool).

A helper is only as fast as the core it gets: right after a BLAS product OpenBLAS's own threads keep
polling for more work, and another process may hold the core. `run_measured` therefore times the
split and the whole on one thread now and then, per kernel and size, and runs the faster (the
measured choice of thread_choice.py): inside a ResNet-8 step (b64, convolutions on two BLAS threads)
batch norm's split was slower than one thread, alone it was faster.
"""
import os
import threading
import time

import numpy as np

from . import threads
from .thread_choice import SizeClass

#: how long a helper polls for its next part, and a caller for its helpers, before sleeping
SPIN_SECONDS = 0.002

_team = None       # (process id, [helpers], lock of the one caller): a forked child has no helper threads
_team_lock = threading.Lock()
_on_helper = threading.local()
_spin = None       # (wait_while, cycles per second) once installed: see use_spin_wait


def spin_allowed():
    """False when OMP_WAIT_POLICY is PASSIVE: then, as OpenMP's threads do, waiting threads sleep at once."""
    return os.environ.get("OMP_WAIT_POLICY", "").strip().lower() != "passive"


def use_spin_wait(wait_while, cycles_per_second):
    """Let waiting threads poll with `wait_while(words, index, value, cycles)` (a GIL-free loop that
    returns once words[index] != value or `cycles` counter cycles passed) before they sleep."""
    global _spin
    _spin = (wait_while, cycles_per_second)


def _wait_while(helper, index, value, flag):
    """Return once helper.words[index] != value: polling for SPIN_SECONDS when a poll is installed,
    then sleeping on the helper's condition with its attribute `flag` set while asleep (so the other
    side knows to notify)."""
    words, spin = helper.words, _spin
    if spin is not None and words[index] == value:
        spin[0](words, index, value, int(SPIN_SECONDS * spin[1]))
    if words[index] != value:
        return
    with helper.cond:
        setattr(helper, flag, True)
        while words[index] == value:
            helper.cond.wait()
        setattr(helper, flag, False)


class _Helper:
    """One helper thread, the part it was handed and its error. `words` holds how many parts it was
    handed and how many it finished; each side waits on the other's word."""

    def __init__(self, name):
        self.words = np.zeros(2, np.int64)
        self.part = None
        self.error = None
        self.asleep = False           # the helper sleeps on cond, waiting for a part
        self.caller_asleep = False    # the caller sleeps on cond, waiting for the part to finish
        self.cond = threading.Condition()
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def _serve(self):
        _on_helper.active = True
        handed = 0
        while True:
            _wait_while(self, 0, handed, "asleep")
            handed = int(self.words[0])
            task, first, last = self.part
            try:
                task(first, last)
            except BaseException as error:  # noqa: BLE001  (re-raised in the caller)
                self.error = error
            self.part = None
            self.words[1] = handed
            if self.caller_asleep:
                with self.cond:
                    self.cond.notify_all()

    def hand(self, task, first, last):
        """Start task(first, last) on this helper."""
        self.error = None
        self.part = (task, first, last)
        self.words[0] += 1
        if self.asleep:
            with self.cond:
                self.cond.notify_all()

    def finish(self):
        """Wait for the part handed last; returns its error or None."""
        _wait_while(self, 1, self.words[0] - 1, "caller_asleep")
        return self.error


def _helpers(count):
    """(count helpers of this process, the lock a caller holds while it uses them)."""
    global _team
    with _team_lock:
        if _team is None or _team[0] != os.getpid():
            _team = (os.getpid(), [], threading.Lock())
        team = _team[1]
        while len(team) < count:
            team.append(_Helper(f"deepgrad-worker-{len(team)}"))
        return team[:count], _team[2]


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


def _in_turn(task, edges):
    """task(first, last) for each part between consecutive `edges`, on the calling thread."""
    for first, last in zip(edges[:-1], edges[1:]):
        task(first, last)


def run(task, total, count):
    """task(first, last) for `count` consecutive parts [first, last) of range(total), in parallel; the
    first part on the calling thread. Returns when every part is done; re-raises the first part's
    error, else the first helper's. While another thread is using the helpers (or on a helper thread),
    the calling thread runs the same parts one after another: callers may keep a result per part."""
    if count <= 1:
        task(0, total)
        return
    edges = bounds(total, count)
    if getattr(_on_helper, "active", False):
        _in_turn(task, edges)
        return
    helpers, in_use = _helpers(count - 1)
    if not in_use.acquire(blocking=False):
        _in_turn(task, edges)
        return
    try:
        handed = []
        try:
            for k, helper in enumerate(helpers, start=1):
                helper.hand(task, edges[k], edges[k + 1])
                handed.append(helper)
            task(edges[0], edges[1])
        finally:
            # the helpers write into arrays the caller owns: never return (or raise) before they finish
            errors = [helper.finish() for helper in handed]
    finally:
        in_use.release()
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
