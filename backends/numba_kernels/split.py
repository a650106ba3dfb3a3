"""Run a nogil kernel over a range of independent items (planes, channels) split between the calling
thread and helper threads, one part each.

Not Numba's parallel=True: its OpenMP layer's threads spin at the closing barrier, and on a machine
whose cores other processes keep busy a call then waits for whole scheduler ticks (b8 128ch 28x28
depthwise: 8-12 ms a call instead of 0.3 ms), and its workqueue layer aborts when two Python threads
launch kernels at once. Here the caller does the first part itself and then waits until the helpers
are done, polling for at most 2 ms before it sleeps, so a busy machine costs at most the helpers'
share and that poll, never a stall for a scheduler tick (the thread pool is backends/workers.py,
shared with the NumPy kernels).

Measured (depthwise 3x3, forward + both gradients): two threads on a quiet 2-core machine, b8 128ch
28x28 0.78 ms against 1.05 ms on one, b32 3.4 against 6.5 ms; with both cores kept busy by other
processes (load 3), 10-20% slower than one thread instead. ag.set_num_threads(1) keeps every kernel
on the calling thread.
"""
from functools import partial

import numba
import numpy as np

from .. import workers

#: below this much work (multiply-adds, about 100 us on one thread) a second thread costs more than it
#: saves: handing it a part and waiting for it costs about 30 us
MIN_SPLIT_WORK = 2 ** 20


def parts(total, work, min_work=MIN_SPLIT_WORK):
    """How many parts to split `total` items doing `work` in all (multiply-adds, unless the caller
    gives its own `min_work`) into: the thread count (numba.get_num_threads, which
    ag.set_num_threads sets), or 1 below `min_work`."""
    return workers.parts(total, work, min_work, numba.get_num_threads())


def run(kernel, args, total, work, min_work=MIN_SPLIT_WORK):
    """kernel(*args, first, last) for consecutive parts [first, last) of range(total), in parallel."""
    workers.run(partial(kernel, *args), total, parts(total, work, min_work))


def run_measured(name, kernel, args, total, work, min_work=MIN_SPLIT_WORK):
    """run(kernel, ...), or kernel(*args, 0, total) on the calling thread when that has lately been the
    faster for calls of `name` of about this much work (workers.run_measured): for passes bound by
    memory, which a second thread speeds up only when it gets its core at once."""
    workers.run_measured(name, partial(kernel, *args), total, work, parts(total, work, min_work))


def run_summed(call, total, work, shape, dtype):
    """The sum over consecutive parts [first, last) of range(total), run in parallel, of the partial
    sums that call(out, first, last) writes into out (`shape`, `dtype`): one partial sum per thread,
    added at the end, so each thread reads only its own items."""
    count = parts(total, work)
    partial_sums = np.empty((count,) + tuple(shape), dtype)
    edges = workers.bounds(total, count)
    workers.run(lambda first, last: call(partial_sums[edges.index(first)], first, last), total, count)
    return partial_sums[0] if count == 1 else partial_sums.sum(axis=0)
