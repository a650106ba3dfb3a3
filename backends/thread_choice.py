"""A BLAS thread count for each size of product, picked by measuring it as the program runs.

On a quiet machine a large product runs faster on every core. When another process holds a core,
an OpenBLAS thread waiting for it spins for a scheduler tick, and the same product can run ten or
more times slower than on one thread (a 128x784x256 float32 product: 9 ms on two threads, 0.45 ms on
one). No fixed size limit is right for both, so products of the sizes that could go either way are
timed: each shape of product (or size class: a power of two of multiply-adds, for callers that give
no shape) starts on every thread, tries one thread at its third call and once more a few calls later
(a program started on an already busy machine has no quiet timing to compare with), and after that
only once its timings grow well above their best (so a quiet machine pays for two short trials per
shape); on one thread it re-tries every thread now and then, less often each time that loses, so a
machine that becomes quiet again is noticed within a few hundred products.

OpenBLAS's one- and two-thread products differ in the last bits, so with this choice two runs of the
same program can differ by rounding. A thread count the user chose (`ag.set_num_threads(n)`, or
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS) is used as it is, for every size above the one-thread range:
runs then repeat bit for bit.
"""
import time

import numpy as np

from . import threads
from .threads import one_thread

#: [low, high) multiply-adds of the host products that always run on one BLAS thread: at or below the
#: low end OpenBLAS's gemm runs one thread itself (m * n * k <= 65536 * its multithread threshold 4); up
#: to the high end a second thread gains nothing measurable on a quiet machine (OpenBLAS, 2 cores,
#: float32) and costs the most per multiply-add on a busy one. The low end was 2^20 until stop 53: a
#: plain product up to there takes OpenBLAS 0.3.31's small-matrix path on one thread, but one with a
#: transposed operand, as Linear's x @ weight.T, goes threaded from 2^18 and spin-waited under load
#: (48x64x192: 0.4-7.6 ms against 0.04-0.09 on one thread, with other processes on both cores)
SMALL_PRODUCT_MACS = (2 ** 18, 2 ** 22)

#: a class re-tries the losing thread count after this many products at first, doubling up to the cap
FIRST_INTERVAL, MAX_INTERVAL = 8, 256
#: per thread count, the median of this many recent timings is its estimate
RECENT = 3
#: a trial of the other thread count lasts this many calls
TRIAL = 2
#: products on every thread try one thread only once they run this much slower than their best
DEGRADED = 1.5
#: ... except for this many trials at the start, whatever the timings: the first at a class's third
#: call, the next an interval later (one early trial, judged on two calls right after start-up, lost to
#: noise in some launches and left a loaded 3x3 layer's products spin-waiting at 4x PyTorch's time)
EARLY_TRIALS = 2


