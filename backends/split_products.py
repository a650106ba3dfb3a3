"""Stacks of independent host products run on deepgrad's own threads, one BLAS thread each.

OpenBLAS parallelises every product on threads of its own, which keep polling for more work for a
long while after the product ends (about 2^28 counter cycles, a tenth of a second). The compiled
kernels that run between two products (Winograd's tile transforms, say) split their work over
backends/workers.py's threads, and a helper that lands on the core an OpenBLAS thread is polling on
gets about half of it: measured on 2 cores, F(4x4)'s input and output transforms at 256ch 14x14 took
8.5 and 9.9 ms beside OpenBLAS's polling thread, 5.5 and 5.2 without (OPENBLAS_THREAD_TIMEOUT=20).

A stack of products needs no thread inside any one of them: here the stack is split over the
workers, each slice on one BLAS thread, with OpenBLAS held to one thread for as long as a caller
asks (`one_blas_thread`), so that no OpenBLAS thread polls between its products and transforms.
Each product runs whole on one thread, so the results do not depend on the split. F(4x4)'s weight
gradient, whose 36 products (256 x 8192 by 8192 x 256 at b32 256ch 14x14) OpenBLAS split badly, went
from 42-44 to 33-34 ms (two threads, median of 10); its forward and input gradient measured the same
either way.
"""
import threading
from contextlib import contextmanager

import numpy as np

from . import threads, workers

#: stacks of fewer multiply-adds than this run on the calling thread (a helper costs tens of us)
MIN_SPLIT_MACS = 2 ** 22

_held = threading.local()    # .count: the BLAS thread count before one_blas_thread lowered it


def matmul(a, b, out=None):
    """np.matmul(a, b) of 3-D NumPy stacks (into `out` when given), the stack split over the worker
    threads, every product on one BLAS thread (hold `one_blas_thread` around the caller's work)."""
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise ValueError(f"split_products.matmul: two 3-D stacks of one length expected, got shapes {a.shape} "
                         f"and {b.shape}")
    if out is None:
        out = np.empty((a.shape[0], a.shape[1], b.shape[2]), np.result_type(a, b))
    stack = out.shape[0]
    macs = stack * a.shape[1] * a.shape[2] * b.shape[2]

    def part(first, last):
        np.matmul(a[first:last], b[first:last], out=out[first:last])

    count = getattr(_held, "count", None) or threads.get_num_threads()
    workers.run_measured("split_products", part, stack, macs, workers.parts(stack, macs, MIN_SPLIT_MACS, count))
    return out


@contextmanager
def one_blas_thread():
    """BLAS on one thread inside the block (the products above then never wake OpenBLAS's threads);
    `matmul` still splits its stacks over as many threads as BLAS had before."""
    if getattr(_held, "count", None):
        yield
        return
    _held.count = threads.get_num_threads()
    try:
        with threads.limited(1):
            yield
    finally:
        _held.count = None
