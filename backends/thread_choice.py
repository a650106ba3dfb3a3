"""A BLAS thread count for each size of product, picked by measuring it as the program runs.

On a quiet machine a large product runs faster on every core. When another process holds a core,
an OpenBLAS thread waiting for it spins for a scheduler tick, and the same product can run ten or
more times slower than on one thread (a 128x784x256 float32 product: 9 ms on two threads, 0.45 ms on
one). No fixed size limit is right for both, so products of the sizes that could go either way are
timed: each shape of product (or size class: a power of two of multiply-adds, for callers that give
no shape) runs on the count that has been faster lately, and now and then tries the other, less often each time the other loses, so a machine that
becomes busy, or quiet again, is noticed within a few hundred products.

OpenBLAS's one- and two-thread products differ in the last bits, so with this choice two runs of the
same program can differ by rounding. A thread count the user chose (`ag.set_num_threads(n)`, or
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS) is used as it is, for every size above the one-thread range:
runs then repeat bit for bit.
"""
import time

import numpy as np

from . import threads
from .threads import one_thread

#: [low, high) multiply-adds of the host products that always run on one BLAS thread: below the low
#: end OpenBLAS runs one thread itself; up to the high end a second thread gains nothing measurable
#: on a quiet machine (OpenBLAS, 2 cores, float32) and costs the most per multiply-add on a busy one
SMALL_PRODUCT_MACS = (2 ** 20, 2 ** 22)

#: a class re-tries the losing thread count after this many products at first, doubling up to the cap
FIRST_INTERVAL, MAX_INTERVAL = 8, 256
#: per thread count, the median of this many recent timings is its estimate
RECENT = 3


class SizeClass:
    """The timings of one size class of calls (products, or a kernel's split over backends/workers.py)
    on its full thread count and on one, and the count it runs on now."""

    __slots__ = ("full", "best", "recent", "since_try", "interval", "trying")

    def __init__(self, full):
        self.full = full
        self.best = full
        self.recent = {full: [], 1: []}
        self.since_try = 0
        self.interval = FIRST_INTERVAL
        self.trying = False

    def pick(self):
        """The thread count for the next product."""
        for count in (self.full, 1):
            if len(self.recent[count]) < 2:   # measure each count twice before trusting either
                return count
        self.since_try += 1
        if self.since_try >= self.interval:
            self.since_try = 0
            self.trying = True
            return self._other()
        return self.best

    def record(self, count, seconds_per_mac):
        """Add a timing of a product run on `count` threads and update the choice."""
        recent = self.recent[count]
        recent.append(seconds_per_mac)
        if len(recent) > RECENT:
            del recent[0]
        if len(self.recent[self._other()]) < 2:
            return
        other = self._other()
        better = self.estimate(other) < self.estimate(self.best)
        if self.trying:
            self.trying = False
            self.interval = FIRST_INTERVAL if better else min(2 * self.interval, MAX_INTERVAL)
        if better:
            self.best = other

    def estimate(self, count):
        """Seconds per multiply-add on `count` threads (the median of the recent timings)."""
        recent = sorted(self.recent[count])
        return recent[len(recent) // 2]

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