class SizeClass:
    """The timings of one class of calls (a product shape, or a kernel's split over backends/workers.py)
    on its full thread count and on one, and the count it runs on now.

    With `explore`, one thread is tried from the start and again now and then (for choices that depend
    on the machine, not only on its load). Without, the class starts on every thread, tries one thread
    EARLY_TRIALS times, from its third call on (a program started on an already busy machine has no
    quiet timing to compare with), and after that only once its timings have grown DEGRADED times its
    best (another process took a core): on a quiet machine it pays for TRIAL calls on one thread,
    EARLY_TRIALS times. On one thread, it re-tries every thread now and then, less often each time
    that loses.
    """

    __slots__ = ("full", "best", "recent", "since_try", "interval", "trial_left", "explore", "fastest_full",
                 "early_trials")

    def __init__(self, full, explore=False):
        self.full = full
        self.best = full
        self.recent = {full: [], 1: []}
        self.since_try = 0
        self.interval = FIRST_INTERVAL
        self.trial_left = 0
        self.explore = explore
        self.early_trials = 0
        self.fastest_full = float("inf")

    def pick(self):
        """The thread count for the next call."""
        if len(self.recent[self.full]) < 2:   # measure every thread twice before trusting it
            return self.full
        if self.explore and len(self.recent[1]) < 2:
            return 1
        if self.trial_left:
            return self._other()
        self.since_try += 1
        # the first trial comes right after the two full-thread timings: a call may be a whole
        # recurrence (50 products), and waiting FIRST_INTERVAL calls cost a loaded LSTM 2 s a step for 20 s
        if (self.since_try >= self.interval or not self.early_trials) and self._worth_trying():
            self.since_try = 0
            self.trial_left = TRIAL
            self.early_trials += 1
            self.recent[self._other()].clear()
            return self._other()
        return self.best

    def _worth_trying(self):
        if self.explore or self.best == 1 or self.early_trials < EARLY_TRIALS:
            return True
        return self.estimate(self.full) > DEGRADED * self.fastest_full

    def record(self, count, seconds_per_unit):
        """Add a timing of a call run on `count` threads and update the choice."""
        recent = self.recent[count]
        recent.append(seconds_per_unit)
        if len(recent) > RECENT:
            del recent[0]
        if count == self.full:
            self.fastest_full = min(self.fastest_full, seconds_per_unit)
        if self.trial_left and count != self.best:
            self.trial_left -= 1
            if self.trial_left:
                return
            better = self.estimate(count) < self.estimate(self.best)
            self.interval = FIRST_INTERVAL if better else min(2 * self.interval, MAX_INTERVAL)
            if better:
                self.best = count
            return
        other = self._other()   # the other count's last timings, perhaps older, may already be better
        if len(self.recent[other]) >= 2 and self.estimate(other) < self.estimate(self.best):
            self.best = other

    def estimate(self, count):
        """Seconds per multiply-add on `count` threads: the median of the recent timings, or with
        `explore` their minimum. A kernel split over backends/workers.py's threads takes one or two
        runs at up to 4x its usual time when the host stalls a thread (F(4x4)'s split products at b32
        256ch 14x14: 17-25 ps a multiply-add on two threads, 26-38 on one, and now and then 41-85),
        and two such runs among three made one thread look the faster (6 of 6 runs of 8 layer steps
        picked two threads with the minimum, 3 of 6 with the median); a machine that is really busy
        slows every run, and the minimum as well."""
        recent = sorted(self.recent[count])
        return recent[0] if self.explore else recent[len(recent) // 2]

    def _other(self):
        return 1 if self.best == self.full else self.full


_classes = {}


#: at most this many shapes are measured one by one; later ones share their size class's measurement
MAX_SHAPES = 4096


def call(macs, fn, *args, shape=None):
    """fn(*args), a BLAS product of `macs` multiply-adds, on the thread count measured to be faster for
    products of this `shape` (any hashable description of the operands; default: of this size class)
    on this machine as it is now."""
    blas = threads.openblas_calls()
    if blas is None or threads.chosen_by_user():
        return fn(*args)
    set_threads, get_threads = blas
    full = int(get_threads())
    if full <= 1:
        return fn(*args)
    key = (int(macs).bit_length(), full) if shape is None or len(_classes) >= MAX_SHAPES else (shape, full)
    size_class = _classes.get(key)
    if size_class is None:
        size_class = _classes[key] = SizeClass(full)
    count = size_class.pick()
    if count != full:
        set_threads(count)
    start = time.perf_counter()
    try:
        result = fn(*args)
    finally:
        if count != full:
            set_threads(full)
    size_class.record(count, (time.perf_counter() - start) / max(int(macs), 1))
    return result


def matmul(a, b, out=None):
    """np.matmul(a, b) (into `out` when given) of NumPy arrays: one BLAS thread inside
    SMALL_PRODUCT_MACS, the measured choice above it."""
    m = a.shape[-2] if a.ndim > 1 else 1
    n = b.shape[-1] if b.ndim > 1 else 1
    macs = max(a.size * n, b.size * m)
    args = (a, b) if out is None else (a, b, out)
    if macs < SMALL_PRODUCT_MACS[0]:
        return np.matmul(*args)
    if macs < SMALL_PRODUCT_MACS[1]:
        return one_thread(np.matmul, *args)
    # per shape and layout: products of one size but different shapes run at different speeds, and a
    # training step repeats the same few shapes
    return call(macs, np.matmul, *args, shape=(a.shape, a.strides, b.shape, b.strides))


def choices():
    """{(shape or log2 size class, full thread count): thread count in use}, for reports and tests."""
    return {key: c.best for key, c in _classes.items()}


def reset():
    """Forget every measurement (after the machine's load or the thread count changed on purpose)."""
    _classes.clear()
